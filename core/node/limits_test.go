package node

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// serviceMap is deployed services for a test.
type serviceMap map[string]builtin.Service

func (m serviceMap) Lookup(service, function string) (builtin.Func, bool) {
	f, ok := m[service][function]
	return f, ok
}

// loneNode starts one node on the clock now, with cfg's limits and
// services, until the test ends.
func loneNode(t *testing.T, now time.Time, cfg Config) (*Node, *trace.Log) {
	t.Helper()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{42}, 32))
	// A network of this node alone: it sends nothing.
	cfg.Key, cfg.Transport, cfg.Events = key, memnet.New().Transport(peer.IDOf(key)), trace.NewLog(10_000)
	cfg.Now = func() time.Time { return now }
	nd, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = nd.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return nd, cfg.Events
}

// signedBy returns a particle of the node's own, signed, at timestamp ts.
func signedBy(t *testing.T, id, script string, ts time.Time, ttl time.Duration) *particle.Particle {
	t.Helper()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{42}, 32))
	p := particle.New(id, peer.IDOf(key), script, ts, ttl)
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	return p
}

// awaitEvent waits for the first event of particle id that match accepts.
func awaitEvent(t *testing.T, events *trace.Log, id string, match func(trace.Event) bool) trace.Event {
	t.Helper()
	sub := events.Subscribe()
	defer sub.Close()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	next := uint64(1)
	for {
		evs, _ := events.Since(next, 1024)
		for _, e := range evs {
			next = e.Seq + 1
			if e.Particle == id && match(e) {
				return e
			}
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-sub.C():
		case <-timeout.C:
			t.Fatalf("particle %s: no matching event in 20 s", id)
		}
	}
}

// TestParticleFromTheFuture: a timestamp beyond the clock-skew allowance
// is dropped with its reason, and one within it runs.
func TestParticleFromTheFuture(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	tests := []struct {
		name  string
		skew  time.Duration
		ahead time.Duration
		drop  bool
	}{
		{"a year ahead", 0, 365 * 24 * time.Hour, true},
		{"past the default skew", 0, DefaultMaxClockSkew + time.Second, true},
		{"within the default skew", 0, DefaultMaxClockSkew / 2, false},
		{"past a configured skew", 5 * time.Second, 6 * time.Second, true},
		{"check turned off", -1, 365 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nd, events := loneNode(t, now, Config{MaxClockSkew: tt.skew})
			p := signedBy(t, "future", "(null)", now.Add(tt.ahead), time.Minute)
			nd.Deliver(nd.ID(), p)
			e := awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.Dropped || e.Kind == trace.Interpreted })
			if tt.drop {
				if e.Kind != trace.Dropped || e.Reason != trace.FromTheFuture || !strings.Contains(e.Err, "ahead of this peer's clock") {
					t.Errorf("event = %v, want a drop for a timestamp in the future", e)
				}
			} else if e.Kind != trace.Interpreted {
				t.Errorf("event = %v, want the particle interpreted", e)
			}
		})
	}
}

// blocking is a deployed service whose call waits until its context ends,
// as a Wasm function that spins does until it is interrupted; started
// hears of each call as it begins.
func blocking(started chan<- struct{}) serviceMap {
	return serviceMap{"spin": {"forever": func(ctx context.Context, _ *builtin.Call) (any, error) {
		if started != nil {
			started <- struct{}{}
		}
		<-ctx.Done()
		return nil, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}}}
}

// TestServiceCallDeadline: a call of a deployed service ends at
// CallTimeout, and never later than its particle's TTL.
func TestServiceCallDeadline(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		timeout time.Duration
		ttl     time.Duration
	}{
		{"the call timeout", 50 * time.Millisecond, time.Hour},
		{"the particle's ttl", time.Hour, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nd, events := loneNode(t, now, Config{CallTimeout: tt.timeout, Services: blocking(nil)})
			p := signedBy(t, "spin", fmt.Sprintf(`(call %q ("spin" "forever") [])`, nd.ID()), now, tt.ttl)
			nd.Deliver(nd.ID(), p)
			e := awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.CallFinished })
			if e.RetCode == 0 || !strings.Contains(e.Err, "deadline exceeded") {
				t.Errorf("call = %v, want it failed at its deadline", e)
			}
		})
	}
}

// TestBuiltinsDoNotWaitBehindServices fills every service worker with
// calls that do not end: a builtin still answers, and Load says the
// service workers are saturated.
func TestBuiltinsDoNotWaitBehindServices(t *testing.T) {
	now := time.Now()
	started := make(chan struct{}, 4)
	nd, events := loneNode(t, now, Config{CallWorkers: 2, ServiceWorkers: 2, Services: blocking(started)})
	for i := range 3 {
		p := signedBy(t, fmt.Sprint("spin-", i), fmt.Sprintf(`(call %q ("spin" "forever") [])`, nd.ID()), now, time.Hour)
		nd.Deliver(nd.ID(), p)
	}
	for range 2 {
		<-started
	}
	if l := nd.Load(); l.ServiceCalls != 2 || !l.Saturated() {
		t.Errorf("Load = %+v, want both service workers busy, saturated", l)
	}
	p := signedBy(t, "identity", fmt.Sprintf(`(call %q ("op" "identity") ["still here"] x)`, nd.ID()), now, time.Hour)
	nd.Deliver(nd.ID(), p)
	e := awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.CallFinished })
	if e.RetCode != 0 || e.Result != `"still here"` {
		t.Errorf("op.identity = %v, want it answered", e)
	}
}

// TestInterpreterLimitsPerNode: a node's Limits reach its
// interpretations: a script that takes more steps than a node allows
// fails there with the step limit's code, and runs on a node with the
// defaults.
func TestInterpreterLimitsPerNode(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	script := `(seq (null) (seq (null) (seq (null) (null))))`
	for _, tt := range []struct {
		name   string
		limits avm.Limits
		code   int64
	}{
		{"defaults", avm.Limits{}, 0},
		{"three steps", avm.Limits{Steps: 3}, avm.CodeStepLimit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nd, events := loneNode(t, now, Config{Limits: tt.limits})
			p := signedBy(t, "limited", script, now, time.Minute)
			nd.Deliver(nd.ID(), p)
			e := awaitEvent(t, events, p.ID, func(e trace.Event) bool { return e.Kind == trace.Interpreted || e.Kind == trace.Dropped })
			if e.RetCode != tt.code {
				t.Errorf("event %v, want ret code %d", e, tt.code)
			}
		})
	}
}
