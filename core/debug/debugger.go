package debug

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// BreakKind is what a breakpoint watches for.
type BreakKind uint8

// Breakpoint kinds.
const (
	// OnPeer stops after any hop on Peer.
	OnPeer BreakKind = iota + 1
	// OnCall stops after a hop that asks its host to call
	// Service.Function (any function of Service if Function is empty).
	OnCall
	// OnInstruction stops after a hop of Script that stopped at an
	// instruction overlapping Span.
	OnInstruction
	// OnError stops after a hop that failed or was given a failed call's
	// result.
	OnError
)

// Breakpoint stops a running network after a hop that matches it.
type Breakpoint struct {
	Kind              BreakKind
	Peer              peer.ID
	Service, Function string
	// Span is an instruction's place in Script, the AIR it was set in: a
	// byte range means nothing in another script, so an instruction
	// breakpoint matches only hops of particles that run Script.
	Span   air.Span
	Script string
}

// Matches reports whether hop h triggers the breakpoint.
func (b Breakpoint) Matches(h *Hop) bool {
	switch b.Kind {
	case OnPeer:
		return h.Peer == b.Peer
	case OnCall:
		for _, r := range h.Outcome.CallRequests {
			if r.ServiceID == b.Service && (b.Function == "" || r.FunctionName == b.Function) {
				return true
			}
		}
	case OnInstruction:
		if h.Particle.Script != b.Script {
			return false
		}
		for _, s := range h.Outcome.Stops {
			if s.Span.Start < b.Span.End && b.Span.Start < s.Span.End {
				return true
			}
		}
	case OnError:
		return h.Failed()
	}
	return false
}

// Hit returns the first of bs that h matches, or nil.
func Hit(bs []Breakpoint, h *Hop) *Breakpoint {
	if i := slices.IndexFunc(bs, func(b Breakpoint) bool { return b.Matches(h) }); i >= 0 {
		return &bs[i]
	}
	return nil
}

// Pending is an interpretation the paused network holds back.
type Pending struct {
	Peer     peer.ID
	Particle string
	// Arrival is true when a particle arrived from a peer, false when the
	// run only brings back call results.
	Arrival bool
	// Results are the ids of the call results it brings.
	Results []uint32
}

// Stop is where the debugger stands: a recorded hop, and the breakpoint
// that stopped the network there, if one did.
type Stop struct {
	Hop *Hop
	Hit *Breakpoint
}

// ErrRunning is returned by Step when the network is not paused.
var ErrRunning = errors.New("debug: the network is running; pause it first")

// Debugger pauses and steps a network whose nodes have it as their Gate
// and Recorder, and moves through what it recorded. Running, it lets
// every interpretation through and records it; paused, it holds each one
// until Step lets the oldest through. Breakpoints pause it after the hop
// that matched.
type Debugger struct {
	rec *Recording

	mu          sync.Mutex
	paused      bool
	held        []*held
	arrived     chan struct{} // closed when an interpretation is held
	awaited     map[*node.Interpretation]chan *Hop
	breakpoints []Breakpoint
	cur         Stop
	subs        map[chan struct{}]struct{}

	// The network's clock (Now): the wall clock less the time spent
	// paused, lost, and since when the network is paused now.
	wall  func() time.Time
	lost  time.Duration
	since time.Time
}

type held struct {
	in      *node.Interpretation
	release chan struct{}
}

var (
	_ node.Gate     = (*Debugger)(nil)
	_ node.Recorder = (*Debugger)(nil)
)

// New returns a running debugger that records into rec.
func New(rec *Recording) *Debugger {
	return &Debugger{rec: rec, arrived: make(chan struct{}), awaited: map[*node.Interpretation]chan *Hop{}, subs: map[chan struct{}]struct{}{},
		wall: time.Now}
}

// Now is the clock of the network the debugger holds: the wall clock,
// less every moment the network has spent paused. While the network is
// paused it stands still, so a particle that is stepped, or waits for a
// step, does not age: give it to the network's nodes as their clock
// (node.Config.Now), and its TTL checks, deadlines and timestamps
// follow the debugger.
func (d *Debugger) Now() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.paused {
		return d.since.Add(-d.lost)
	}
	return d.wall().Add(-d.lost)
}

// pauseLocked pauses the network and its clock.
func (d *Debugger) pauseLocked() {
	if !d.paused {
		d.paused = true
		d.since = d.wall()
	}
}

// Recording returns what the debugger has recorded.
func (d *Debugger) Recording() *Recording { return d.rec }

// Enter holds in while the debugger is paused; it is the node.Gate.
func (d *Debugger) Enter(ctx context.Context, in *node.Interpretation) error {
	d.mu.Lock()
	if !d.paused {
		d.mu.Unlock()
		return nil
	}
	h := &held{in: in, release: make(chan struct{})}
	d.held = append(d.held, h)
	close(d.arrived)
	d.arrived = make(chan struct{})
	d.changedLocked()
	d.mu.Unlock()
	select {
	case <-h.release:
		return nil
	case <-ctx.Done():
		d.mu.Lock()
		d.held = slices.DeleteFunc(d.held, func(x *held) bool { return x == h })
		d.changedLocked()
		d.mu.Unlock()
		return ctx.Err()
	}
}

// Record records a hop and checks it against the breakpoints; it is the
// node.Recorder.
func (d *Debugger) Record(in *node.Interpretation) {
	// The hop is recorded and handed to a step that awaits it under one
	// lock: a step that gives up once the recording holds the hop finds
	// it handed over.
	d.mu.Lock()
	defer d.mu.Unlock()
	h := d.rec.add(in)
	if c, ok := d.awaited[in]; ok {
		delete(d.awaited, in)
		c <- h
		d.changedLocked()
	}
	if d.paused {
		return
	}
	if hit := Hit(d.breakpoints, h); hit != nil {
		d.pauseLocked()
		d.cur = Stop{Hop: h, Hit: hit}
		d.changedLocked()
	}
}

// Pause holds every interpretation from now on.
func (d *Debugger) Pause() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.paused {
		d.pauseLocked()
		d.changedLocked()
	}
}

// Continue lets the network run until a breakpoint matches.
func (d *Debugger) Continue() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.paused {
		d.lost += d.wall().Sub(d.since)
	}
	d.paused = false
	for _, h := range d.held {
		close(h.release)
	}
	d.held = nil
	d.changedLocked()
}

// Paused reports whether the network is paused.
func (d *Debugger) Paused() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused
}

// Pending lists the interpretations held, oldest first: Step runs the
// first.
func (d *Debugger) Pending() []Pending {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Pending, len(d.held))
	for i, h := range d.held {
		p := Pending{Peer: h.in.Peer, Particle: h.in.Particle.ID, Arrival: h.in.Current != nil}
		for id := range h.in.Results {
			p.Results = append(p.Results, id)
		}
		slices.Sort(p.Results)
		out[i] = p
	}
	return out
}

// Step lets the oldest held interpretation run, waiting for one to be
// held if none is (a particle may be on its way between peers), and
// returns its hop, which becomes the current stop.
func (d *Debugger) Step(ctx context.Context) (Stop, error) {
	hop, err := d.release(ctx)
	if err != nil {
		if hop != nil {
			d.stopAt(Stop{Hop: hop})
		}
		return Stop{}, err
	}
	return d.stopAt(Stop{Hop: hop}), nil
}

// StepOver steps over the service calls of the current stop's hop: it
// steps, in the usual order, until the hop of the same particle on the
// same peer that is given the last of those calls' results has run, and
// stops there. A breakpoint that matches a hop on the way stops it there
// instead. If the results came back before (the current stop is a hop
// moved back to), it moves to the hop that took them; from a hop that
// asked for no calls, it is Step.
func (d *Debugger) StepOver(ctx context.Context) (Stop, error) {
	cur, ok := d.Current()
	if !ok {
		return d.Step(ctx)
	}
	calls := CallsOf(cur.Hop)
	if calls == nil {
		return d.Step(ctx)
	}
	if back, ok := calls.ReturnedIn(d.rec.Particle(cur.Hop.Particle.ID)); ok {
		return d.stopAt(Stop{Hop: back}), nil
	}
	var last *Hop
	for {
		hop, err := d.release(ctx)
		if hop != nil {
			last = hop
		}
		if err != nil {
			if last != nil {
				d.stopAt(Stop{Hop: last})
			}
			return Stop{}, err
		}
		d.mu.Lock()
		hit := Hit(d.breakpoints, hop)
		d.mu.Unlock()
		if calls.Returned(hop) || hit != nil {
			return d.stopAt(Stop{Hop: hop, Hit: hit}), nil
		}
	}
}

// release lets the oldest held interpretation run, waiting for one to be
// held if none is, and returns its hop once it is recorded. When ctx ends
// first it returns ctx's error, and the hop as well if it was recorded by
// then: a hop that ran is not lost to a step that gave up.
func (d *Debugger) release(ctx context.Context) (*Hop, error) {
	d.mu.Lock()
	for len(d.held) == 0 {
		if !d.paused {
			d.mu.Unlock()
			return nil, ErrRunning
		}
		arrived := d.arrived
		d.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		d.mu.Lock()
	}
	h := d.held[0]
	d.held = d.held[1:]
	done := make(chan *Hop, 1)
	d.awaited[h.in] = done
	close(h.release)
	d.changedLocked()
	d.mu.Unlock()

	// A released run always runs and is recorded: the node gates it
	// last, just before the interpreter.
	select {
	case hop := <-done:
		return hop, nil
	case <-ctx.Done():
		d.mu.Lock()
		delete(d.awaited, h.in)
		d.mu.Unlock()
		select {
		case hop := <-done:
			return hop, ctx.Err()
		default:
			return nil, ctx.Err()
		}
	}
}

// stopAt makes s the current stop.
func (d *Debugger) stopAt(s Stop) Stop {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cur = s
	d.changedLocked()
	return s
}

// Current returns the current stop, if there is one.
func (d *Debugger) Current() (Stop, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cur, d.cur.Hop != nil
}

// Back moves the current stop to the previous hop of its particle, as
// recorded; it reports false at the particle's first hop.
func (d *Debugger) Back() (Stop, bool) { return d.move(-1) }

// Forward moves the current stop to the next recorded hop of its
// particle; it reports false at the newest one (Step runs more).
func (d *Debugger) Forward() (Stop, bool) { return d.move(+1) }

func (d *Debugger) move(dir int) (Stop, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cur.Hop == nil {
		return Stop{}, false
	}
	hops := d.rec.Particle(d.cur.Hop.Particle.ID)
	i := slices.Index(hops, d.cur.Hop) + dir
	if i < 0 || i >= len(hops) {
		return d.cur, false
	}
	d.cur = Stop{Hop: hops[i]}
	d.changedLocked()
	return d.cur, true
}

// Select makes the recorded hop seq the current stop.
func (d *Debugger) Select(seq uint64) (Stop, bool) {
	h, ok := d.rec.Hop(seq)
	if !ok {
		return Stop{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cur = Stop{Hop: h}
	d.changedLocked()
	return d.cur, true
}

// SetBreakpoints replaces the breakpoints.
func (d *Debugger) SetBreakpoints(bs []Breakpoint) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.breakpoints = slices.Clone(bs)
	d.changedLocked()
}

// Breakpoints returns the breakpoints.
func (d *Debugger) Breakpoints() []Breakpoint {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.breakpoints)
}

// Subscribe returns a channel that is told, coalesced, whenever the
// debugger's state changes: paused, held, stepped, stopped at a
// breakpoint, moved. Call cancel when done.
func (d *Debugger) Subscribe() (changes <-chan struct{}, cancel func()) {
	c := make(chan struct{}, 1)
	d.mu.Lock()
	d.subs[c] = struct{}{}
	d.mu.Unlock()
	return c, func() {
		d.mu.Lock()
		delete(d.subs, c)
		d.mu.Unlock()
	}
}

func (d *Debugger) changedLocked() {
	for c := range d.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}
