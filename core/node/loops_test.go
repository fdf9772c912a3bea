package node

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// running reports how many workers the node runs and whether its reaper
// does.
func running(n *Node) (workers int, reaping bool) {
	n.loops.mu.Lock()
	defer n.loops.mu.Unlock()
	return n.loops.workers, n.loops.reaping
}

// eventually waits until cond holds, failing the test after 30 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 30 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestIdleNodeRunsNothing checks that a node runs workers only while it
// has particles to interpret, and its reaper only while it holds
// particles: a network of idle nodes costs no goroutines.
func TestIdleNodeRunsNothing(t *testing.T) {
	var mu sync.Mutex
	now := testClock
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	client, nodes, _ := networkWith(t, 2, func(c *Config) { c.Now = clock })
	all := append([]*Node{client}, nodes...)
	for _, n := range all {
		n.loops.idle = 10 * time.Millisecond
	}
	for _, n := range all {
		if w, r := running(n); w != 0 || r {
			t.Fatalf("a node that had no particle runs %d workers, reaper %v", w, r)
		}
	}
	res, err := runFunction(t, client, nodes[0].ID(), script(t, "onPeer"), map[string]any{"p": string(nodes[1].ID())})
	if err != nil || len(res) != 1 {
		t.Fatalf("result %v, %v", res, err)
	}
	for _, n := range all {
		eventually(t, "idle", func() bool { w, r := running(n); return w == 0 && r })
	}
	// Once the particle has expired everywhere, the reapers forget it
	// and end.
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	for _, n := range all {
		eventually(t, "reaped", func() bool { _, r := running(n); return !r })
		n.mu.Lock()
		left := len(n.actors)
		n.mu.Unlock()
		if left != 0 {
			t.Errorf("a node without a reaper holds %d particles", left)
		}
	}
}

// TestCallResultWakesANode checks that a call's result is interpreted
// when it comes back after every worker has ended.
func TestCallResultWakesANode(t *testing.T) {
	release := make(chan struct{})
	client, nodes, _ := networkWith(t, 1, func(c *Config) {
		c.Services = serviceMap{"slow": {"wait": func(ctx context.Context, _ *builtin.Call) (any, error) {
			select {
			case <-release:
				return "late", nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}}}
	})
	for _, n := range []*Node{client, nodes[0]} {
		n.loops.idle = 10 * time.Millisecond
	}
	relay := nodes[0].ID()
	const slow = `(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (call -relay- ("slow" "wait") [] r)
 )
 (call %init_peer_id% ("callbackSrv" "response") [r])
)`
	done := startFunction(t, client, relay, slow, nil)
	eventually(t, "waiting with no worker", func() bool {
		w, _ := running(nodes[0])
		return w == 0 && nodes[0].Load().ServiceCalls == 1
	})
	close(release)
	select {
	case a := <-done:
		if a.err != nil || builtin.Stringify(a.res) != `["late"]` {
			t.Errorf("result %v, %v", a.res, a.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call's result was never interpreted")
	}
}

// TestWorkersComeAndGo runs particles while workers end as soon as they
// are idle, so that every particle and call result meets workers
// starting and ending: none may be left in a queue no worker takes.
func TestWorkersComeAndGo(t *testing.T) {
	client, nodes, _ := network(t, 2)
	for _, n := range []*Node{client, nodes[0], nodes[1]} {
		n.loops.idle = time.Microsecond
	}
	var answers []<-chan answer
	for i := range 20 {
		key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{100}, 32))
		p := particle.New(fmt.Sprintf("particle-%s-%d", t.Name(), i), client.ID(), script(t, "onPeer"), testClock, 10*time.Second)
		if err := p.Sign(key); err != nil {
			t.Fatal(err)
		}
		done := make(chan answer, 1)
		relay := nodes[0].ID()
		scope(client, p.ID, map[string]builtin.Service{
			"getDataSrv": {
				"-relay-": func(context.Context, *builtin.Call) (any, error) { return string(relay), nil },
				"p":       func(context.Context, *builtin.Call) (any, error) { return string(nodes[1].ID()), nil },
			},
			"callbackSrv": {"response": func(_ context.Context, c *builtin.Call) (any, error) {
				done <- answer{res: c.Args}
				return nil, nil
			}},
			"errorHandlingSrv": {"error": func(_ context.Context, c *builtin.Call) (any, error) {
				done <- answer{err: fmt.Errorf("%s", builtin.Stringify(c.Args))}
				return nil, nil
			}},
		})
		client.Deliver(client.ID(), p)
		answers = append(answers, done)
	}
	for i, done := range answers {
		select {
		case a := <-done:
			if a.err != nil {
				t.Errorf("particle %d: %v", i, a.err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("particle %d never answered", i)
		}
	}
}
