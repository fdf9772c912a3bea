// Package debug records what the interpreter did on every peer, and
// steps and rewinds a network built of core/node peers.
//
// The AIR interpreter is a pure function of its inputs, so a particle's
// history is fully described by the inputs and outcome of each of its
// interpretations ("hops"): a Recording keeps them, renders a hop's data
// for people, saves to a file and re-runs any hop to the same outcome.
// A Debugger is a node.Gate and node.Recorder that pauses a network,
// lets one interpretation through at a time, stops at breakpoints and
// moves back and forth through what it recorded.
package debug

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Particle is what a hop needs of its particle: the script and the
// parameters the interpreter was given.
type Particle struct {
	ID        string
	InitPeer  peer.ID
	Timestamp uint64 // ms
	TTL       uint32 // ms
	Script    string
}

// Hop is one interpretation of a particle on a peer: its inputs and its
// outcome. Everything avm.Run was given is here but the peer's key.
type Hop struct {
	// Seq numbers the hops of a recording from 1, in the order they ran.
	Seq      uint64
	Peer     peer.ID
	Particle *Particle
	Prev     []byte
	Current  []byte // nil when only call results arrived
	Results  map[uint32]avm.CallResult
	// LazySign is what the run was given as avm.Params.LazySign.
	LazySign bool
	Outcome  avm.Outcome
	Started  time.Time
	Duration time.Duration
}

// Params returns the parameters the hop ran with, signing with key.
func (h *Hop) Params(key ed25519.PrivateKey) avm.Params {
	return avm.Params{
		InitPeerID: string(h.Particle.InitPeer), CurrentPeerID: string(h.Peer),
		Timestamp: h.Particle.Timestamp, TTL: h.Particle.TTL, ParticleID: h.Particle.ID, Key: key,
		LazySign: h.LazySign,
	}
}

// Rerun runs the hop's interpretation again. key must be the hop's peer's
// key: the interpreter signs what it produces.
func (h *Hop) Rerun(key ed25519.PrivateKey) avm.Outcome {
	return avm.Run(h.Params(key), h.Particle.Script, h.Prev, h.Current, h.Results)
}

// Check re-runs the hop and reports how the outcome differs from the one
// recorded, if it does.
func (h *Hop) Check(key ed25519.PrivateKey) error {
	got := h.Rerun(key)
	want := h.Outcome
	switch {
	case got.RetCode != want.RetCode || got.ErrorMessage != want.ErrorMessage:
		return fmt.Errorf("hop %d: re-run ended with %d %q, recorded %d %q", h.Seq, got.RetCode, got.ErrorMessage, want.RetCode, want.ErrorMessage)
	case !bytes.Equal(got.Data, want.Data):
		return fmt.Errorf("hop %d: re-run produced other data (%d bytes, recorded %d)", h.Seq, len(got.Data), len(want.Data))
	case !slices.Equal(got.NextPeers, want.NextPeers):
		return fmt.Errorf("hop %d: re-run sends to %v, recorded %v", h.Seq, got.NextPeers, want.NextPeers)
	case !reflect.DeepEqual(got.CallRequests, want.CallRequests) && (len(got.CallRequests) > 0 || len(want.CallRequests) > 0):
		return fmt.Errorf("hop %d: re-run asks for other calls", h.Seq)
	case !slices.Equal(got.Stops, want.Stops):
		return fmt.Errorf("hop %d: re-run stops at %v, recorded %v", h.Seq, got.Stops, want.Stops)
	}
	return nil
}

// Scopes re-runs the hop to see what its script could see at each
// instruction it stopped at: Scopes()[i] is the scope at
// Outcome.Stops[i]. The re-run needs no key and changes nothing. It
// fails if the re-run does not stop where the recorded run did, as a
// recording made by another interpreter may not.
func (h *Hop) Scopes() ([]avm.Scope, error) {
	p := h.Params(nil)
	p.Inspect = true
	out := avm.Run(p, h.Particle.Script, h.Prev, h.Current, h.Results)
	if !slices.Equal(out.Stops, h.Outcome.Stops) {
		return nil, fmt.Errorf("hop %d: re-run stops at %d instructions, recorded %d: the recording may come from another interpreter", h.Seq, len(out.Stops), len(h.Outcome.Stops))
	}
	return out.Scopes, nil
}

// Failed reports whether the hop ended in an error or was given the
// result of a failed call.
func (h *Hop) Failed() bool {
	if h.Outcome.RetCode != 0 {
		return true
	}
	for _, r := range h.Results {
		if r.RetCode != 0 {
			return true
		}
	}
	return false
}

// Recording is the history of interpretations, in the order they ran.
// It is safe for concurrent use; the hops it returns must not be changed.
type Recording struct {
	mu        sync.RWMutex
	hops      []*Hop
	particles map[string]*Particle
	limit     int
	next      uint64
	// sources are the programs of a recording read from a file.
	sources []Source
}

// DefaultLimit is how many hops a recording keeps unless told otherwise.
const DefaultLimit = 10_000

// NewRecording returns an empty recording that keeps the newest limit
// hops (DefaultLimit if limit <= 0), forgetting the oldest.
func NewRecording(limit int) *Recording {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return &Recording{particles: map[string]*Particle{}, limit: limit, next: 1}
}

// Record adds an interpretation; a Recording is a node.Recorder.
func (r *Recording) Record(in *node.Interpretation) { r.add(in) }

var _ node.Recorder = (*Recording)(nil)

func (r *Recording) add(in *node.Interpretation) *Hop {
	p := in.Particle
	r.mu.Lock()
	defer r.mu.Unlock()
	part := r.particles[p.ID]
	if part == nil || part.Script != p.Script {
		part = &Particle{ID: p.ID, InitPeer: p.InitPeerID, Timestamp: p.Timestamp, TTL: p.TTL, Script: p.Script}
		r.particles[p.ID] = part
	}
	h := &Hop{
		Seq: r.next, Peer: in.Peer, Particle: part, Prev: in.Prev, Current: in.Current, Results: in.Results,
		LazySign: in.LazySign, Outcome: in.Outcome, Started: in.Started, Duration: in.Duration,
	}
	r.next++
	r.append(h)
	return h
}

// append adds h, forgetting the oldest tenth when the recording is full.
func (r *Recording) append(h *Hop) {
	if len(r.hops) >= r.limit {
		drop := max(1, r.limit/10)
		gone := r.hops[:drop]
		r.hops = slices.Delete(r.hops, 0, drop)
		for _, old := range gone {
			if !slices.ContainsFunc(r.hops, func(k *Hop) bool { return k.Particle == old.Particle }) {
				delete(r.particles, old.Particle.ID)
			}
		}
	}
	r.hops = append(r.hops, h)
}

// Hops returns every hop held, oldest first.
func (r *Recording) Hops() []*Hop {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.hops)
}

// Len returns how many hops are held.
func (r *Recording) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.hops)
}

// Hop returns the hop numbered seq, if it is held.
func (r *Recording) Hop(seq uint64) (*Hop, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	i, ok := slices.BinarySearchFunc(r.hops, seq, func(h *Hop, s uint64) int { return cmpUint(h.Seq, s) })
	if !ok {
		return nil, false
	}
	return r.hops[i], true
}

// Particle returns the hops of one particle, oldest first.
func (r *Recording) Particle(id string) []*Hop {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*Hop
	for _, h := range r.hops {
		if h.Particle.ID == id {
			out = append(out, h)
		}
	}
	return out
}

// Sources returns the Aqua programs a recording read from a file says its
// particles were compiled from; a recording being made has none.
func (r *Recording) Sources() []Source { return r.sources }

// Particles returns the ids of the particles recorded, in the order their
// first hop ran.
func (r *Recording) Particles() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var ids []string
	seen := map[string]bool{}
	for _, h := range r.hops {
		if !seen[h.Particle.ID] {
			seen[h.Particle.ID] = true
			ids = append(ids, h.Particle.ID)
		}
	}
	return ids
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
