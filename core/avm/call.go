package avm

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/internal/merge"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

func (x *interp) call(c *air.Call) error {
	tet, err := x.triplet(c)
	if err == nil {
		err = x.checkOutput(c.Output)
	}
	resolved := err == nil
	if err == nil {
		err = x.resolvedCall(c, tet)
	}
	if err == nil {
		return nil
	}
	if isJoinable(err) {
		x.complete = false
		return nil
	}
	if isCatchable(err) {
		// The error's tetraplet is the call's, once its peer, service,
		// function and output are found good.
		var errTet *data.Tetraplet
		if resolved {
			errTet = new(tet)
		}
		x.setErrors(err, display(c), errTet, true)
	}
	x.noteRaised(err, c.Span)
	return err
}

func (x *interp) triplet(c *air.Call) (data.Tetraplet, error) {
	var t data.Tetraplet
	var err error
	if t.PeerPK, err = x.resolveString(c.Peer); err != nil {
		return t, err
	}
	if t.ServiceID, err = x.resolveString(c.Service); err != nil {
		return t, err
	}
	t.FunctionName, err = x.resolveString(c.Function)
	return t, err
}

// checkOutput refuses to rebind a scalar outside a fold before anything
// runs.
func (x *interp) checkOutput(out air.Value) error {
	s, ok := out.(*air.Scalar)
	if !ok {
		return nil
	}
	b, fs, err := x.sc.get(s.Name)
	switch {
	case err != nil:
		return nil
	case fs != nil:
		return uncatchable(CodeIterableShadowing,
			"variable with name '%s' can't be shadowed, shadowing isn't supported for iterables", s.Name)
	case b != nil && !x.sc.couldBeSet(s.Name):
		return uncatchable(CodeShadowingNotAllowed,
			"trying to shadow variable '%s', but shadowing is allowed only inside fold blocks", s.Name)
	}
	return nil
}

type callArgs struct {
	values []any
	// parts are the operands, for their tetraplets.
	parts []resolved
	// hash is the CID of text, once computed: a replayed call only
	// compares it with the one its result names.
	hash data.CID
	// text is the JSON text of the array of the arguments, once written;
	// each argument's text ends in it where ends says.
	written bool
	text    []byte
	ends    []int
	endsBuf [4]int
}

// tetraplets returns the tetraplets of each argument's parts, never nil:
// a call request's tetraplets are a list, empty or not.
func (a *callArgs) tetraplets() [][]data.Tetraplet {
	tets := make([][]data.Tetraplet, len(a.parts))
	for i := range a.parts {
		tets[i] = a.parts[i].tetraplets()
	}
	return tets
}

// texts returns the JSON text of each argument, within the text of all.
func (a *callArgs) texts() []json.RawMessage {
	a.write()
	texts := make([]json.RawMessage, len(a.ends))
	start := 1
	for i, end := range a.ends {
		texts[i] = a.text[start:end:end]
		start = end + 1
	}
	return texts
}

func (x *interp) collectArgs(c *air.Call) (*callArgs, error) {
	a := x.spareArgs
	if a == nil {
		a = &callArgs{values: make([]any, 0, len(c.Args)), parts: make([]resolved, 0, len(c.Args))}
		x.spareArgs = a
	}
	a.values = slices.Grow(a.values[:0], len(c.Args))[:len(c.Args)]
	a.parts = slices.Grow(a.parts[:0], len(c.Args))[:len(c.Args)]
	for i, arg := range c.Args {
		r, err := x.resolve(arg)
		if err != nil {
			return nil, err
		}
		a.values[i], a.parts[i] = r.v, r
	}
	// Measured before they are encoded: arguments that share parts can
	// stand for a text far larger than the memory they take.
	if _, err := x.measure(a.values, "the arguments of a call"); err != nil {
		return nil, err
	}
	a.written, a.hash = false, ""
	return a, nil
}

// write writes the array's text, as value.Marshal writes it, keeping where
// each argument's text is, for a call request to take without encoding it
// again. A call replayed from the peer's own data in a run that only
// brings call results needs no text: it is written when first needed.
func (a *callArgs) write() {
	if a.written {
		return
	}
	a.ends = a.endsBuf[:0]
	text := append(a.text[:0], '[')
	for i, v := range a.values {
		if i > 0 {
			text = append(text, ',')
		}
		text = value.Append(text, v)
		a.ends = append(a.ends, len(text))
	}
	a.text = append(text, ']')
	a.written = true
}

// argHash returns the CID of the arguments' text.
func (x *interp) argHash(a *callArgs) data.CID {
	if a.hash == "" {
		a.write()
		a.hash = x.argCIDs.cid(a.text)
	}
	return a.hash
}

// argsHashTo reports whether the arguments' text has the CID c. Without a
// cache of argument CIDs, it is checked without making the CID's string.
func (x *interp) argsHashTo(a *callArgs, c data.CID) bool {
	if a.hash == "" && x.argCIDs == nil {
		a.write()
		return data.HasCID(a.text, c)
	}
	return x.argHash(a) == c
}

// resolvedCall runs the call state machine on the merged state of the
// call.
func (x *interp) resolvedCall(c *air.Call, tet data.Tetraplet) error {
	// Arguments are checked before the trace is touched, so that a call
	// waiting for an argument consumes its state the same way on every
	// peer. A call this peer executed, replayed in a run that brings only
	// call results (ownReplay), needs none: the run that executed it
	// resolved the same arguments, and its result needs no check. It is
	// charged the steps they cost then, so that the run stops at its step
	// limit where it would without a Memo.
	var args *callArgs
	var argErr error
	before := x.steps
	if charged, ok := x.ownArgSteps(); ok {
		if err := x.addSteps(int64(charged)); err != nil {
			return err
		}
	} else if args, argErr = x.collectArgs(c); argErr != nil && !isJoinable(argErr) {
		return argErr
	}
	charged := x.steps - before
	st, pos, src, met, err := x.tr.CallStart()
	if err != nil {
		return errTrace(display(c), err)
	}
	x.noteArgSteps(pos, charged)
	var kept *data.Call
	if met {
		switch st.Kind {
		case data.CallFailed:
			return x.replayFailed(st, tet, args)
		case data.CallSent:
			if st.HasID && st.Peer == x.p.CurrentPeerID {
				res, ok := x.results[st.ID]
				if !ok {
					x.complete = false
					x.tr.Push(st)
					return nil
				}
				delete(x.results, st.ID)
				if args == nil {
					return uncatchable(CodeParametersMismatch, "call arguments of %s are not defined any more", display(c))
				}
				return x.applyResult(c, tet, args, res)
			}
			if tet.PeerPK != x.p.CurrentPeerID {
				x.complete = false
				x.tr.Push(st)
				return nil
			}
			kept = st
		default:
			return x.replayExecuted(c, st, tet, args, pos, src)
		}
	}
	if tet.PeerPK != x.p.CurrentPeerID {
		x.sendTo(tet.PeerPK, c.Span)
		x.complete = false
		x.tr.PushCall(data.Call{Kind: data.CallSent, Peer: x.p.CurrentPeerID})
		return nil
	}
	if args == nil {
		if kept != nil {
			x.tr.Push(kept)
		}
		return argErr
	}
	args.write()
	if err := x.grow(len(args.text)); err != nil {
		return err
	}
	x.requestBytes += int64(len(args.text))
	// The request keeps the arguments' texts and tetraplets.
	x.spareArgs = nil
	x.lastID++
	req := CallRequest{
		ServiceID:    tet.ServiceID,
		FunctionName: tet.FunctionName,
		Arguments:    args.texts(),
		Tetraplets:   args.tetraplets(),
	}
	x.requests[x.lastID] = req
	x.stop(Stop{Kind: StopCall, Span: c.Span, CallID: x.lastID})
	x.complete = false
	x.tr.PushCall(data.Call{Kind: data.CallSent, Peer: x.p.CurrentPeerID, HasID: true, ID: x.lastID})
	return nil
}

// ownArgSteps says whether the next call's arguments need no resolving
// (see resolvedCall), and the steps they were charged when they were.
func (x *interp) ownArgSteps() (int32, bool) {
	if !x.ownReplay {
		return 0, false
	}
	at, ok := x.tr.NextExecutedOnlyInPrevious()
	if !ok || int(at) >= len(x.prevArgSteps) || x.prevArgSteps[at] < 0 {
		return 0, false
	}
	return x.prevArgSteps[at], true
}

// noteArgSteps records the steps the arguments of the call state at pos
// of the new trace cost, for the Memo.
func (x *interp) noteArgSteps(pos uint32, steps int64) {
	for uint32(len(x.argSteps)) <= pos {
		x.argSteps = append(x.argSteps, -1)
	}
	x.argSteps[pos] = int32(min(steps, math.MaxInt32))
}

// verifyCall checks that a stored result belongs to this very call: same
// arguments, same peer, service and function.
func (x *interp) verifyCall(sr data.ServiceResult, tet data.Tetraplet, args *callArgs) error {
	if args == nil {
		return uncatchable(CodeParametersMismatch, "call argument_hash doesn't match expected parameters: expected nothing, got %s ", sr.ArgumentHash)
	}
	if !x.argsHashTo(args, sr.ArgumentHash) {
		return uncatchable(CodeParametersMismatch,
			"call argument_hash doesn't match expected parameters: expected %s, got %s ", x.argHash(args), sr.ArgumentHash)
	}
	if stored := x.st.Tetraplets[sr.TetrapletCID]; stored != tet {
		return uncatchable(CodeParametersMismatch,
			"call tetraplet doesn't match expected parameters: expected %+v, got %+v ", tet, stored)
	}
	return nil
}

func (x *interp) serviceResult(c data.CID) (data.ServiceResult, value.Value, error) {
	sr, ok := x.st.ServiceResults[c]
	if !ok {
		return sr, nil, uncatchable(CodeValueForCIDNotFound, "service result for CID %q not found", c)
	}
	v, err := x.storedValue(sr.ValueCID)
	return sr, v, err
}

func (x *interp) replayFailed(st *data.Call, tet data.Tetraplet, args *callArgs) error {
	sr, v, err := x.serviceResult(st.CID)
	if err != nil {
		return err
	}
	if err := x.verifyCall(sr, tet, args); err != nil {
		return err
	}
	obj, _ := v.(map[string]any)
	code, okCode := obj["ret_code"]
	msg, okMsg := obj["message"].(string)
	n, okInt := code.(int64)
	if !okCode || !okMsg || !okInt || n < math.MinInt32 || n > math.MaxInt32 {
		return uncatchable(CodeMalformedFailedResult, "failed to deserialize to CallServiceFailed: %s", value.String(v))
	}
	x.complete = false
	x.tr.Push(st)
	return errLocalService(n, msg)
}

func (x *interp) replayExecuted(c *air.Call, st *data.Call, tet data.Tetraplet, args *callArgs, pos uint32, src merge.Source) error {
	mismatch := func() error {
		return uncatchable(CodeResultNotMatchingInstr, "call result value %v doesn't match with corresponding instruction", st)
	}
	verify := func(sr data.ServiceResult) error {
		if x.ownReplay && src == merge.Previous {
			return nil
		}
		return x.verifyCall(sr, tet, args)
	}
	switch out := c.Output.(type) {
	case *air.Scalar:
		if st.Kind != data.CallScalar {
			return mismatch()
		}
		sr, ok := x.st.ServiceResults[st.CID]
		if !ok {
			return uncatchable(CodeValueForCIDNotFound, "service result for CID %q not found", st.CID)
		}
		if err := verify(sr); err != nil {
			return err
		}
		// The peer's own data from the last run holds its values.
		if _, ok := x.st.Values[sr.ValueCID]; !ok && !(x.ownReplay && src == merge.Previous) {
			return uncatchable(CodeValueForCIDNotFound, "value for CID %q not found", sr.ValueCID)
		}
		lazy := &val{tet: tet, pos: pos, prov: data.Provenance{Kind: data.FromServiceResult, CID: st.CID}, lazy: true, valueCID: sr.ValueCID}
		b := &binding{val: lazy}
		if err := x.sc.set(out.Name, b); err != nil {
			return err
		}
	case *air.Stream:
		if st.Kind != data.CallStream {
			return mismatch()
		}
		sr, v, err := x.serviceResult(st.CID)
		if err != nil {
			return err
		}
		if err := verify(sr); err != nil {
			return err
		}
		g, err := x.fromData(src, st.Gen)
		if err != nil {
			return err
		}
		sv := x.newVal(val{v: v, tet: tet, pos: pos, prov: data.Provenance{Kind: data.FromServiceResult, CID: st.CID}})
		if err := x.streams.getOrCreate(out.Name, out.Pos()).add(sv, g); err != nil {
			return err
		}
	default:
		if st.Kind != data.CallUnused {
			return mismatch()
		}
	}
	x.tr.Push(st)
	return nil
}

// applyResult turns a call result from the host into the call's state
// and output.
func (x *interp) applyResult(c *air.Call, tet data.Tetraplet, args *callArgs, res CallResult) error {
	failed := func(code int64, msg string) error {
		// A failed call is incomplete, as it is when its state is
		// replayed: a stream fold swallows the error, and must not count
		// the iteration as complete in one run but not in the next.
		x.complete = false
		obj := map[string]any{"ret_code": code, "message": msg}
		cid := x.storeServiceResult(obj, tet, x.argHash(args))
		x.tr.PushCall(data.Call{Kind: data.CallFailed, CID: cid})
		return errLocalService(code, msg)
	}
	if err := x.charge(len(res.Result)); err != nil {
		return err
	}
	if err := x.grow(len(res.Result)); err != nil {
		return err
	}
	if res.RetCode != 0 {
		return failed(int64(res.RetCode), res.Result)
	}
	v, err := value.ParseString(res.Result)
	if err != nil {
		// Worded as the reference words it, quoting the whole result.
		return failed(math.MaxInt32, fmt.Sprintf("call_service result 'ret_code: %d, result: '%s'' can't be serialized or deserialized with an error: %v", res.RetCode, res.Result, err))
	}
	pos := x.tr.Pos()
	switch out := c.Output.(type) {
	case *air.Scalar:
		cid := x.storeServiceResult(v, tet, x.argHash(args))
		b := &binding{val: &val{v: v, tet: tet, pos: pos, prov: data.Provenance{Kind: data.FromServiceResult, CID: cid}}}
		if err := x.sc.set(out.Name, b); err != nil {
			return err
		}
		x.tr.PushCall(data.Call{Kind: data.CallScalar, CID: cid})
	case *air.Stream:
		cid := x.storeServiceResult(v, tet, x.argHash(args))
		sv := x.newVal(val{v: v, tet: tet, pos: pos, prov: data.Provenance{Kind: data.FromServiceResult, CID: cid}})
		if err := x.streams.getOrCreate(out.Name, out.Pos()).add(sv, newGeneration); err != nil {
			return err
		}
		x.tr.PushCall(data.Call{Kind: data.CallStream, CID: cid})
	default:
		x.tr.PushCall(data.Call{Kind: data.CallUnused, CID: data.ComputeCID(value.Marshal(v))})
	}
	return nil
}

func (x *interp) storeServiceResult(v value.Value, tet data.Tetraplet, argHash data.CID) data.CID {
	vc := x.st.AddValue(v)
	x.parsed[vc] = v
	cid := x.st.AddServiceResult(data.ServiceResult{
		ValueCID:     vc,
		ArgumentHash: argHash,
		TetrapletCID: x.addTetraplet(tet),
	})
	x.madeResult(tet, cid)
	return cid
}

// addTetraplet stores a tetraplet and returns its CID, computed once a
// run.
func (x *interp) addTetraplet(tet data.Tetraplet) data.CID {
	if c, ok := x.tetCIDs[tet]; ok {
		return c
	}
	if x.tetCIDs == nil {
		x.tetCIDs = make(map[data.Tetraplet]data.CID)
	}
	c := x.st.AddTetraplet(tet)
	x.tetCIDs[tet] = c
	return c
}

// madeResult notes a result the run made, for the signature.
func (x *interp) madeResult(tet data.Tetraplet, cid data.CID) {
	if tet.PeerPK == x.p.CurrentPeerID {
		x.added = append(x.added, cid)
	}
}
