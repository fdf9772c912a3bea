package devnet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/avmnode"
)

// loadAVM loads avm.wasm from the reference npm package, or skips.
func loadAVM(t *testing.T) *avmnode.Interpreter {
	t.Helper()
	path, err := avmnode.Find("")
	if err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	vm, err := avmnode.Load(ctx, rt, path, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vm.Close(ctx) })
	return vm
}

// TestPeersOnAVMWasm runs a function across nodes where every peer runs
// avm.wasm, and checks that the trace and the session say so.
func TestPeersOnAVMWasm(t *testing.T) {
	vm := loadAVM(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: 11,
		Interpreter: func(int, peer.ID) node.Interpreter { return vm }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := s.Network().NodeIDs()
	res := runNestedHops(ctx, t, s.Run, session.Call{TTL: 10 * time.Second}, ids)

	evs, _ := s.Events().Since(1, 100_000)
	interpreted := 0
	for _, e := range evs {
		if e.Kind == trace.Interpreted && e.Particle == res.ParticleID {
			interpreted++
			if e.Interpreter != avmnode.Name || e.RetCode != 0 {
				t.Errorf("hop %s", e)
			}
		}
	}
	if interpreted < 4 {
		t.Errorf("%d interpretations recorded, want one per hop at least", interpreted)
	}

	peers, err := s.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range peers {
		if p.Interpreter != avmnode.Name {
			t.Errorf("%s runs %q, want %s", p.Name, p.Interpreter, avmnode.Name)
		}
		if p.Role == session.RoleClient {
			continue
		}
		if !strings.HasPrefix(p.Connect, "/ip4/127.0.0.1/tcp/") || !strings.HasSuffix(p.Connect, "/ws/p2p/"+string(p.ID)) {
			t.Errorf("%s: js-client address %q, want /ip4/127.0.0.1/tcp/PORT/ws/p2p/%s", p.Name, p.Connect, p.ID)
		}
	}
}

// TestSwitchNodeToAVMWasm turns one node of a network on core/avm over to
// avm.wasm, and runs a function whose particle crosses between the two.
func TestSwitchNodeToAVMWasm(t *testing.T) {
	if _, err := avmnode.Find(""); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 3, Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := s.Network().NodeIDs()
	if err := s.SetInterpreter(ctx, ids[1], avmnode.Name); err != nil {
		t.Fatal(err)
	}
	if err := s.SetInterpreter(ctx, ids[1], "nonesuch"); err == nil {
		t.Error("SetInterpreter to an unknown interpreter succeeded")
	}
	res := runNestedHops(ctx, t, s.Run, session.Call{TTL: 20 * time.Second}, ids)
	by := map[peer.ID]map[string]bool{}
	evs, _ := s.Events().Since(1, 100_000)
	for _, e := range evs {
		if e.Kind == trace.Interpreted && e.Particle == res.ParticleID {
			if by[e.Peer] == nil {
				by[e.Peer] = map[string]bool{}
			}
			by[e.Peer][e.Interpreter] = true
		}
	}
	for i, id := range ids {
		want := node.Native
		if i == 1 {
			want = avmnode.Name
		}
		if len(by[id]) != 1 || !by[id][want] {
			t.Errorf("node%d's hops were interpreted by %v, want %s", i, by[id], want)
		}
	}
	peers, _ := s.Peers(ctx)
	if peers[1].Interpreter != avmnode.Name || peers[0].Interpreter != node.Native {
		t.Errorf("peers say %s and %s", peers[0].Interpreter, peers[1].Interpreter)
	}
}
