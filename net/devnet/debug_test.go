package devnet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
)

// viaNetwork starts a local network of three nodes whose keys derive from
// seed, and returns it with a function that runs testdata/onPeerVia.air
// (p is node 2, r node 1) from its client, under particle id if one is
// given. The network closes with the test.
func viaNetwork(ctx context.Context, t *testing.T, seed uint64) (*Session, func(id string) (*session.Result, error)) {
	t.Helper()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: seed, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	script, err := os.ReadFile("testdata/onPeerVia.air")
	if err != nil {
		t.Fatal(err)
	}
	nodes := s.Network().Nodes()
	args := map[string]json.RawMessage{"p": raw(`"` + string(nodes[2].ID()) + `"`), "r": raw(`"` + string(nodes[1].ID()) + `"`)}
	return s, func(id string) (*session.Result, error) {
		return s.Run(ctx, session.Call{Script: string(script), TTL: time.Minute, ParticleID: id, Args: args})
	}
}

// TestStepThroughOnPeerVia steps a particle of `on p via r` (compiled by
// the reference compiler: testdata/onPeerVia.aqua) through the paused
// network one interpretation at a time, stepping over p's call, checks
// the peer, instruction and variables of every stop, then steps back
// through the recording and finds the data it saw at each stop.
func TestStepThroughOnPeerVia(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, run := viaNetwork(ctx, t, 11)
	nodes := s.Network().Nodes()
	relay, r, p := nodes[0], nodes[1], nodes[2]
	names := map[peer.ID]string{relay.ID(): "relay", r.ID(): "r", p.ID(): "p", s.Client().ID(): "client"}
	keys := map[peer.ID]ed25519.PrivateKey{}
	for i, q := range nodes {
		keys[q.ID()] = ed25519.NewKeyFromSeed(deriveKey(11, uint64(i)).Raw())
	}
	keys[s.Client().ID()] = ed25519.NewKeyFromSeed(clientKey(11, 0).Raw())

	s.Pause()
	type result struct {
		res *session.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := run("")
		done <- result{res, err}
	}()

	// Each stop: the peer, then each instruction it stopped at.
	want := []string{
		`client: call #1 (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)`,
		`client: call #2 (call %init_peer_id% ("getDataSrv" "p") [] -p-arg-)`,
		`client: call #3 (call %init_peer_id% ("getDataSrv" "r") [] -r-arg-)`,
		`client: send relay (canon -relay- $-hop-  #-hopc-)`,
		`relay: send r (canon -r-arg- $-hop-  #-hopc-)`,
		`r: send p (call -p-arg- ("peer" "timestamp_ms") [] ret)`,
		`p: call #1 (call -p-arg- ("peer" "timestamp_ms") [] ret)`,
		`p: send r (canon -r-arg- $-hop-  #-hopc-)`,
		`r: send relay (canon -relay- $-hop-  #-hopc-)`,
		`relay: send client (call %init_peer_id% ("callbackSrv" "response") [ret])`,
		`client: call #4 (call %init_peer_id% ("callbackSrv" "response") [ret])`,
	}
	// The variables the script could see at each stop, peers by name,
	// streams by their count of generations.
	wantVars := []string{
		``,
		`-relay-=relay`,
		`-p-arg-=p -relay-=relay`,
		`$-hop-=0gens -p-arg-=p -r-arg-=r -relay-=relay`,
		`$-hop-=0gens -p-arg-=p -r-arg-=r -relay-=relay`,
		`-p-arg-=p -r-arg-=r -relay-=relay`,
		`-p-arg-=p -r-arg-=r -relay-=relay`,
		`$-hop-=0gens -p-arg-=p -r-arg-=r -relay-=relay ret=number`,
		`$-hop-=0gens -p-arg-=p -r-arg-=r -relay-=relay ret=number`,
		`-p-arg-=p -r-arg-=r -relay-=relay ret=number`,
		`-p-arg-=p -r-arg-=r -relay-=relay ret=number`,
	}
	var stops []session.Stop
	var rendered []string
	for i := range want {
		// Stop 7 follows one that asked for no call: stepping over it is
		// a step. Stop 8 follows p's call of peer.timestamp_ms: stepping
		// over it stops where its result comes back.
		step := s.Step
		if i == 6 || i == 7 {
			step = s.StepOver
		}
		stop, err := step(ctx)
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		h := stop.Hop
		if i == 7 {
			if _, ok := h.Results[1]; !ok || h.Peer != p.ID() {
				t.Errorf("stepped over p's call to hop #%d at %s with results %v", h.Seq, names[h.Peer], h.Results)
			}
		}
		if got := scopeSummary(t, h, names); got != wantVars[i] {
			t.Errorf("stop %d: variables\n got %s\nwant %s", i+1, got, wantVars[i])
		}
		got := names[h.Peer] + ":"
		for _, st := range h.Outcome.Stops {
			text := h.Particle.Script[st.Span.Start:st.Span.End]
			switch st.Kind {
			case avm.StopCall:
				got += fmt.Sprintf(" call #%d %s", st.CallID, text)
			case avm.StopSend:
				got += fmt.Sprintf(" send %s %s", names[peer.ID(st.Peer)], text)
			default:
				got += fmt.Sprintf(" %s %s", st.Kind, text)
			}
		}
		if got != want[i] {
			t.Errorf("stop %d:\n got %s\nwant %s", i+1, got, want[i])
		}
		if err := h.Check(keys[h.Peer]); err != nil {
			t.Errorf("stop %d: %v", i+1, err)
		}
		var b bytes.Buffer
		if err := debug.Render(&b, h, func(id peer.ID) string { return names[id] }); err != nil {
			t.Fatal(err)
		}
		stops = append(stops, stop)
		rendered = append(rendered, b.String())
	}
	// The last stop asked the client for callbackSrv.response: the
	// function has its result, and the particle ran on three peers
	// besides the client's relay.
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatal(res.err)
		}
		if len(res.res.Values) != 1 {
			t.Fatalf("result %v", res.res.Values)
		}
	case <-ctx.Done():
		t.Fatal("no result after the last step")
	}
	if !strings.Contains(rendered[6], "peer.timestamp_ms()") {
		t.Errorf("p's stop does not show the call:\n%s", rendered[6])
	}

	// Back through the recording, the same hops and the same data.
	if _, ok := s.Current(); !ok {
		t.Fatal("no current stop")
	}
	for i := len(stops) - 2; i >= 0; i-- {
		stop, ok := s.Back()
		if !ok {
			t.Fatalf("no step back to stop %d", i+1)
		}
		if stop.Hop != stops[i].Hop {
			t.Fatalf("back to hop #%d, want #%d", stop.Hop.Seq, stops[i].Hop.Seq)
		}
		var b bytes.Buffer
		if err := debug.Render(&b, stop.Hop, func(id peer.ID) string { return names[id] }); err != nil {
			t.Fatal(err)
		}
		if b.String() != rendered[i] {
			t.Errorf("stop %d looks different going back:\n%s\nwas:\n%s", i+1, b.String(), rendered[i])
		}
	}
	if _, ok := s.Back(); ok {
		t.Error("a step back before the first hop")
	}
	if stop, ok := s.Forward(); !ok || stop.Hop != stops[1].Hop {
		t.Error("forward from the first hop is not the second")
	}
	s.Continue()
}

// scopeSummary re-runs h and lists the variables at its stops: name=value
// with peers by name, numbers as "number", streams by their count of
// generations; stops apart by " | ".
func scopeSummary(t *testing.T, h *session.Hop, names map[peer.ID]string) string {
	t.Helper()
	scopes, err := h.Scopes()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sc := range scopes {
		var vars []string
		for _, v := range sc.Variables {
			val := string(v.Value)
			var str string
			var num float64
			switch {
			case v.Kind == avm.VarStream:
				val = fmt.Sprintf("%dgens", len(v.Generations))
			case json.Unmarshal(v.Value, &str) == nil && names[peer.ID(str)] != "":
				val = names[peer.ID(str)]
			case json.Unmarshal(v.Value, &num) == nil:
				val = "number"
			}
			vars = append(vars, v.Name+"="+val)
		}
		out = append(out, strings.Join(vars, " "))
	}
	return strings.Join(out, " | ")
}

// TestStepOverPassesOtherParticles runs the function twice on the paused
// network, steps the first particle to its first call and steps over it:
// the other particle, held before the call's result came back, runs on
// the way, and the step over stops at the hop that takes the result.
func TestStepOverPassesOtherParticles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, run := viaNetwork(ctx, t, 13)
	s.Pause()
	changes, unsubscribe := s.Subscribe()
	defer unsubscribe()
	for _, id := range []string{"first", "second"} {
		go func() { _, _ = run(id) }()
	}
	for len(s.Pending()) < 2 {
		select {
		case <-changes:
		case <-ctx.Done():
			t.Fatal("the two particles were not held")
		}
	}
	first, err := s.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Hop.Outcome.CallRequests) != 1 {
		t.Fatalf("the first hop asks for %d calls, want 1", len(first.Hop.Outcome.CallRequests))
	}
	before := s.Recording().Len()
	stop, err := s.StepOver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := stop.Hop
	if h.Particle.ID != first.Hop.Particle.ID || h.Peer != first.Hop.Peer || len(h.Results) != 1 {
		t.Errorf("stepped over to %s at %s with %d results, want %s at the client with the call's result",
			h.Particle.ID, h.Peer.ShortString(), len(h.Results), first.Hop.Particle.ID)
	}
	// The other particle was held first, so its hop runs first; how many
	// of its hops run before the call's result is back depends on how
	// fast the services answer, but the step over ends with the hop that
	// takes the result.
	var ran []string
	for _, o := range s.Recording().Hops()[before:] {
		ran = append(ran, o.Particle.ID)
	}
	others := ran[:max(len(ran)-1, 0)]
	if len(ran) < 2 || ran[len(ran)-1] != h.Particle.ID || slices.Contains(others, h.Particle.ID) {
		t.Errorf("stepping over ran %v, want hops of the other particle, then %s's", ran, h.Particle.ID)
	}
	if cur, _ := s.Current(); cur.Hop != h {
		t.Error("the step over is not the current stop")
	}
	s.Continue()
}

// TestBreakpointOnPeer runs the same function with a breakpoint on p and
// finds the network paused after p's first hop.
func TestBreakpointOnPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, run := viaNetwork(ctx, t, 12)
	p := s.Network().Nodes()[2]
	s.SetBreakpoints([]session.Breakpoint{{Kind: debug.OnCall, Service: "peer", Function: "timestamp_ms"}})
	changes, unsubscribe := s.Subscribe()
	defer unsubscribe()
	go func() { _, _ = run("") }()
	for !s.Paused() {
		select {
		case <-changes:
		case <-ctx.Done():
			t.Fatal("the breakpoint was not hit")
		}
	}
	stop, ok := s.Current()
	if !ok || stop.Hit == nil || stop.Hop.Peer != p.ID() {
		t.Fatalf("stopped at %+v", stop)
	}
	if req := stop.Hop.Outcome.CallRequests[1]; req.ServiceID != "peer" || req.FunctionName != "timestamp_ms" {
		t.Errorf("stopped hop asks for %s.%s", req.ServiceID, req.FunctionName)
	}
	s.Continue()
}
