package node

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// PeerGone tells the node that its connection to peer id has closed, and
// that every particle it holds has lost its way through it: how a client,
// whose only way to the network is its relay, reports at once the
// particles it waits for when the relay goes, instead of letting each run
// out its TTL. Each live particle gets a drop, unroutable, to id.
func (n *Node) PeerGone(id peer.ID) {
	now := n.cfg.Now()
	n.mu.Lock()
	var live []string
	for _, a := range n.actors {
		if !a.expired(now) {
			live = append(live, a.particleID)
		}
	}
	n.mu.Unlock()
	for _, pid := range live {
		n.emit(trace.Event{Kind: trace.Dropped, Particle: pid, To: id, Reason: trace.Unroutable,
			Err: fmt.Sprintf("the connection to %s closed", id)})
	}
}
