package node

import (
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// TestPeerGone: once the node hears its relay is gone, each particle it
// holds gets a drop naming the relay.
func TestPeerGone(t *testing.T) {
	now := time.Now()
	nd, events := loneNode(t, now, Config{})
	p := signedBy(t, "waiting", "(null)", now, time.Hour)
	nd.Deliver(nd.ID(), p)
	awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.Interpreted })
	relay := peer.ID("12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")
	nd.PeerGone(relay)
	e := awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.Dropped })
	if e.Reason != trace.Unroutable || e.To != relay || !strings.Contains(e.Err, "connection to "+string(relay)+" closed") {
		t.Errorf("drop = %v, want unroutable to the relay", e)
	}
}
