package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

const (
	deadRelay = peer.ID("12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")
	deadNext  = peer.ID("12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D")
)

// reportingRelay is a relay whose next peer is gone: it takes the
// particle and reports the drop back to the client, as a node does.
type reportingRelay struct{ client **Client }

func (r reportingRelay) Deliver(_ peer.ID, p *particle.Particle) {
	(*r.client).Reported(deadRelay, trace.Event{Particle: p.ID, To: deadNext, Reason: trace.Unroutable,
		Err: "reported: dial backoff", Time: time.Now()})
}

// TestUnroutableEndsTheRun: a run whose particle cannot get past the
// client's relay, or past the relay's next peer, fails at once with
// ErrUnreachable, not at the end of its TTL.
func TestUnroutableEndsTheRun(t *testing.T) {
	for _, relayUp := range []bool{false, true} {
		t.Run(fmt.Sprint("relay up: ", relayUp), func(t *testing.T) {
			net, self := memnet.New(), memnet.NewPeer("client")
			defer net.Close()
			var c *Client
			c, err := NewClient(ClientConfig{Node: node.Config{Key: self.Key, Transport: net.Transport(self.ID)}, Relay: deadRelay})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			net.Add(self.ID, c)
			if relayUp {
				net.Add(deadRelay, reportingRelay{&c})
			}

			script := `(seq (call "` + string(deadRelay) + `" ("op" "noop") []) (call %init_peer_id% ("callbackSrv" "response") ["never"]))`
			runCtx, stop := context.WithTimeout(context.Background(), 20*time.Second)
			defer stop()
			_, err = c.Run(runCtx, Call{Script: script, Results: 1, TTL: time.Hour})
			if !errors.Is(err, ErrUnreachable) {
				t.Fatalf("Run = %v, want ErrUnreachable at once", err)
			}
			want := string(deadRelay)
			if relayUp {
				want = string(deadNext.ShortString())
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		})
	}
}

// TestDropOfOneBranchWaits: a dropped branch of a par does not end the
// run while another branch can still complete it; the run takes the
// other branch's result. Without a par, the same drop ends it at once.
func TestDropOfOneBranchWaits(t *testing.T) {
	net, self := memnet.New(), memnet.NewPeer("client")
	defer net.Close()
	c, err := NewClient(ClientConfig{Node: node.Config{Key: self.Key, Transport: net.Transport(self.ID)}, Relay: deadRelay})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	net.Add(self.ID, c)

	// The fallback answers after the drop is known.
	script := `(seq
 (par
  (call "` + string(deadRelay) + `" ("op" "noop") [] x)
  (call %init_peer_id% ("peer" "timeout") [200 "fallback"] x))
 (call %init_peer_id% ("callbackSrv" "response") [x]))`
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	res, err := c.Run(ctx, Call{Script: script, Results: 1, TTL: time.Minute})
	if err != nil {
		t.Fatalf("Run = %v, want the fallback's result", err)
	}
	if len(res.Values) != 1 || string(res.Values[0]) != `"fallback"` {
		t.Errorf("result %s, want \"fallback\"", res.Values)
	}
}

func TestSingleThreaded(t *testing.T) {
	for script, want := range map[string]bool{
		`(seq (call "p" ("s" "f") []) (null))`:                             true,
		`(seq (call "p" ("s" "f") [] x) (fold x i (seq (null) (next i))))`: true,
		`(seq (null) (par (null) (null)))`:                                 false,
		`(new $s (fold $s i (par (null) (next i))))`:                       false,
		`(seq (call`: false,
		`(xor (match 1 1 (par (null) (null))) (never))`: false,
	} {
		if got := singleThreaded(script); got != want {
			t.Errorf("singleThreaded(%s) = %v, want %v", script, got, want)
		}
	}
}
