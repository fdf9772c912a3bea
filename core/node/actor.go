package node

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// actor is one particle's state on this node. Its fields are guarded by mu;
// busy says a goroutine is draining it, and only that goroutine
// interprets, so interpretations of one particle never overlap.
type actor struct {
	key        string // store key: particle id and signature
	particleID string

	mu       sync.Mutex
	latest   *particle.Particle   // script and parameters; Data is stale
	inbox    []*particle.Particle // arrived, not yet merged
	results  map[uint32]avm.CallResult
	inflight int // calls started, not yet answered
	busy     bool

	// memo carries what core/avm decoded of the particle from one run to
	// the next, while calls are out; it is dropped when the particle goes
	// idle. Only the goroutine that holds busy touches it.
	memo avm.Memo
}

// storeKey names a particle's state: its id and its signature, as the
// reference node keys it, so a reused id with another signature gets
// state of its own.
func storeKey(p *particle.Particle) string {
	return p.ID + "/" + base64.RawURLEncoding.EncodeToString(p.Signature)
}

// sameSigned reports whether p's signed fields are those of the particle
// this actor already verified.
func (a *actor) sameSigned(p *particle.Particle) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := a.latest
	return v.ID == p.ID && v.InitPeerID == p.InitPeerID && v.Timestamp == p.Timestamp &&
		v.TTL == p.TTL && v.Script == p.Script && string(v.Signature) == string(p.Signature)
}

func (a *actor) expired(now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.busy && a.inflight == 0 && a.latest.Expired(now)
}

// active reports whether work was still pending when the actor expired.
func (a *actor) active() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.inbox) > 0 || len(a.results) > 0
}

// ingest checks a particle that arrived and hands it to its actor.
func (n *Node) ingest(ctx context.Context, p *particle.Particle) {
	now := n.cfg.Now()
	if p.Expired(now) {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.TTLExpired, Err: "expired on arrival"})
		return
	}
	if err := n.checkTimestamp(p, now); err != nil {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.FromTheFuture, Err: err.Error()})
		return
	}
	key := storeKey(p)
	n.mu.Lock()
	a := n.actors[key]
	n.mu.Unlock()
	// A particle whose signed fields match those its actor verified before
	// needs no second check: the signature is part of the actor's key.
	if a == nil || !a.sameSigned(p) {
		if err := p.Verify(); err != nil {
			n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.BadSignature, Err: err.Error()})
			return
		}
	}
	n.emit(trace.Event{Kind: trace.Verified, Particle: p.ID})
	if a == nil {
		a = n.actorFor(key, p)
	}

	a.mu.Lock()
	a.inbox = append(a.inbox, p)
	start := !a.busy
	a.busy = true
	a.mu.Unlock()
	if start {
		n.drain(ctx, a)
	}
}

// actorFor returns the actor of the particle p, whose store key is key,
// making it if there is none. p must have been verified: an actor's
// particle is trusted as verified from then on.
func (n *Node) actorFor(key string, p *particle.Particle) *actor {
	n.mu.Lock()
	a := n.actors[key]
	created := a == nil
	if created {
		a = &actor{key: key, particleID: p.ID, latest: p, results: map[uint32]avm.CallResult{}}
		n.actors[key] = a
	}
	n.mu.Unlock()
	if e, ok := n.cfg.Store.(Expirer); ok && created {
		if deadline, ok := p.Deadline(); ok {
			if err := e.SetDeadline(key, deadline); err != nil {
				n.cfg.Logger.Warn("record particle deadline", "particle", p.ID, "err", err)
			}
		}
	}
	return a
}

// drain interprets until the actor has nothing new: each round merges one
// arrived particle (if any) with every call result that has come back.
func (n *Node) drain(ctx context.Context, a *actor) {
	for {
		a.mu.Lock()
		var p *particle.Particle
		if len(a.inbox) > 0 {
			p, a.inbox = a.inbox[0], a.inbox[1:]
			a.latest = p
		}
		results := a.results
		if p == nil && len(results) == 0 {
			a.busy = false
			if a.inflight == 0 {
				// Nothing will run the particle here unless it comes
				// back: what the memo holds is not worth keeping until
				// the deadline.
				a.memo.Forget()
			}
			a.mu.Unlock()
			return
		}
		a.results = map[uint32]avm.CallResult{}
		latest := a.latest
		a.mu.Unlock()

		if ctx.Err() != nil {
			return
		}
		var current []byte
		if p != nil {
			current = p.Data
		}
		n.interpret(ctx, a, latest, current, results)
	}
}

// interpret runs the script once and acts on the outcome: stores the new
// data, starts the requested calls and sends the particle on.
func (n *Node) interpret(ctx context.Context, a *actor, p *particle.Particle, current []byte, results map[uint32]avm.CallResult) {
	now := n.cfg.Now()
	if p.Expired(now) {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.TTLExpired, Err: "expired before interpretation"})
		return
	}
	prev, err := n.cfg.Store.Load(a.key)
	if err != nil {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.Malformed, Err: fmt.Sprintf("load particle data: %v", err)})
		return
	}
	params := avm.Params{
		InitPeerID:    string(p.InitPeerID),
		CurrentPeerID: string(n.id),
		Timestamp:     p.Timestamp,
		TTL:           p.TTL,
		ParticleID:    p.ID,
		Key:           n.key,
		Limits:        n.cfg.Limits,
		Memo:          &a.memo,
		Scripts:       n.cfg.Scripts,
	}
	var in *Interpretation
	if n.cfg.Gate != nil || n.cfg.Recorder != nil {
		in = &Interpretation{Peer: n.id, Particle: p, Prev: prev, Current: current, Results: results}
	}
	// The gate comes last, so that a run it lets through always runs and
	// is recorded. Holding the actor's turn keeps prev current.
	if n.cfg.Gate != nil {
		if err := n.cfg.Gate.Enter(ctx, in); err != nil {
			return
		}
	}
	started := time.Now()
	interp := n.interpreter()
	// The node sends data only from runs with next peers, and runs the
	// particle again when its calls come back: core/avm need not sign the
	// runs in between. (avm.wasm signs every run.)
	params.LazySign = interp.Name() == Native
	if in != nil {
		in.LazySign = params.LazySign
	}
	out, err := interp.Run(ctx, params, p.Script, prev, current, results)
	took := time.Since(started)
	if err != nil {
		if ctx.Err() == nil {
			n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.Malformed,
				Err: fmt.Sprintf("%s interpreter: %v", interp.Name(), err)})
		}
		return
	}
	if n.cfg.Recorder != nil {
		in.Outcome, in.Started, in.Duration = out, started, took
		n.cfg.Recorder.Record(in)
	}
	if reason, ok := unrunnable(out.RetCode); ok && p.InitPeerID != n.id {
		n.dropUnrunnable(ctx, p, reason, out.ErrorMessage)
		return
	}
	ev := trace.Event{Kind: trace.Interpreted, Particle: p.ID, Duration: took, DataSize: len(out.Data), RetCode: out.RetCode,
		Interpreter: interp.Name()}
	if out.RetCode != 0 {
		ev.Err = out.ErrorMessage
	}
	n.emit(ev)
	if err := n.cfg.Store.Save(a.key, out.Data); err != nil {
		n.cfg.Logger.Warn("save particle data", "particle", p.ID, "err", err)
	}

	// Calls of builtins that answer at once run here, in the order of
	// their ids, and their results go to the next interpretation
	// together; the others run on tasks and their results come back as
	// they finish. So a program whose calls all answer at once runs the
	// same way every time, as it does on the reference's peers, which
	// answer such calls in the order they were asked for.
	ids := slices.Sorted(maps.Keys(out.CallRequests))
	immediate := make(map[uint32]avm.CallResult)
	var later []uint32
	for _, id := range ids {
		req := out.CallRequests[id]
		if !n.cfg.Builtins.Immediate(req.ServiceID, req.FunctionName) {
			later = append(later, id)
			continue
		}
		args := n.callRequested(p, id, req)
		started := time.Now()
		res := n.call(ctx, p, req)
		n.callFinished(p, id, req, args, res, time.Since(started))
		immediate[id] = res
	}
	a.mu.Lock()
	maps.Copy(a.results, immediate)
	a.inflight += len(later)
	idle := a.inflight == 0 && len(immediate) == 0
	a.mu.Unlock()
	for _, id := range later {
		n.startCall(ctx, a, p, id, out.CallRequests[id])
	}
	next := *p
	next.Data = out.Data
	for _, to := range out.NextPeers {
		n.send(ctx, &next, peer.ID(to))
	}
	if out.Complete && idle {
		n.emit(trace.Event{Kind: trace.Completed, Particle: p.ID, RetCode: out.RetCode})
		if n.cfg.Scope != nil {
			n.cfg.Scope.Completed(p.ID)
		}
	}
}

// send delivers p to another peer, or back to this one.
func (n *Node) send(ctx context.Context, p *particle.Particle, to peer.ID) {
	if p.Expired(n.cfg.Now()) {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, To: to, Reason: trace.TTLExpired, Err: "expired before sending"})
		return
	}
	if to == n.id {
		n.Deliver(n.id, p)
		return
	}
	// Sent is recorded before the transport runs, so that it precedes the
	// arrival in the log; a failure follows as a drop.
	n.emit(trace.Event{Kind: trace.Sent, Particle: p.ID, To: to, DataSize: len(p.Data)})
	n.tasks.Go(func() {
		err := n.cfg.Transport.Send(ctx, to, p)
		if err == nil {
			return
		}
		drop := trace.Event{Kind: trace.Dropped, Particle: p.ID, To: to, Reason: trace.Unroutable, Err: err.Error()}
		n.emit(drop)
		if r, ok := n.cfg.Transport.(Reporter); ok && p.InitPeerID != n.id && p.InitPeerID != to {
			if err := r.Report(ctx, p.InitPeerID, drop); err != nil {
				n.cfg.Logger.Debug("report drop to initiator", "particle", p.ID, "err", err)
			}
		}
	})
}

// callRequested records that the interpreter asked for a call and returns
// its arguments as the events show them.
func (n *Node) callRequested(p *particle.Particle, id uint32, req avm.CallRequest) string {
	args := joinArgs(req.Arguments)
	n.emit(trace.Event{Kind: trace.CallRequested, Particle: p.ID, CallID: id, Service: req.ServiceID, Function: req.FunctionName, Args: args})
	return args
}

// callFinished records a call's result.
func (n *Node) callFinished(p *particle.Particle, id uint32, req avm.CallRequest, args string, res avm.CallResult, took time.Duration) {
	ev := trace.Event{Kind: trace.CallFinished, Particle: p.ID, CallID: id, Service: req.ServiceID, Function: req.FunctionName,
		Args: args, Duration: took, RetCode: int64(res.RetCode)}
	if res.RetCode == 0 {
		ev.Result = res.Result
	} else {
		ev.Err = res.Result
	}
	n.emit(ev)
}

// startCall runs one service call on a task of its own and posts its
// result to the actor.
func (n *Node) startCall(ctx context.Context, a *actor, p *particle.Particle, id uint32, req avm.CallRequest) {
	args := n.callRequested(p, id, req)
	n.tasks.Go(func() {
		workers := n.workersFor(req.ServiceID, req.FunctionName)
		select {
		case workers <- struct{}{}:
		case <-ctx.Done():
			return
		}
		started := time.Now()
		res := n.call(ctx, p, req)
		<-workers
		n.callFinished(p, id, req, args, res, time.Since(started))

		a.mu.Lock()
		a.results[id] = res
		a.inflight--
		start := !a.busy
		a.busy = true
		a.mu.Unlock()
		if start {
			select {
			case n.ready <- a:
				n.wake()
			case <-ctx.Done():
			}
		}
	})
}

// call executes one call request: builtins first, then deployed services,
// then the services the node's scope gives the particle.
func (n *Node) call(ctx context.Context, p *particle.Particle, req avm.CallRequest) avm.CallResult {
	f, ok := n.lookup(p.ID, req.ServiceID, req.FunctionName)
	if !ok {
		return failure(fmt.Sprintf("Service with id '%s' not found (function %s)", req.ServiceID, req.FunctionName))
	}
	args := make([]any, len(req.Arguments))
	for i, raw := range req.Arguments {
		v, err := builtin.DecodeArgs(append(append([]byte{'['}, raw...), ']'))
		if err != nil || len(v) != 1 {
			return failure(fmt.Sprintf("argument %d is not JSON: %s", i, raw))
		}
		args[i] = v[0]
	}
	c := &builtin.Call{
		Service: req.ServiceID, Function: req.FunctionName, Args: args,
		Tetraplets: req.Tetraplets,
		Particle:   builtin.Particle{ID: p.ID, InitPeerID: p.InitPeerID, Timestamp: p.Timestamp, TTL: p.TTL},
	}
	ctx, cancel := n.callContext(ctx, p, req.ServiceID, req.FunctionName)
	defer cancel()
	res, err := f(ctx, c)
	if err != nil {
		return failure(err.Error())
	}
	if res == nil {
		return avm.CallResult{Result: `""`}
	}
	return avm.CallResult{Result: builtin.Stringify(res)}
}

func (n *Node) lookup(particleID, service, function string) (builtin.Func, bool) {
	if f, ok := n.cfg.Builtins.Lookup(service, function); ok {
		return f, true
	}
	if n.cfg.Services != nil {
		if f, ok := n.cfg.Services.Lookup(service, function); ok {
			return f, true
		}
	}
	if n.cfg.Scope != nil {
		return n.cfg.Scope.Lookup(particleID, service, function)
	}
	return nil, false
}

// failure is a failed call's result: ret code 1 and the message as a JSON
// string, as the reference node answers.
func failure(msg string) avm.CallResult {
	b, _ := json.Marshal(msg)
	return avm.CallResult{RetCode: 1, Result: string(b)}
}

// joinArgs renders call arguments as one JSON array, for events.
func joinArgs(args []json.RawMessage) string {
	b := []byte{'['}
	for i, a := range args {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, a...)
	}
	return string(append(b, ']'))
}
