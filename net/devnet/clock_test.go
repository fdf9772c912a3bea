package devnet

import (
	"context"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/session"
)

// TestPausedNetworkKeepsParticleTime pauses the network, starts a
// particle with a TTL of 1 s, leaves it held for 3 s, then steps it and
// continues: it completes, because its time stood still while the
// network was paused, and its nodes' clock lost those seconds.
func TestPausedNetworkKeepsParticleTime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: 5, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Pause()
	paused := s.Debugger.(interface{ Now() time.Time }).Now()
	type result struct {
		res *session.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := s.Run(ctx, session.Call{Script: `(call %init_peer_id% ("op" "identity") ["x"])`, TTL: time.Second})
		done <- result{res, err}
	}()
	// The client's first interpretation is held; wait three TTLs.
	for len(s.Pending()) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	if now := s.Debugger.(interface{ Now() time.Time }).Now(); !now.Equal(paused) {
		t.Errorf("the paused network's clock moved %v", now.Sub(paused))
	}
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	s.Continue()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("the run failed after the pause: %v", r.err)
		}
	case <-ctx.Done():
		t.Fatal("the run did not end")
	}
}
