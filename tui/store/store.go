// Package store keeps the trace events the workbench has read, with the
// indexes its panes need: particles in the order they appeared and
// service calls joined with their outcome. It is owned by the UI
// goroutine and bounded: past its capacity the oldest events go.
package store

import (
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Particle summarises one particle.
type Particle struct {
	ID     string
	Events int
	// Start is when the particle was first seen.
	Start time.Time
	// Failed is set once any peer reported an error or a drop, or the
	// run that sent the particle failed; Reason says why, if known.
	Failed bool
	Reason string
}

type callKey struct {
	particle string
	peer     peer.ID
	id       uint32
}

// Store is the workbench's window on the trace. Not safe for concurrent
// use.
type Store struct {
	capacity  int
	events    []trace.Event
	particles []*Particle
	byID      map[string]*Particle
	calls     []*ui.Call
	open      map[callKey]*ui.Call
	// Version grows with every change, for caches keyed on it.
	Version uint64
	// Missed counts events the log evicted before the store read them.
	Missed uint64
	// epoch is the time of the first event the store was given.
	epoch time.Time
	// failed holds why runs failed, by particle, for particles whose
	// events are still to come.
	failed map[string]string
}

// New returns a store holding at most capacity events (and calls).
func New(capacity int) *Store {
	return &Store{capacity: max(capacity, 1), byID: map[string]*Particle{}, open: map[callKey]*ui.Call{}}
}

// Add records a batch of events, oldest first.
func (s *Store) Add(evs []trace.Event, missed uint64) {
	s.Missed += missed
	for i := range evs {
		s.add(&evs[i])
	}
	s.evict()
	s.Version++
}

func (s *Store) add(e *trace.Event) {
	if s.epoch.IsZero() {
		s.epoch = e.Time
	}
	s.events = append(s.events, *e)
	p := s.byID[e.Particle]
	if p == nil {
		p = &Particle{ID: e.Particle, Start: e.Time}
		if reason, ok := s.failed[e.Particle]; ok {
			p.Failed, p.Reason = true, reason
		}
		s.byID[e.Particle] = p
		s.particles = append(s.particles, p)
	}
	p.Events++
	switch e.Kind {
	case trace.Dropped, trace.Expired:
		p.fail(e.Kind.String() + ": " + e.Reason.String())
	case trace.Interpreted:
		if e.Err != "" {
			p.fail(e.Err)
		}
	case trace.CallRequested:
		c := &ui.Call{Particle: e.Particle, Peer: e.Peer, CallID: e.CallID, Service: e.Service,
			Function: e.Function, Args: e.Args, Started: e.Time}
		s.calls = append(s.calls, c)
		s.open[callKey{e.Particle, e.Peer, e.CallID}] = c
	case trace.CallFinished:
		k := callKey{e.Particle, e.Peer, e.CallID}
		c := s.open[k]
		if c == nil { // its request was evicted or never seen
			c = &ui.Call{Particle: e.Particle, Peer: e.Peer, CallID: e.CallID, Service: e.Service,
				Function: e.Function, Args: e.Args, Started: e.Time}
			s.calls = append(s.calls, c)
		}
		delete(s.open, k)
		c.Done, c.Result, c.RetCode, c.Err = true, e.Result, e.RetCode, e.Err
		c.Took = e.Duration
		if c.Took == 0 && !c.Started.IsZero() {
			c.Took = e.Time.Sub(c.Started)
		}
	}
}

// evict drops the oldest events and calls beyond capacity, in chunks so
// the cost is amortised.
func (s *Store) evict() {
	if n := len(s.events) - s.capacity; n > 0 {
		n += s.capacity / 4
		n = min(n, len(s.events))
		for _, e := range s.events[:n] {
			if p := s.byID[e.Particle]; p != nil {
				if p.Events--; p.Events <= 0 {
					delete(s.byID, e.Particle)
				}
			}
		}
		s.events = append([]trace.Event(nil), s.events[n:]...)
		kept := s.particles[:0]
		for _, p := range s.particles {
			if s.byID[p.ID] == p {
				kept = append(kept, p)
			}
		}
		clear(s.particles[len(kept):])
		s.particles = kept
	}
	if n := len(s.calls) - s.capacity; n > 0 {
		n += s.capacity / 4
		n = min(n, len(s.calls))
		for _, c := range s.calls[:n] {
			if !c.Done {
				delete(s.open, callKey{c.Particle, c.Peer, c.CallID})
			}
		}
		s.calls = append([]*ui.Call(nil), s.calls[n:]...)
	}
}

func (p *Particle) fail(reason string) {
	if !p.Failed {
		p.Failed, p.Reason = true, reason
	}
}

// Fail marks particle id failed for reason, as when the run that sent
// it failed, whether its events have arrived yet or not.
func (s *Store) Fail(id, reason string) {
	if s.failed == nil {
		s.failed = map[string]string{}
	}
	if len(s.failed) >= s.capacity {
		clear(s.failed)
	}
	s.failed[id] = reason
	if p, ok := s.byID[id]; ok {
		p.Failed, p.Reason = true, reason
	}
	s.Version++
}

// Epoch returns the time of the first event the store was given, which
// eviction does not change: the all-particles trace counts from it.
func (s *Store) Epoch() time.Time { return s.epoch }

// Len returns how many events the store holds.
func (s *Store) Len() int { return len(s.events) }

// First returns the Seq of the oldest event held, or 0.
func (s *Store) First() uint64 {
	if len(s.events) == 0 {
		return 0
	}
	return s.events[0].Seq
}

// At returns the i-th event held, oldest first.
func (s *Store) At(i int) *trace.Event { return &s.events[i] }

// BySeq returns the event with sequence number seq, if still held.
func (s *Store) BySeq(seq uint64) (*trace.Event, bool) {
	first := s.First()
	if len(s.events) == 0 || seq < first {
		return nil, false
	}
	// Sequence numbers are dense within one log, so this is usually a
	// direct index; fall back to a search if the log skipped.
	i := int(seq - first)
	if i < len(s.events) && s.events[i].Seq == seq {
		return &s.events[i], true
	}
	lo, hi := 0, len(s.events)
	for lo < hi {
		m := (lo + hi) / 2
		if s.events[m].Seq < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.events) && s.events[lo].Seq == seq {
		return &s.events[lo], true
	}
	return nil, false
}

// Particles returns the particles seen, oldest first.
func (s *Store) Particles() []*Particle { return s.particles }

// Particle returns the summary of particle id.
func (s *Store) Particle(id string) (*Particle, bool) {
	p, ok := s.byID[id]
	return p, ok
}

// Calls returns the service calls seen, oldest first.
func (s *Store) Calls() []*ui.Call { return s.calls }
