package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Interpreters choose what runs the scripts of each peer of a network.
// Nil, for the client or for a peer, leaves core/avm there (node's
// default), so the zero value is the native network.
type Interpreters struct {
	// Client runs the client's scripts.
	Client node.Interpreter
	// Peer, if set, gives the interpreter of $PEERi, for i from 0 to
	// Peers-1.
	Peer func(i int) node.Interpreter
}

func (in Interpreters) peer(i int) node.Interpreter {
	if in.Peer == nil {
		return nil
	}
	return in.Peer(i)
}

// Network is a client and Peers nodes in memory, with the services of
// the corpus's services.mjs, in the topology of the reference's
// ephemeral network: the nodes reach one another, and the client reaches
// $PEER0, its relay, only.
type Network struct {
	Client *node.Node
	Nodes  []*node.Node
	key    peer.PrivateKey // the client's
	scope  *clientScope    // the client's
}

// NewNetwork starts a network whose nodes stop when t's test ends.
func NewNetwork(t testing.TB, in Interpreters) *Network {
	t.Helper()
	mem := memnet.New()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait(); mem.Close() })
	start := func(seed byte, interp node.Interpreter, scope node.Scope) (*node.Node, peer.PrivateKey) {
		key := keyOf(t, seed)
		id := peer.IDOf(key)
		nd, err := node.New(node.Config{Key: key, Transport: mem.Transport(id), Services: whoami(id),
			Scope: scope, Interpreter: interp})
		if err != nil {
			t.Fatal(err)
		}
		mem.Add(id, nd)
		wg.Go(func() { _ = nd.Run(ctx) })
		return nd, key
	}
	n := &Network{scope: &clientScope{}}
	n.Client, n.key = start(100, in.Client, n.scope)
	for i := range Peers {
		nd, _ := start(byte(i+1), in.peer(i), nil)
		n.Nodes = append(n.Nodes, nd)
	}
	// A particle a node sends straight to the client (or the client to a
	// node other than its relay) is dropped there, as on the reference's
	// network.
	for _, nd := range n.Nodes[1:] {
		mem.Partition(n.Client.ID(), nd.ID())
	}
	return n
}

// keyOf is the key of the client (seed 100) or of node i (seed i+1).
func keyOf(t testing.TB, seed byte) peer.PrivateKey {
	t.Helper()
	key, err := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// Run runs a case's script from the client as particle id, with the
// corpus's services and extra on the client (extra's functions added to
// or replacing theirs), and returns its outcome with peer ids replaced by
// their placeholders. It runs one particle: a network serves one case.
func (n *Network) Run(t testing.TB, c Case, script, id string, extra map[string]builtin.Service) Outcome {
	t.Helper()
	raw := c.Args
	if c.RawArgs != nil {
		raw = c.RawArgs
	}
	args := map[string]any{}
	for name, v := range raw {
		decoded, err := builtin.DecodeArgs(append(append([]byte{'['}, v...), ']'))
		if err != nil {
			t.Fatalf("argument %s: %v", name, err)
		}
		args[name] = substitutePeers(jsNumbers(decoded[0]), n.resolve)
	}
	done := make(chan Outcome, 1)
	p := particle.New(id, n.Client.ID(), script, time.Now(), c.ParticleTTL())
	if err := p.Sign(n.key); err != nil {
		t.Fatal(err)
	}
	services := n.clientServices(args, done)
	for id, fns := range extra {
		if services[id] == nil {
			services[id] = builtin.Service{}
		}
		maps.Copy(services[id], fns)
	}
	n.scope.set(p.ID, services)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { watchInterpreter(ctx, n.Client, p.ID, done) })
	n.Client.Deliver(n.Client.ID(), p)

	var got Outcome
	select {
	case got = <-done:
	case <-time.After(c.ParticleTTL() + time.Second):
		got = Outcome{Error: fmt.Sprintf("Particle expired after ttl of %dms", c.ParticleTTL().Milliseconds()), Type: "ExpirationError"}
	}
	ids := n.placeholders()
	if got.OK != nil {
		got.OK = json.RawMessage(replacePeerIDs(string(got.OK), ids))
	}
	if got.Details != nil {
		got.Details = json.RawMessage(replacePeerIDs(string(got.Details), ids))
	}
	got.Error = replacePeerIDs(got.Error, ids)
	return got
}

// placeholders maps peer ids to the names the corpus uses for them.
func (n *Network) placeholders() map[string]string {
	m := map[string]string{string(n.Client.ID()): "$CLIENT"}
	for i, nd := range n.Nodes {
		m[string(nd.ID())] = fmt.Sprintf("$PEER%d", i)
	}
	return m
}

// resolve gives the peer id a placeholder names.
func (n *Network) resolve(name string) (string, bool) {
	switch {
	case name == "$CLIENT":
		return string(n.Client.ID()), true
	case name == "$RELAY":
		return string(n.Nodes[0].ID()), true
	case strings.HasPrefix(name, "$PEER"):
		i, err := strconv.Atoi(name[len("$PEER"):])
		if err != nil || i < 0 || i >= len(n.Nodes) {
			return "", false
		}
		return string(n.Nodes[i].ID()), true
	}
	return "", false
}

// clientScope serves the services the client gives each particle it
// starts.
type clientScope struct {
	mu       sync.Mutex
	services map[string]map[string]builtin.Service // by particle id
}

func (s *clientScope) set(particleID string, services map[string]builtin.Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.services == nil {
		s.services = map[string]map[string]builtin.Service{}
	}
	s.services[particleID] = services
}

func (s *clientScope) Lookup(particleID, service, function string) (builtin.Func, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.services[particleID][service][function]
	return f, ok
}

func (s *clientScope) Completed(string) {}

// serviceTable serves deployed services from a map.
type serviceTable map[string]builtin.Service

func (s serviceTable) Lookup(service, function string) (builtin.Func, bool) {
	f, ok := s[service][function]
	return f, ok
}

// whoami answers the id of the peer it runs on.
func whoami(id peer.ID) serviceTable {
	return serviceTable{"whoami": {"id": func(context.Context, *builtin.Call) (any, error) { return string(id), nil }}}
}

// clientServices are the services of services.mjs on the client, for
// one particle: failing, greeter, kv and kv2, whoami, the arrow argument
// cb, and the wrapper's getDataSrv, callbackSrv.response and
// errorHandlingSrv.error, which report to done.
func (n *Network) clientServices(args map[string]any, done chan<- Outcome) map[string]builtin.Service {
	report := func(o Outcome) { reportOnce(done, o) }
	str := func(c *builtin.Call, i int) string {
		if i < len(c.Args) {
			if s, ok := c.Args[i].(string); ok {
				return s
			}
		}
		return ""
	}
	var mu sync.Mutex
	store := map[string]string{}
	kv := func(id string) builtin.Service {
		return builtin.Service{
			"put": func(_ context.Context, c *builtin.Call) (any, error) {
				mu.Lock()
				defer mu.Unlock()
				store[id+"/"+str(c, 0)] = str(c, 1)
				return nil, nil
			},
			"get": func(_ context.Context, c *builtin.Call) (any, error) {
				mu.Lock()
				defer mu.Unlock()
				if v, ok := store[id+"/"+str(c, 0)]; ok {
					return []any{v}, nil
				}
				return []any{}, nil
			},
		}
	}
	data := builtin.Service{"-relay-": func(context.Context, *builtin.Call) (any, error) { return string(n.Nodes[0].ID()), nil }}
	for name, v := range args {
		data[name] = func(context.Context, *builtin.Call) (any, error) { return v, nil }
	}
	return map[string]builtin.Service{
		"getDataSrv": data,
		"callbackSrv": {
			"response": func(_ context.Context, c *builtin.Call) (any, error) {
				var res any = c.Args
				switch len(c.Args) {
				case 0:
					res = nil
				case 1:
					res = c.Args[0]
				}
				report(Outcome{OK: json.RawMessage(builtin.Stringify(res))})
				return nil, nil
			},
			"cb": func(_ context.Context, c *builtin.Call) (any, error) { return strings.ToUpper(str(c, 0)), nil },
		},
		"errorHandlingSrv": {"error": func(_ context.Context, c *builtin.Call) (any, error) {
			o := Outcome{Error: builtin.Stringify(c.Args)}
			if len(c.Args) > 0 {
				o.Details = json.RawMessage(builtin.Stringify(c.Args[0]))
				if m, ok := c.Args[0].(map[string]any); ok {
					if s, ok := m["message"].(string); ok {
						o.Error = s
					}
				}
			}
			report(o)
			return nil, nil
		}},
		"failing": {
			"fail": func(_ context.Context, c *builtin.Call) (any, error) { return nil, errors.New("boom: " + str(c, 0)) },
			"ok":   func(_ context.Context, c *builtin.Call) (any, error) { return "ok: " + str(c, 0), nil },
		},
		"greeter": {"greet": func(_ context.Context, c *builtin.Call) (any, error) {
			if loud, _ := c.Args[1].(bool); loud {
				return strings.ToUpper(str(c, 0)) + "!", nil
			}
			return "hello, " + str(c, 0), nil
		}},
		"kv":     kv("kv"),
		"kv2":    kv("kv2"),
		"whoami": whoami(n.Client.ID())["whoami"],
	}
}

// reportOnce sends o unless an outcome was sent already: only the first
// counts.
func reportOnce(done chan<- Outcome, o Outcome) {
	select {
	case done <- o:
	default:
	}
}

// watchInterpreter reports a failed interpretation of the particle on
// the client, which the reference client turns into the call's error,
// until ctx ends.
func watchInterpreter(ctx context.Context, client *node.Node, particleID string, done chan<- Outcome) {
	sub := client.Events().Subscribe()
	defer sub.Close()
	next := uint64(1)
	for {
		evs, _ := client.Events().Since(next, 1000)
		for _, e := range evs {
			next = e.Seq + 1
			if e.Kind == trace.Interpreted && e.Particle == particleID && e.RetCode != 0 {
				reportOnce(done, Outcome{Error: "Script interpretation failed: " + e.Err, Type: "InterpreterError"})
				return
			}
		}
		select {
		case <-sub.C():
		case <-ctx.Done():
			return
		}
	}
}

// substitutePeers replaces placeholder strings anywhere in v.
func substitutePeers(v any, resolve func(string) (string, bool)) any {
	switch v := v.(type) {
	case string:
		if id, ok := resolve(v); ok {
			return id
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = substitutePeers(e, resolve)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = substitutePeers(e, resolve)
		}
		return out
	}
	return v
}

// jsNumbers rewrites the numbers in v as the reference client sends them:
// JavaScript has only doubles, so 3.0 goes out as 3 and the interpreter
// sees an integer.
func jsNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		if err == nil && f == math.Trunc(f) && math.Abs(f) < 1e21 && strings.ContainsAny(string(v), ".eE") {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = jsNumbers(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = jsNumbers(e)
		}
	}
	return v
}

// replacePeerIDs replaces every peer id in s (inside strings too, as in
// "at 12D3Koo...") by its placeholder.
func replacePeerIDs(s string, ids map[string]string) string {
	for id, name := range ids {
		s = strings.ReplaceAll(s, id, name)
	}
	return s
}
