package avm

import (
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// errDesc holds one of the two error variables: %last_error%, the last
// error raised anywhere, and :error:, the error the enclosing xor caught.
//
// An error is set at every instruction it passes on its way up, but the
// variable locks after the first set, so it keeps the innermost
// instruction's description.
type errDesc struct {
	// obj is the error object; nil is no error, whose object value
	// makes when it is read, as few runs do.
	obj    value.Value
	tet    *data.Tetraplet
	prov   data.Provenance
	canSet bool
	// orig is the error itself, kept for :error: so that (fail :error:)
	// rethrows it with its own code and message.
	orig *execError
}

func noError() errDesc {
	return errDesc{prov: literalProvenance, canSet: true}
}

// value is the error object.
func (d *errDesc) value() value.Value {
	if d.obj == nil {
		return noErrorObject()
	}
	return d.obj
}

func noErrorObject() map[string]any {
	return map[string]any{"error_code": int64(0), "message": ""}
}

func errorObject(e *execError, instr, peer string) map[string]any {
	obj := map[string]any{"error_code": e.code, "message": e.message(), "instruction": instr}
	if peer != "" {
		obj["peer_id"] = peer
	}
	return obj
}

// setErrors records err, raised by instruction instr, in both error
// variables if they are not locked. withPeer is true for call and canon,
// whose errors name the peer they were meant for (tet's peer).
func (x *interp) setErrors(err error, instr string, tet *data.Tetraplet, withPeer bool) {
	e := asExec(err)
	if !e.catchable {
		x.curErr.canSet = false
		return
	}
	// An error's message may quote a value. The step this costs cannot
	// fail the run here; the next instruction's count does.
	x.steps += int64(len(e.message()) / stepBytes)
	peer := x.p.CurrentPeerID
	if withPeer && tet != nil {
		peer = tet.PeerPK
	}
	if x.lastErr.canSet && e.affectsLastError() {
		x.lastErr = errDesc{obj: errorObject(e, instr, peer), tet: tet, prov: literalProvenance}
	}
	if x.curErr.canSet {
		p := ""
		if withPeer {
			p = peer
		}
		x.curErr = errDesc{obj: errorObject(e, instr, p), tet: tet, prov: literalProvenance}
	}
	x.curErr.canSet = false
}

// checkErrorObject verifies that a value can be raised by fail.
func checkErrorObject(v value.Value) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return catchable(CodeInvalidErrorObject,
			"scalar should have an object type to be converted into error object, but '%s' doesn't have", value.String(v))
	}
	code, ok := obj["error_code"]
	if !ok {
		return catchable(CodeInvalidErrorObject, "scalar '%s' must have field with name 'error_code'", value.String(v))
	}
	if !value.IsInteger(code) {
		return catchable(CodeInvalidErrorObject, "error_code of scalar '%s' must have integer type", value.String(v))
	}
	if value.Equal(code, int64(0)) {
		return catchable(CodeInvalidErrorObject, "error code must be non-zero, but it is zero")
	}
	msg, ok := obj["message"]
	if !ok {
		return catchable(CodeInvalidErrorObject, "scalar '%s' must have field with name 'message'", value.String(v))
	}
	if _, ok := msg.(string); !ok {
		return catchable(CodeInvalidErrorObject, "message of scalar '%s' must have string type", value.String(v))
	}
	return nil
}
