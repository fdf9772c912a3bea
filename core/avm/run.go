package avm

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/internal/merge"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// interp is the state of one run.
type interp struct {
	p         Params
	tr        *merge.Handler
	st        *data.Stores
	parsed    map[data.CID]value.Value
	sc        *scalars
	streams   streams
	lastErr   errDesc
	curErr    errDesc
	complete  bool
	nextPeers []string
	requests  map[uint32]CallRequest
	results   map[uint32]CallResult
	lastID    uint32
	foldSeq   int
	stops     []Stop
	// scopes are what the script saw at each of stops, when inspecting.
	scopes []Scope
	// raised is the newest error an instruction raised, and raisedAt
	// where: the innermost instruction, since a parent passes on the same
	// error value.
	raised   *execError
	raisedAt air.Span
	// raisedScope is what the script saw where raised was, when
	// inspecting.
	raisedScope Scope
	// genLimit bounds the generation numbers data may claim: a trace of
	// n states cannot hold more than n generations.
	genLimit [2]uint32
	// stack holds the instructions in progress.
	stack stack
	// limits are the run's, steps the work it has done, grown the bytes
	// of data and call requests it has added and requestBytes those of
	// the call requests alone.
	limits       Limits
	steps        int64
	grown        int64
	requestBytes int64
	// added are the results this run made on the current peer: what its
	// signature covers beyond the last run's.
	added []data.CID
	// argCIDs remembers the CIDs of argument lists across runs, when a
	// Memo does.
	argCIDs *cidCache
	// tetCIDs are the CIDs of the tetraplets this run stored: the calls
	// of a fold, or the elements of a canon, mostly share theirs.
	tetCIDs map[data.Tetraplet]data.CID
	// spareArgs is the arguments of the last call, for the next to reuse
	// when the last made no call request, which would keep them.
	spareArgs *callArgs
	// valSlab is room for stream values (newVal).
	valSlab []val
	// argSteps are the steps the arguments of each call state of the new
	// trace cost, by position (-1: not a call, or not known), and
	// prevArgSteps those of the previous trace, from the Memo.
	argSteps, prevArgSteps []int32
	// ownReplay says the states from the previous data need not be
	// checked against the calls that replay them (see Run).
	ownReplay bool
}

// Run runs script on this peer. prevData is what this peer had for the
// particle after its last run (empty the first time), currentData what
// arrived from another peer (empty when the host only brings call
// results), results the answers to call requests of earlier runs.
//
// Run is deterministic and never panics on bad input: the same arguments
// give the same Outcome. A run that fails with an uncatchable error
// (corrupt or forged data, a broken invariant) returns prevData unchanged,
// so nothing this peer knew is lost.
func Run(p Params, script string, prevData, currentData []byte, results map[uint32]CallResult) Outcome {
	var failStops []Stop
	var failScopes []Scope
	fail := func(code int64, format string, args ...any) Outcome {
		return Outcome{Data: prevData, RetCode: code, ErrorMessage: fmt.Sprintf(format, args...), Stops: failStops, Scopes: failScopes}
	}
	limits := p.Limits.withDefaults()
	if len(currentData) > limits.DataSize {
		return fail(CodeDataSizeLimit, "current data of %d bytes is larger than the limit of %d bytes", len(currentData), limits.DataSize)
	}
	for _, id := range slices.Sorted(maps.Keys(results)) {
		if n := len(results[id].Result); n > limits.ValueSize {
			return fail(CodeValueSizeLimit, "call result %d of %d bytes is larger than the limit of %d bytes", id, n, limits.ValueSize)
		}
	}
	// An inspecting run without a key signs nothing.
	signs := !p.Inspect || p.Key != nil
	if signs && len(p.Key) != ed25519.PrivateKeySize {
		return fail(CodeMalformedKeyPair, "malformed key pair: an Ed25519 private key has %d bytes, got %d", ed25519.PrivateKeySize, len(p.Key))
	}
	if signs && !p.Memo.keyOf(p.Key, p.CurrentPeerID) {
		if id := string(peer.IDFromPublicKey(peer.Ed25519PublicKey(p.Key.Public().(ed25519.PublicKey)))); id != p.CurrentPeerID {
			return fail(CodeMalformedKeyPair, "malformed key pair: the key belongs to peer %s, not to the current peer %s", id, p.CurrentPeerID)
		}
		p.Memo.noteKey(p.Key, p.CurrentPeerID)
	}
	// prevData is this peer's own: trusted, as its signatures are. The
	// Memo holds it decoded when it is what the last run returned.
	memo, memoized := p.Memo.take(prevData)
	prev := memo.prev
	if !memoized {
		var err error
		if prev, err = data.DecodeOwn(prevData); err != nil {
			return fail(decodeCode(err), "failed to decode previous data: %v", err)
		}
	}
	// What prev holds was checked when it arrived, or made here: the
	// objects current data brings again are not hashed again.
	cur, err := data.DecodeAfter(currentData, prev)
	if err != nil {
		return fail(decodeCode(err), "failed to decode current data: %v", err)
	}
	if err := cur.CheckStores(); err != nil {
		return fail(CodeStoreVerification, "current data: %v", err)
	}
	if err := cur.VerifySignaturesAfter(p.ParticleID, prev); err != nil {
		return fail(CodeSignatureCheck, "current data: %v", err)
	}
	sigs, err := data.MergeSignatures(prev, cur)
	if err != nil {
		return fail(CodeSignatureCheck, "%v", err)
	}
	// A run that brings only call results, on the data the last run of
	// the same script returned, replays the states of that data as the
	// last run made them: deterministic, the run finds again the very
	// arguments and tetraplets their results were stored with, which need
	// no checking again.
	ownReplay := memoized && len(cur.Trace) == 0 && p.Memo.script == script
	argCIDs := p.Memo.argumentCIDs(script)
	root, err := p.Memo.parse(script, p.Scripts)
	if err != nil {
		return fail(CodeAIRParse, "aqua script can't be parsed:\n%v", err)
	}

	// A memoized prev is the run's to change: its stores grow into the
	// run's instead of being copied.
	var stores data.Stores
	if memoized {
		stores = prev.Stores
		stores.Union(&cur.Stores)
	} else {
		stores = data.UnionOf(len(results), &prev.Stores, &cur.Stores)
	}
	x := newInterp(p, limits, prev, cur, &stores, results)
	x.argCIDs = argCIDs
	x.ownReplay = ownReplay
	x.prevArgSteps = memo.argSteps
	if memoized {
		x.parsed = memo.parsed
	}
	runErr := x.exec(root)
	if runErr != nil {
		stop := Stop{Kind: StopError, Span: x.raisedAt}
		x.stops = append(x.stops, stop)
		// A run that fails uncatchably sends nothing and asks for no
		// call: only the error remains.
		failStops = []Stop{stop}
		if p.Inspect {
			x.scopes = append(x.scopes, x.raisedScope)
			failScopes = []Scope{x.raisedScope}
		}
	}
	if runErr != nil && !isCatchable(runErr) {
		e := asExec(runErr)
		return fail(e.code, "%s", e.message())
	}
	if err := x.compactAll(); err != nil {
		e := asExec(err)
		return fail(e.code, "%s", e.message())
	}

	out := &data.Data{
		InterpreterVersion: InterpreterVersion,
		Trace:              x.tr.Trace(),
		LastCallID:         x.lastID,
		Stores:             stores,
		Signatures:         sigs,
	}
	// Objects no state reaches any more are dropped before the data
	// leaves this peer; with LazySign, data that stays here keeps them
	// until then, as it keeps an older signature.
	if !p.LazySign || len(x.nextPeers) > 0 {
		out.Prune()
	}
	if p.Memo != nil {
		// The Memo carries out to the next run, which encodes it again
		// grown by a little.
		out.Stores.TrackKeyOrder()
	}
	// ours are the current peer's results in out, and signed what its
	// signature in out covers (nil: not known), for the Memo.
	var ours, signed []data.CID
	switch {
	case ownReplay && memo.ours != nil:
		// The trace is the last run's with the states this run added:
		// the peer's results are those the Memo knows and those added.
		ours = data.WithAdded(memo.ours, x.added)
	case memoized:
		ours = out.ResultsOf(p.CurrentPeerID, memo.ours, x.added)
	case signs && (p.Memo != nil || p.LazySign):
		ours = out.ResultsOf(p.CurrentPeerID, nil, nil)
	}
	// With LazySign, a run signs its peer's results when another peer
	// may read them: when it sends the particle on. A run whose data
	// stays here, waiting for its calls or done with the particle, keeps
	// the signature the data had. Results without any signature are
	// signed at once, though: the reference interpreter, should it run
	// the particle here next, takes them for an error even in its own
	// data. A peer without results needs no signature, so neither a
	// particle's first run, which only asks for calls, nor a relay that
	// passes the particle on signs anything.
	_, hadSignature := prev.Signatures[p.CurrentPeerID]
	sendsNow := len(ours) > 0 && (len(x.nextPeers) > 0 || !hadSignature)
	switch {
	case !signs:
	case p.LazySign && !sendsNow:
		if memoized {
			signed = memo.signed
		}
	case memoized:
		// The old signature is kept when it covers exactly these
		// results; the Memo knows what it covers.
		var known *data.Data
		if memo.signed != nil {
			known = prev
		}
		out.SignResults(p.Key, p.CurrentPeerID, p.ParticleID, ours, known, memo.signed)
		signed = ours
	case p.LazySign:
		// Without a Memo, what prev's signature covers is not known: it
		// may be older than prev's results.
		out.SignResults(p.Key, p.CurrentPeerID, p.ParticleID, ours, nil, nil)
		signed = ours
	default:
		out.SignAfter(p.Key, p.CurrentPeerID, p.ParticleID, prev)
		signed = ours
	}
	encoded, err := data.Encode(out)
	if err != nil {
		return fail(CodeTraceError, "%v", err)
	}
	if n := int64(len(encoded)) + x.requestBytes; n > int64(limits.DataSize) {
		return fail(CodeDataSizeLimit, "the run produces %d bytes of data and call requests, more than the limit of %d bytes", n, limits.DataSize)
	}
	if signs && p.Memo != nil {
		p.Memo.keep(encoded, out, x.parsed, ours, signed, x.argSteps)
	}
	o := Outcome{Data: encoded, NextPeers: x.nextPeers, CallRequests: x.requests, Stops: x.stops, Scopes: x.scopes, Complete: runErr == nil && x.complete}
	switch {
	case runErr != nil:
		e := asExec(runErr)
		o.RetCode, o.ErrorMessage = e.code, e.message()
	case len(x.results) > 0:
		ids := slices.Sorted(maps.Keys(x.results))
		o.RetCode = CodeUnprocessedCallResults
		o.ErrorMessage = fmt.Sprintf("after finishing execution of supplied AIR, there are some unprocessed call results: %v, probably a wrong call_id used", ids)
	}
	return o
}

// newInterp returns the state of a run that merges prev and cur, reads
// objects from stores and takes the call results given.
func newInterp(p Params, limits Limits, prev, cur *data.Data, stores *data.Stores, results map[uint32]CallResult) *interp {
	x := &interp{
		p:  p,
		tr: merge.New(prev.Trace, cur.Trace),
		st: stores,
		// The values of the results it takes, and of the states it
		// replays from the other peer's data, get parsed.
		parsed:   make(map[data.CID]value.Value, len(results)+len(cur.Stores.Values)),
		sc:       newScalars(),
		streams:  streams{},
		lastErr:  noError(),
		curErr:   noError(),
		complete: true,
		requests: map[uint32]CallRequest{},
		results:  maps.Clone(results),
		lastID:   prev.LastCallID,
		genLimit: [2]uint32{uint32(len(prev.Trace)), uint32(len(cur.Trace))},
		limits:   limits,
	}
	if x.results == nil {
		x.results = map[uint32]CallResult{}
	}
	return x
}

func decodeCode(err error) int64 {
	switch {
	case errors.Is(err, data.ErrUnsupportedVersion):
		return CodeUnsupportedVersion
	case errors.Is(err, data.ErrEnvelope):
		return CodeEnvelopeDecode
	case errors.Is(err, data.ErrStore):
		return CodeStoreVerification
	case errors.Is(err, data.ErrSignature):
		return CodeSignatureCheck
	}
	return CodeDataDecode
}

// compactAll renumbers the generations of every stream still in scope.
func (x *interp) compactAll() error {
	for _, name := range slices.Sorted(maps.Keys(x.streams)) {
		for _, sc := range x.streams[name] {
			if err := sc.s.compact(x.setGeneration); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *interp) setGeneration(pos, gen uint32) error {
	if err := x.tr.SetGeneration(pos, gen); err != nil {
		return uncatchable(CodeGenerationCompaction, "%v", err)
	}
	return nil
}

// sendTo sends the particle to peer for the instruction at span.
func (x *interp) sendTo(peer string, span air.Span) {
	x.stop(Stop{Kind: StopSend, Span: span, Peer: peer})
	x.addNextPeer(peer)
}

// noteRaised remembers where err was first raised and, when inspecting,
// what the script saw there once the error variables took the error.
func (x *interp) noteRaised(err error, span air.Span) {
	if e, ok := err.(*execError); ok && e != x.raised && !e.joinable() {
		x.raised, x.raisedAt = e, span
		if x.p.Inspect {
			x.raisedScope = x.scope(span.Start)
		}
	}
}

func (x *interp) addNextPeer(peer string) {
	if !slices.Contains(x.nextPeers, peer) {
		x.nextPeers = append(x.nextPeers, peer)
	}
}

// storedValue returns a value from the stores, parsed once per run.
func (x *interp) storedValue(c data.CID) (value.Value, error) {
	if v, ok := x.parsed[c]; ok {
		return v, nil
	}
	text, ok := x.st.Values[c]
	if !ok {
		return nil, uncatchable(CodeValueForCIDNotFound, "value for CID %q not found", c)
	}
	if len(text) > x.limits.ValueSize {
		return nil, uncatchable(CodeValueSizeLimit, "value for CID %q of %d bytes is larger than the limit of %d bytes", c, len(text), x.limits.ValueSize)
	}
	if err := x.charge(len(text)); err != nil {
		return nil, err
	}
	v, err := value.Parse(text)
	if err != nil {
		return nil, uncatchable(CodeValueForCIDNotFound, "value for CID %q is not JSON: %v", c, err)
	}
	x.parsed[c] = v
	return v, nil
}

// fromData turns a generation recorded in data into where the value goes,
// refusing numbers no trace of that size can hold.
func (x *interp) fromData(src merge.Source, gen uint32) (generation, error) {
	if gen >= x.genLimit[src] {
		return generation{}, uncatchable(CodeNoSuchGeneration,
			"stream doesn't have generation with number %d, supplied to the interpreter data is corrupted", gen)
	}
	return generation{fromData: true, src: src, idx: gen}, nil
}
