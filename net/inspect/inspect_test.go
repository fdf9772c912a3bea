package inspect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
)

func key(seed byte) peer.PrivateKey {
	k, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	return k
}

// startNode starts a node that allows the peers of allowed to inspect
// it, or serves no inspection at all when serve is false.
func startNode(t *testing.T, serve bool, allowed ...peer.ID) *nodehost.Peer {
	t.Helper()
	events := trace.NewLog(1000)
	n, err := nodehost.Start(nodehost.Config{Key: key(1), Network: "inspect-test", Events: events, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	if serve {
		Serve(n.Libp2p(), Config{Allowed: allowed, Events: events, Info: func() Info {
			return Info{PeerID: n.ID(), Version: "test", Connected: n.Peers()}
		}})
	}
	return n
}

func addr(n *nodehost.Peer) string { return n.Addrs()[0].String() }

func TestAttachRunsAndFollows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	allowed := key(2)
	n := startNode(t, true, peer.IDOf(allowed))
	s, err := Attach(ctx, addr(n), allowed, AttachConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Info().PeerID != n.ID() {
		t.Errorf("attached to %s, want %s", s.Info().PeerID, n.ID())
	}
	peers, err := s.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(peers) != 2 || peers[0].Role != session.RoleRelay || peers[0].ID != n.ID() || peers[1].Role != session.RoleClient {
		t.Errorf("peers %+v", peers)
	}

	script, err := os.ReadFile("../../core/air/testdata/onPeer.air")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Run(ctx, session.Call{Script: string(script), Args: map[string]json.RawMessage{"p": json.RawMessage(`"` + string(n.ID()) + `"`)}})
	if err != nil {
		t.Fatal(err)
	}
	// The node's own events of the particle arrive in the session's log:
	// it ran Peer.timestamp_ms there.
	sub := s.Events().Subscribe()
	defer sub.Close()
	for !sawCall(s.Events(), n.ID(), res.ParticleID, "timestamp_ms") {
		select {
		case <-sub.C():
		case <-ctx.Done():
			t.Fatal("the node's call never reached the session's events")
		}
	}
}

func sawCall(log *trace.Log, at peer.ID, particle, function string) bool {
	evs, _ := log.Since(0, 100_000)
	for _, e := range evs {
		if e.Kind == trace.CallFinished && e.Peer == at && e.Particle == particle && e.Function == function {
			return true
		}
	}
	return false
}

func TestAttachRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stranger := key(3)
	tests := []struct {
		name  string
		serve bool
		want  string
	}{
		{"peer not allowed", true, "may not inspect this node: start the node with --allow-inspect " + string(peer.IDOf(stranger))},
		{"inspection not served", false, "inspection not served: " + string(peer.IDOf(key(1))) + " does not serve /aquarium/inspect/1.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := startNode(t, tt.serve, peer.IDOf(key(2)))
			s, err := Attach(ctx, addr(n), stranger, AttachConfig{})
			if err == nil {
				s.Close()
				t.Fatal("attached")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if refused := errors.Is(err, ErrRefused); refused != tt.serve {
				t.Errorf("errors.Is(err, ErrRefused) = %v", refused)
			}
			if notServed := errors.Is(err, ErrNotServed); notServed == tt.serve {
				t.Errorf("errors.Is(err, ErrNotServed) = %v", notServed)
			}
		})
	}
}

func TestFollowSendsHistoryThenLive(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	allowed := key(2)
	n := startNode(t, true, peer.IDOf(allowed))
	for i := range 3 {
		n.Events().Append(trace.Event{Kind: trace.ServiceLog, Particle: "old", Result: string(rune('a' + i))})
	}
	s, err := Attach(ctx, addr(n), allowed, AttachConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n.Events().Append(trace.Event{Kind: trace.ServiceLog, Particle: "new", Result: "d"})
	sub := s.Events().Subscribe()
	defer sub.Close()
	for {
		var got []string
		evs, _ := s.Events().Since(0, 100)
		for _, e := range evs {
			if e.Kind == trace.ServiceLog {
				got = append(got, e.Result)
			}
		}
		if strings.Join(got, "") == "abcd" {
			return
		}
		select {
		case <-sub.C():
		case <-ctx.Done():
			t.Fatalf("followed %q, want abcd", strings.Join(got, ""))
		}
	}
}

func TestReadRequest(t *testing.T) {
	tests := []struct {
		in   string
		want request
		err  string
	}{
		{in: `{"op":"info"}`, want: request{Op: "info"}},
		{in: `{"op":"events","from":7}` + "\n", want: request{Op: "events", From: 7}},
		{in: `{"op":"dump"}`, err: `unknown request "dump": want info or events`},
		{in: `{"op":`, err: "bad request: unexpected EOF"},
		{in: `{"op":"info","pad":"` + strings.Repeat("x", maxRequest) + `"}`, err: "bad request"},
	}
	for _, tt := range tests {
		got, err := readRequest(strings.NewReader(tt.in))
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("readRequest(%.30q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("readRequest(%.30q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzReadRequest(f *testing.F) {
	f.Add([]byte(`{"op":"info"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := readRequest(bytes.NewReader(b))
		if err == nil && req.Op != "info" && req.Op != "events" {
			t.Fatalf("accepted op %q", req.Op)
		}
	})
}
