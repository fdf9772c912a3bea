package debug

import (
	"maps"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Calls are the service calls one hop asked its host to run, followed
// until their results have come back to its peer: what stepping over a
// hop steps over. The host may bring the results back in one run of the
// interpreter or over several.
type Calls struct {
	after    uint64
	particle string
	peer     peer.ID
	waiting  map[uint32]struct{}
}

// CallsOf returns the calls h asked for, or nil if it asked for none.
func CallsOf(h *Hop) *Calls {
	if len(h.Outcome.CallRequests) == 0 {
		return nil
	}
	c := &Calls{after: h.Seq, particle: h.Particle.ID, peer: h.Peer, waiting: map[uint32]struct{}{}}
	for id := range maps.Keys(h.Outcome.CallRequests) {
		c.waiting[id] = struct{}{}
	}
	return c
}

// Returned notes the results h was given and reports whether every
// call's result has now come back: h is then the hop to stop at. Hops of
// other particles or peers, and hops that ran before the calls were asked
// for, change nothing.
func (c *Calls) Returned(h *Hop) bool {
	if h.Seq <= c.after || h.Particle.ID != c.particle || h.Peer != c.peer {
		return false
	}
	before := len(c.waiting)
	for id := range h.Results {
		delete(c.waiting, id)
	}
	return before > 0 && len(c.waiting) == 0
}

// ReturnedIn looks through recorded hops, oldest first, for the one that
// brought the last result back, noting the results of those before it.
func (c *Calls) ReturnedIn(hops []*Hop) (*Hop, bool) {
	for _, h := range hops {
		if c.Returned(h) {
			return h, true
		}
	}
	return nil, false
}
