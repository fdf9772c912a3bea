package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

const (
	deadRelay = peer.ID("12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")
	deadNext  = peer.ID("12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D")
)

// relayOnly is a client's transport: it reaches the relay or nothing. A
// relay that is up takes the particle and, its next peer being gone,
// reports the drop back, as a node does.
type relayOnly struct {
	up     bool
	client **node.Node
}

func (r relayOnly) Send(_ context.Context, to peer.ID, p *particle.Particle) error {
	if to != deadRelay || !r.up {
		return fmt.Errorf("no connection to %s", to)
	}
	go (*r.client).Reported(deadRelay, trace.Event{Particle: p.ID, To: deadNext, Reason: trace.Unroutable,
		Err: "reported: dial backoff", Time: time.Now()})
	return nil
}

// TestUnroutableEndsTheRun: a run whose particle cannot get past the
// client's relay, or past the relay's next peer, fails at once with
// ErrUnreachable, not at the end of its TTL.
func TestUnroutableEndsTheRun(t *testing.T) {
	for _, relayUp := range []bool{false, true} {
		t.Run(fmt.Sprint("relay up: ", relayUp), func(t *testing.T) {
			key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{43}, 32))
			var n *node.Node
			n, err := node.New(node.Config{Key: key, Transport: relayOnly{relayUp, &n}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { _ = n.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()

			script := `(seq (call "` + string(deadRelay) + `" ("op" "noop") []) (call %init_peer_id% ("callbackSrv" "response") ["never"]))`
			runCtx, stop := context.WithTimeout(context.Background(), 20*time.Second)
			defer stop()
			_, err = Run(runCtx, n, Call{Script: script, Relay: deadRelay, TTL: time.Hour})
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
