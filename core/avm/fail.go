package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

func (x *interp) fail(f *air.Fail) error {
	switch v := f.Value.(type) {
	case nil:
		obj := map[string]any{
			"error_code":  f.Code,
			"message":     f.Message,
			"instruction": display(f),
			"peer_id":     x.p.InitPeerID,
		}
		tet := x.literalTet()
		return x.raise(obj, &tet, literalProvenance)
	case *air.LastError:
		if err := checkErrorObject(x.lastErr.value()); err != nil {
			return err
		}
		return x.raise(x.lastErr.value(), x.lastErr.tet, x.lastErr.prov)
	case *air.Error:
		d := x.curErr
		if err := checkErrorObject(d.value()); err != nil {
			return err
		}
		err := x.raise(d.value(), d.tet, d.prov)
		if d.orig != nil {
			// Rethrow the caught error itself, with its own code.
			err = d.orig
		}
		x.curErr.canSet = false
		return err
	default:
		r, err := x.resolve(v)
		if err != nil {
			return err
		}
		if err := checkErrorObject(r.v); err != nil {
			return err
		}
		var tet *data.Tetraplet
		if t, ok := r.first(); ok {
			tet = &t
		}
		return x.raise(r.v, tet, r.prov)
	}
}

// raise sets %last_error% to an error object and fails with it.
func (x *interp) raise(obj value.Value, tet *data.Tetraplet, prov data.Provenance) error {
	x.lastErr = errDesc{obj: obj, tet: tet, prov: prov}
	x.complete = false
	return errUser(obj)
}
