package devnet

import (
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
)

func startNet(t *testing.T, nodes int) (*Network, *Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := Start(ctx, Config{Nodes: nodes, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	c, err := n.NewClient(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n, c
}

func corpus(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../core/air/testdata/" + name + ".air")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func raw(v string) json.RawMessage { return json.RawMessage(v) }

// runNestedHops runs nestedHops through run, within ctx, with call's
// relay and TTL, from ids[1] to ids[2], and checks both its results.
func runNestedHops(ctx context.Context, t *testing.T, run func(context.Context, session.Call) (*session.Result, error), call session.Call, ids []peer.ID) *session.Result {
	t.Helper()
	call.Script = corpus(t, "nestedHops")
	call.Args = map[string]json.RawMessage{"a": raw(`"` + string(ids[1]) + `"`), "b": raw(`"` + string(ids[2]) + `"`)}
	res, err := run(ctx, call)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"` + string(ids[1]) + `!"`, `"` + string(ids[2]) + `?"`}
	if len(res.Values) != 2 || string(res.Values[0]) != want[0] || string(res.Values[1]) != want[1] {
		t.Errorf("nestedHops = %s, want %v", res.Values, want)
	}
	return res
}

func TestDeterministicKeys(t *testing.T) {
	a, b, c := deriveKey(1, 2), deriveKey(1, 2), deriveKey(1, 3)
	if string(a.Raw()) != string(b.Raw()) || string(a.Raw()) == string(c.Raw()) {
		t.Error("keys must derive deterministically and differ per peer")
	}
}

func TestRunAcrossNodes(t *testing.T) {
	n, c := startNet(t, 4)
	ids := n.NodeIDs()
	ctx := context.Background()

	runNestedHops(ctx, t, c.Run, session.Call{Relay: ids[0]}, ids)

	ps, _ := json.Marshal([]string{string(ids[1]), string(ids[2]), string(ids[3])})
	res, err := c.Run(ctx, session.Call{
		Script: corpus(t, "parallelPeers"), Relay: ids[0], Args: map[string]json.RawMessage{"ps": ps},
	})
	if err != nil {
		t.Fatal(err)
	}
	var stamps []int64
	if err := json.Unmarshal(res.Values[0], &stamps); err != nil || len(stamps) != 3 {
		t.Errorf("parallelPeers = %s", res.Values)
	}
}

func TestUnreachablePeerNamedAtOnce(t *testing.T) {
	n, c := startNet(t, 2)
	ids := n.NodeIDs()
	if err := n.Kill(1); err != nil {
		t.Fatal(err)
	}
	_, err := c.Run(context.Background(), session.Call{
		Script: corpus(t, "onPeer"), Relay: ids[0], TTL: time.Hour,
		Args: map[string]json.RawMessage{"p": raw(`"` + string(ids[1]) + `"`)},
	})
	if !errors.Is(err, session.ErrUnreachable) || !strings.Contains(err.Error(), trace.Unroutable.String()) || !strings.Contains(err.Error(), string(ids[1])) {
		t.Errorf("error = %v, want ErrUnreachable naming the unreachable %s", err, ids[1])
	}
}

func TestSessionControlsTheNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	peers, _ := s.Peers(ctx)
	if len(peers) != 3 || peers[0].Role != session.RoleRelay || peers[2].Role != session.RoleClient || !peers[1].Up {
		t.Fatalf("peers = %+v", peers)
	}
	id := peers[1].ID
	onPeer := func() error {
		_, err := s.Run(ctx, session.Call{Script: corpus(t, "onPeer"), TTL: time.Minute,
			Args: map[string]json.RawMessage{"p": raw(`"` + string(id) + `"`)}})
		return err
	}
	if err := onPeer(); err != nil {
		t.Fatal(err)
	}
	if err := s.StopNode(ctx, id); err != nil {
		t.Fatal(err)
	}
	if peers, _ := s.Peers(ctx); peers[1].Up {
		t.Error("a stopped node is reported up")
	}
	if err := onPeer(); !errors.Is(err, session.ErrUnreachable) {
		t.Errorf("run on a stopped node: %v, want ErrUnreachable", err)
	}
	if err := s.RestartNode(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := onPeer(); err != nil {
		t.Errorf("run after restart: %v", err)
	}
	added, err := s.AddNode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if peers, _ := s.Peers(ctx); len(peers) != 4 || peers[2].ID != added {
		t.Errorf("after AddNode peers = %+v", peers)
	}
}

func TestSessionDeployWithoutMarine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewSession(ctx, Config{Nodes: 1, Seed: 5, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Deploy(ctx, s.Relay(), "greeting", "greeting.wasm")
	if err == nil || !strings.Contains(err.Error(), "runs no Marine services") {
		t.Errorf("Deploy on a node without Marine = %v", err)
	}
	if err := s.Deploy(ctx, "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx", "g", "g.wasm"); err == nil {
		t.Error("Deploy on a peer outside the network succeeded")
	}
}
