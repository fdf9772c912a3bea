package nodehost

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// TestClientHearsItsRelayGo stops a client's relay, as a crash would,
// while the client waits on a particle: the particle is dropped at once,
// not when its TTL runs out.
func TestClientHearsItsRelayGo(t *testing.T) {
	key := func(seed byte) peer.PrivateKey {
		k, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
		return k
	}
	relay, err := Start(Config{Key: key(1), Network: "gone-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	events := trace.NewLog(1000)
	client, err := StartClient(Config{Key: key(2), Events: events}, relay.ID())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := client.Connect(ctx, relay.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	// The particle waits for an answer from the relay, which never comes.
	script := `(seq (call "` + string(relay.ID()) + `" ("op" "noop") []) (call %init_peer_id% ("op" "noop") []))`
	p := session.Call{Script: script, ParticleID: "waits", TTL: time.Hour}
	sub := events.Subscribe()
	defer sub.Close()
	running, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() {
		_, err := client.Run(running, p)
		ran <- err
	}()
	defer func() { stop(); <-ran }()
	await := func(match func(trace.Event) bool) trace.Event {
		t.Helper()
		for next := uint64(1); ; {
			evs, _ := events.Since(next, 100)
			for _, e := range evs {
				next = e.Seq + 1
				if e.Particle == p.ParticleID && match(e) {
					return e
				}
			}
			if len(evs) > 0 {
				continue
			}
			select {
			case <-sub.C():
			case <-ctx.Done():
				t.Fatal("no such event before the test's deadline")
			}
		}
	}
	await(func(e trace.Event) bool { return e.Kind == trace.Sent })
	relay.Stop()
	e := await(func(e trace.Event) bool { return e.Kind == trace.Dropped })
	if e.Reason != trace.Unroutable || e.To != relay.ID() {
		t.Errorf("drop = %v, want unroutable to the relay", e)
	}
}
