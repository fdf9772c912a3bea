// Package replay is a session over a saved recording: the peers and
// particles it holds, with their trace, stepped and rewound as a live
// network is, while nothing runs. The interpreter is pure, so each
// recorded hop already holds the particle's data at its peer; the
// workbench opens one for `aquarium replay`.
package replay

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// ErrReadOnly is what Run returns: a replay shows what ran, it runs
// nothing.
var ErrReadOnly = errors.New("a replay runs nothing: it shows a saved recording")

// ErrEnd is what Step returns after the last hop.
var ErrEnd = errors.New("the recording ends here")

// Session replays a recording. It is always paused: Step shows the next
// hop in the order they ran, Continue the next that matches a breakpoint
// (or the last), Back and Forward move through a particle's hops.
type Session struct {
	rec   *debug.Recording
	hops  []*debug.Hop
	peers []session.PeerInfo
	log   *trace.Log

	mu   sync.Mutex
	next int // index in hops of the hop Step shows next
	cur  debug.Stop
	bps  []debug.Breakpoint
	subs map[chan struct{}]struct{}
}

var (
	_ session.Session  = (*Session)(nil)
	_ session.Debugger = (*Session)(nil)
)

// New returns a session over rec, standing before its first hop.
func New(rec *debug.Recording) *Session {
	s := &Session{rec: rec, hops: rec.Hops(), subs: map[chan struct{}]struct{}{}}
	s.peers = peersOf(s.hops)
	s.log = traceOf(s.hops)
	return s
}

// peersOf names the peers the hops ran on, in the order they first
// appear: the peers that started particles are clients, the rest nodes.
func peersOf(hops []*debug.Hop) []session.PeerInfo {
	inits := map[peer.ID]bool{}
	for _, h := range hops {
		inits[h.Particle.InitPeer] = true
	}
	var nodes, clients []session.PeerInfo
	seen := map[peer.ID]bool{}
	for _, h := range hops {
		if seen[h.Peer] {
			continue
		}
		seen[h.Peer] = true
		p := session.PeerInfo{ID: h.Peer, Role: session.RoleNode, Up: true}
		if inits[h.Peer] {
			p.Role = session.RoleClient
			clients = append(clients, p)
			continue
		}
		p.Name = fmt.Sprintf("node%d", len(nodes))
		nodes = append(nodes, p)
	}
	for i := range clients {
		clients[i].Name = "client"
		if len(clients) > 1 {
			clients[i].Name = fmt.Sprintf("client%d", i)
		}
	}
	return append(nodes, clients...)
}

// traceOf writes the events the hops imply: each interpretation, the
// calls it asked for and the results it was given, where it sent the
// particle, and its completion.
func traceOf(hops []*debug.Hop) *trace.Log {
	type callKey struct {
		particle string
		peer     peer.ID
		id       uint32
	}
	asked := map[callKey]trace.Event{}
	log := trace.NewLog(max(len(hops)*8, 64))
	from := map[string]peer.ID{} // the last sender of each particle
	for _, h := range hops {
		at, id := h.Started, h.Particle.ID
		ev := func(e trace.Event) {
			e.Time, e.Particle, e.Peer = at, id, h.Peer
			log.Append(e)
		}
		if h.Current != nil {
			ev(trace.Event{Kind: trace.Received, From: from[id]})
		}
		for _, cid := range slices.Sorted(maps.Keys(h.Results)) {
			r := h.Results[cid]
			e := asked[callKey{id, h.Peer, cid}]
			e.Kind = trace.CallFinished
			if r.RetCode != 0 {
				e.RetCode, e.Err = int64(r.RetCode), r.Result
			} else {
				e.Result = r.Result
			}
			ev(e)
		}
		o := h.Outcome
		ev(trace.Event{Kind: trace.Interpreted, Duration: h.Duration, DataSize: len(o.Data), RetCode: o.RetCode, Err: o.ErrorMessage})
		for _, cid := range slices.Sorted(maps.Keys(o.CallRequests)) {
			r := o.CallRequests[cid]
			args := make([]string, len(r.Arguments))
			for i, a := range r.Arguments {
				args[i] = string(a)
			}
			e := trace.Event{Kind: trace.CallRequested, CallID: cid, Service: r.ServiceID, Function: r.FunctionName, Args: "[" + strings.Join(args, ",") + "]"}
			asked[callKey{id, h.Peer, cid}] = e
			ev(e)
		}
		for _, to := range o.NextPeers {
			ev(trace.Event{Kind: trace.Sent, To: peer.ID(to), DataSize: len(o.Data)})
			from[id] = h.Peer
		}
		if o.Complete {
			ev(trace.Event{Kind: trace.Completed})
		}
	}
	return log
}

// Peers lists the peers the recording saw.
func (s *Session) Peers(context.Context) ([]session.PeerInfo, error) {
	return slices.Clone(s.peers), nil
}

// Run returns ErrReadOnly.
func (s *Session) Run(context.Context, session.Call) (*session.Result, error) {
	return nil, ErrReadOnly
}

// Events is the trace the recording implies.
func (s *Session) Events() *trace.Log { return s.log }

// Close does nothing: a replay holds nothing open.
func (s *Session) Close() error { return nil }

// Pause does nothing: a replay is always paused.
func (s *Session) Pause() {}

// Paused reports true.
func (s *Session) Paused() bool { return true }

// Continue moves to the next hop that matches a breakpoint, or to the
// last hop if none does.
func (s *Session) Continue() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.next < len(s.hops) {
		h := s.hops[s.next]
		s.next++
		s.cur = debug.Stop{Hop: h, Hit: debug.Hit(s.bps, h)}
		if s.cur.Hit != nil {
			break
		}
	}
	s.changedLocked()
}

// Pending lists the hops Step has still to show, as a live network's
// held interpretations.
func (s *Session) Pending() []session.Pending {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]session.Pending, 0, len(s.hops)-s.next)
	for _, h := range s.hops[s.next:] {
		p := session.Pending{Peer: h.Peer, Particle: h.Particle.ID, Arrival: h.Current != nil}
		p.Results = slices.Sorted(maps.Keys(h.Results))
		out = append(out, p)
	}
	return out
}

// Step shows the next hop in the order they ran.
func (s *Session) Step(context.Context) (session.Stop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next >= len(s.hops) {
		return session.Stop{}, ErrEnd
	}
	s.cur = debug.Stop{Hop: s.hops[s.next]}
	s.next++
	s.changedLocked()
	return s.cur, nil
}

// StepOver steps over the service calls of the current hop: it shows the
// hops in the order they ran until the one that brought the last of the
// calls' results back to their peer, or one that matches a breakpoint. If
// Step has shown that hop already, StepOver moves back to it. From a hop
// that asked for no calls, it is Step.
func (s *Session) StepOver(ctx context.Context) (session.Stop, error) {
	s.mu.Lock()
	var calls *debug.Calls
	if s.cur.Hop != nil {
		calls = debug.CallsOf(s.cur.Hop)
	}
	if calls == nil {
		s.mu.Unlock()
		return s.Step(ctx)
	}
	defer s.mu.Unlock()
	if back, ok := calls.ReturnedIn(s.hops[:s.next]); ok {
		s.cur = debug.Stop{Hop: back}
		s.changedLocked()
		return s.cur, nil
	}
	for s.next < len(s.hops) {
		h := s.hops[s.next]
		s.next++
		s.cur = debug.Stop{Hop: h, Hit: debug.Hit(s.bps, h)}
		if calls.Returned(h) || s.cur.Hit != nil {
			s.changedLocked()
			return s.cur, nil
		}
	}
	// The results never came back in what was recorded.
	s.changedLocked()
	return s.cur, ErrEnd
}

// Back moves to the previous hop of the current particle.
func (s *Session) Back() (session.Stop, bool) { return s.move(-1) }

// Forward moves to the next hop of the current particle.
func (s *Session) Forward() (session.Stop, bool) { return s.move(+1) }

func (s *Session) move(dir int) (session.Stop, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.Hop == nil {
		return session.Stop{}, false
	}
	hops := s.rec.Particle(s.cur.Hop.Particle.ID)
	i := slices.Index(hops, s.cur.Hop) + dir
	if i < 0 || i >= len(hops) {
		return s.cur, false
	}
	s.cur = debug.Stop{Hop: hops[i]}
	s.changedLocked()
	return s.cur, true
}

// Select makes hop seq the current stop.
func (s *Session) Select(seq uint64) (session.Stop, bool) {
	h, ok := s.rec.Hop(seq)
	if !ok {
		return session.Stop{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = debug.Stop{Hop: h}
	s.changedLocked()
	return s.cur, true
}

// Current returns the current stop.
func (s *Session) Current() (session.Stop, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur, s.cur.Hop != nil
}

// SetBreakpoints replaces the breakpoints Continue stops at.
func (s *Session) SetBreakpoints(bs []session.Breakpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bps = slices.Clone(bs)
	s.changedLocked()
}

// Breakpoints lists them.
func (s *Session) Breakpoints() []session.Breakpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bps)
}

// Recording returns the recording replayed.
func (s *Session) Recording() *debug.Recording { return s.rec }

// Subscribe tells, coalesced, of every move.
func (s *Session) Subscribe() (changes <-chan struct{}, cancel func()) {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[c] = struct{}{}
	s.mu.Unlock()
	return c, func() {
		s.mu.Lock()
		delete(s.subs, c)
		s.mu.Unlock()
	}
}

func (s *Session) changedLocked() {
	for c := range s.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}
