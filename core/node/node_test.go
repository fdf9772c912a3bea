package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

var testClock = time.UnixMilli(1_700_000_000_000)

// testScope serves the services a test client gives the particles it
// starts.
type testScope struct {
	mu       sync.Mutex
	services map[string]map[string]builtin.Service // by particle id
}

func (s *testScope) Lookup(particleID, service, function string) (builtin.Func, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.services[particleID][service][function]
	return f, ok
}

func (s *testScope) Completed(string) {}

// scope gives one particle services on client, a node a test network
// started.
func scope(client *Node, particleID string, services map[string]builtin.Service) {
	s := client.cfg.Scope.(*testScope)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.services == nil {
		s.services = map[string]map[string]builtin.Service{}
	}
	s.services[particleID] = services
}

// network starts n nodes and a client on one shared event log.
func network(t testing.TB, n int) (client *Node, nodes []*Node, events *trace.Log) {
	t.Helper()
	return networkWith(t, n, nil)
}

// networkWith is network with each node's config adjusted by configure.
func networkWith(t testing.TB, n int, configure func(*Config)) (client *Node, nodes []*Node, events *trace.Log) {
	t.Helper()
	net := memnet.New()
	events = trace.NewLog(100_000)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait(); net.Close() })
	start := func(seed byte) *Node {
		key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
		id := peer.IDOf(key)
		cfg := Config{
			Key: key, Transport: net.Transport(id), Events: events, Scope: &testScope{},
			Now:      func() time.Time { return testClock },
			Builtins: builtin.New(builtin.Env{Host: id, Key: key, Now: func() time.Time { return testClock.Add(time.Duration(seed) * time.Millisecond) }}),
		}
		if configure != nil {
			configure(&cfg)
		}
		nd, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		net.Add(id, nd)
		wg.Go(func() { nd.Run(ctx) })
		return nd
	}
	client = start(100)
	for i := range n {
		nodes = append(nodes, start(byte(i+1)))
	}
	return client, nodes, events
}

type answer struct {
	res []any
	err error
}

// runFunction runs a compiled function from the client with the given
// arguments and waits for its response or error.
func runFunction(t *testing.T, client *Node, relay peer.ID, script string, args map[string]any) (result []any, err error) {
	t.Helper()
	select {
	case a := <-startFunction(t, client, relay, script, args):
		return a.res, a.err
	case <-time.After(10 * time.Second):
		t.Fatal("no response")
	}
	return nil, nil
}

// startFunction starts a compiled function on the client, as the Aqua
// wrapper expects: getDataSrv answers the relay and the arguments,
// callbackSrv and errorHandlingSrv take the outcome.
func startFunction(t *testing.T, client *Node, relay peer.ID, script string, args map[string]any) <-chan answer {
	t.Helper()
	done := make(chan answer, 1)
	scoped := map[string]builtin.Service{
		"getDataSrv": {},
		"callbackSrv": {"response": func(_ context.Context, c *builtin.Call) (any, error) {
			done <- answer{res: c.Args}
			return nil, nil
		}},
		"errorHandlingSrv": {"error": func(_ context.Context, c *builtin.Call) (any, error) {
			done <- answer{err: fmt.Errorf("%s", builtin.Stringify(c.Args))}
			return nil, nil
		}},
	}
	scoped["getDataSrv"]["-relay-"] = func(context.Context, *builtin.Call) (any, error) { return string(relay), nil }
	for name, v := range args {
		scoped["getDataSrv"][name] = func(context.Context, *builtin.Call) (any, error) { return v, nil }
	}
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{100}, 32))
	p := particle.New("particle-"+t.Name(), client.ID(), script, testClock, 10*time.Second)
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	scope(client, p.ID, scoped)
	client.Deliver(client.ID(), p)
	return done
}

func script(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../air/testdata/" + name + ".air")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLocalCall(t *testing.T) {
	client, nodes, _ := network(t, 1)
	res, err := runFunction(t, client, nodes[0].ID(), script(t, "greet"), map[string]any{"name": "Aqua"})
	if err != nil {
		t.Fatal(err)
	}
	if got := builtin.Stringify(res); got != `["HelloAqua"]` {
		t.Errorf("result %s", got)
	}
}

func TestOnPeerViaRelay(t *testing.T) {
	client, nodes, events := network(t, 3)
	// onPeer(p) runs Peer.timestamp_ms on p; each node's clock is offset by
	// its seed, so the result says which node ran the call.
	res, err := runFunction(t, client, nodes[0].ID(), script(t, "onPeer"), map[string]any{"p": string(nodes[2].ID())})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := builtin.Stringify(res), fmt.Sprintf("[%d]", testClock.UnixMilli()+3); got != want {
		t.Errorf("result %s, want %s", got, want)
	}
	// The particle went client -> relay -> p -> relay -> client.
	var hops []string
	evs, _ := events.Since(0, 100_000)
	name := map[peer.ID]string{client.ID(): "client", nodes[0].ID(): "relay", nodes[2].ID(): "p"}
	for _, e := range evs {
		// Arrivals are causally ordered; Sent events are not, as each
		// send reports when its transport returns.
		if e.Kind == trace.Received && e.From != e.Peer {
			hops = append(hops, name[e.From]+">"+name[e.Peer])
		}
	}
	if got := strings.Join(hops, " "); got != "client>relay relay>p p>relay relay>client" {
		t.Errorf("hops %s", got)
	}
}

func TestParallelPeersJoin(t *testing.T) {
	client, nodes, _ := network(t, 4)
	ps := []any{string(nodes[1].ID()), string(nodes[2].ID()), string(nodes[3].ID())}
	res, err := runFunction(t, client, nodes[0].ID(), script(t, "parallelPeers"), map[string]any{"ps": ps})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	raw, _ := json.Marshal(res[0])
	if err := json.Unmarshal(raw, &got); err != nil || len(got) != 3 {
		t.Fatalf("result %s", raw)
	}
	seen := map[int64]bool{}
	for _, ts := range got {
		seen[ts-testClock.UnixMilli()] = true
	}
	if !seen[2] || !seen[3] || !seen[4] {
		t.Errorf("timestamps %v do not come from nodes 2, 3 and 4", got)
	}
}

func TestUnreachablePeerIsReported(t *testing.T) {
	client, nodes, events := network(t, 1)
	const nowhere = "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx"
	sub := events.Subscribe()
	defer sub.Close()
	startFunction(t, client, nodes[0].ID(), script(t, "errorsOut"), map[string]any{"p": nowhere})
	waitEvent(t, events, sub, func(e trace.Event) bool {
		return e.Kind == trace.Dropped && e.Reason == trace.Unroutable && e.To == nowhere && e.Peer == nodes[0].ID()
	})
}

// waitEvent waits until the log holds an event matching want.
func waitEvent(t *testing.T, events *trace.Log, sub *trace.Subscription, want func(trace.Event) bool) trace.Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	next := uint64(1)
	for {
		evs, _ := events.Since(next, 1000)
		for _, e := range evs {
			if want(e) {
				return e
			}
			next = e.Seq + 1
		}
		select {
		case <-sub.C():
		case <-timeout:
			t.Fatal("event did not happen")
		}
	}
}

func TestBadSignatureAndExpiryAreDropped(t *testing.T) {
	client, _, events := network(t, 0)
	sub := events.Subscribe()
	defer sub.Close()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{100}, 32))

	forged := particle.New("forged", client.ID(), "(null)", testClock, time.Minute)
	forged.Signature = bytes.Repeat([]byte{1}, 64)
	client.Deliver(client.ID(), forged)
	waitEvent(t, events, sub, func(e trace.Event) bool {
		return e.Particle == "forged" && e.Kind == trace.Dropped && e.Reason == trace.BadSignature
	})

	old := particle.New("old", client.ID(), "(null)", testClock.Add(-time.Hour), time.Minute)
	if err := old.Sign(key); err != nil {
		t.Fatal(err)
	}
	client.Deliver(client.ID(), old)
	waitEvent(t, events, sub, func(e trace.Event) bool {
		return e.Particle == "old" && e.Kind == trace.Dropped && e.Reason == trace.TTLExpired
	})
}

func TestMissingServiceIsACallError(t *testing.T) {
	client, nodes, _ := network(t, 1)
	const air = `(xor
 (call %init_peer_id% ("nope" "f") [] x)
 (call %init_peer_id% ("errorHandlingSrv" "error") [:error: 0])
)
`
	_, err := runFunction(t, client, nodes[0].ID(), air, nil)
	if err == nil || !strings.Contains(err.Error(), `Service with id 'nope' not found (function f)`) || !strings.Contains(err.Error(), `"error_code":10000`) {
		t.Errorf("error = %v", err)
	}
}

// TestSlowCallDoesNotBlock runs a particle whose first branch waits a
// minute in peer.timeout while the other branch completes: the response
// must come long before the timer (runFunction gives up after 10s).
func TestSlowCallDoesNotBlock(t *testing.T) {
	client, nodes, _ := network(t, 1)
	const air = `(par
 (call %init_peer_id% ("peer" "timeout") [60000 "late"] slow)
 (call %init_peer_id% ("callbackSrv" "response") ["fast"])
)
`
	res, err := runFunction(t, client, nodes[0].ID(), air, nil)
	if err != nil || builtin.Stringify(res) != `["fast"]` {
		t.Fatalf("result %v, %v", res, err)
	}
}

// TestReusedSignatureIsChecked sends a particle, then one with the same id
// and signature but another script: the second must not ride on the
// first's verification.
func TestReusedSignatureIsChecked(t *testing.T) {
	client, _, events := network(t, 0)
	sub := events.Subscribe()
	defer sub.Close()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{100}, 32))
	p := particle.New("reused", client.ID(), "(never)", testClock, time.Minute)
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	client.Deliver(client.ID(), p)
	waitEvent(t, events, sub, func(e trace.Event) bool { return e.Particle == "reused" && e.Kind == trace.Interpreted })
	refuseSwappedScript(t, client, events, sub, p)
}

// TestInitiate starts a particle the way a client does: the node signs
// it, runs it without checking its own signature, and a copy with another
// script under the same signature is still refused.
func TestInitiate(t *testing.T) {
	client, _, events := network(t, 0)
	sub := events.Subscribe()
	defer sub.Close()

	stranger, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{7}, 32))
	foreign := particle.New("foreign", peer.IDOf(stranger), "(null)", testClock, time.Minute)
	if err := client.Initiate(foreign); !errors.Is(err, particle.ErrWrongKey) {
		t.Errorf("Initiate of another peer's particle = %v, want ErrWrongKey", err)
	}

	p := particle.New("initiated", client.ID(), "(never)", testClock, time.Minute)
	if err := client.Initiate(p); err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(); err != nil {
		t.Fatalf("Initiate left a bad signature: %v", err)
	}
	waitEvent(t, events, sub, func(e trace.Event) bool { return e.Particle == "initiated" && e.Kind == trace.Interpreted })

	refuseSwappedScript(t, client, events, sub, p)
}

// refuseSwappedScript delivers a copy of p with another script under p's
// signature, and waits for the node to drop it as badly signed.
func refuseSwappedScript(t *testing.T, client *Node, events *trace.Log, sub *trace.Subscription, p *particle.Particle) {
	t.Helper()
	evil := *p
	evil.Script = `(call %init_peer_id% ("run-console" "print") ["pwned"])`
	client.Deliver(client.ID(), &evil)
	waitEvent(t, events, sub, func(e trace.Event) bool {
		return e.Particle == p.ID && e.Kind == trace.Dropped && e.Reason == trace.BadSignature
	})
}

// TestImmediateResultsInOrder runs, again and again, a program whose
// result depends on the order its call results are applied in: its calls
// are all builtins that answer at once, which a node runs in the order of
// their ids and hands back together, so it answers as the reference does,
// every time.
func TestImmediateResultsInOrder(t *testing.T) {
	client, nodes, _ := network(t, 1)
	ladder := script(t, "ladder")
	for i := range 20 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			res, err := runFunction(t, client, nodes[0].ID(), ladder, map[string]any{"start": 0, "top": 3})
			if err != nil {
				t.Fatal(err)
			}
			if got := builtin.Stringify(res); got != `[[0,1,2,3]]` {
				t.Errorf("ladder(0, 3) = %s, want [[0,1,2,3]]", got)
			}
		})
	}
}
