package devnet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
)

// TestStepThroughOnPeerVia steps a particle of `on p via r` (compiled by
// the reference compiler: testdata/onPeerVia.aqua) through the paused
// network one interpretation at a time, checks the peer and instruction
// of every stop, then steps back through the recording and finds the data
// it saw at each stop.
func TestStepThroughOnPeerVia(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: 11, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	script, err := os.ReadFile("testdata/onPeerVia.air")
	if err != nil {
		t.Fatal(err)
	}
	nodes := s.Network().Nodes()
	relay, r, p := nodes[0], nodes[1], nodes[2]
	names := map[peer.ID]string{relay.ID(): "relay", r.ID(): "r", p.ID(): "p", s.Client().ID(): "client"}
	keys := map[peer.ID]ed25519.PrivateKey{}
	for _, q := range append(nodes, s.Client()) {
		keys[q.ID()] = ed25519.NewKeyFromSeed(q.Key.Raw())
	}

	s.Pause()
	type result struct {
		res *session.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := s.Run(ctx, session.Call{Script: string(script), TTL: time.Minute, Args: map[string]json.RawMessage{
			"p": raw(`"` + string(p.ID()) + `"`), "r": raw(`"` + string(r.ID()) + `"`),
		}})
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
	var stops []session.Stop
	var rendered []string
	for i := range want {
		stop, err := s.Step(ctx)
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		h := stop.Hop
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

// TestBreakpointOnPeer runs the same function with a breakpoint on p and
// finds the network paused after p's first hop.
func TestBreakpointOnPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: 12, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	script, err := os.ReadFile("testdata/onPeerVia.air")
	if err != nil {
		t.Fatal(err)
	}
	nodes := s.Network().Nodes()
	r, p := nodes[1], nodes[2]
	s.SetBreakpoints([]session.Breakpoint{{Kind: debug.OnCall, Service: "peer", Function: "timestamp_ms"}})
	changes, unsubscribe := s.Subscribe()
	defer unsubscribe()
	go func() {
		_, _ = s.Run(ctx, session.Call{Script: string(script), TTL: time.Minute, Args: map[string]json.RawMessage{
			"p": raw(`"` + string(p.ID()) + `"`), "r": raw(`"` + string(r.ID()) + `"`),
		}})
	}()
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
