package devnet

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
)

func startMemNet(t *testing.T, cfg Config) (*Network, *Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg.Memory = true
	n, err := Start(ctx, cfg)
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

// onPeer runs the corpus's onPeer script (client -> relay -> p -> relay
// -> client) and returns its error.
func onPeer(t *testing.T, n *Network, c *Client, p peer.ID, ttl time.Duration) error {
	t.Helper()
	_, err := c.Run(context.Background(), session.Call{
		Script: corpus(t, "onPeer"), Relay: n.NodeIDs()[0], TTL: ttl,
		Args: map[string]json.RawMessage{"p": raw(`"` + string(p) + `"`)},
	})
	return err
}

func TestMemoryRunAcrossNodes(t *testing.T) {
	n, c := startMemNet(t, Config{Nodes: 4, Seed: 7})
	ids := n.NodeIDs()
	for _, p := range n.Nodes() {
		for _, a := range p.Addrs() {
			if !strings.HasPrefix(a.String(), "/ip4/10.") {
				t.Errorf("in-memory node has address %s, want one from 10.0.0.0/8", a)
			}
		}
	}
	runNestedHops(context.Background(), t, c.Run, session.Call{Relay: ids[0]}, ids)
	// Node 3 was never named to node 0: Kademlia found it in memory too.
	if err := onPeer(t, n, c, ids[3], 5*time.Second); err != nil {
		t.Errorf("run on node 3: %v", err)
	}
}

func TestMemoryPartition(t *testing.T) {
	n, c := startMemNet(t, Config{Nodes: 3, Seed: 8})
	ids := n.NodeIDs()
	if err := onPeer(t, n, c, ids[1], 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := n.Partition(ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	// The TTL is long: the run must end well before it, at the drop.
	err := onPeer(t, n, c, ids[1], time.Minute)
	if !errors.Is(err, session.ErrUnreachable) || !strings.Contains(err.Error(), trace.Unroutable.String()) {
		t.Errorf("run across a partition: %v, want ErrUnreachable", err)
	}
	// Node 2 is on neither side of the cut.
	if err := onPeer(t, n, c, ids[2], 5*time.Second); err != nil {
		t.Errorf("run on node 2 during the partition: %v", err)
	}
	if err := n.Heal(ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	if err := onPeer(t, n, c, ids[1], 5*time.Second); err != nil {
		t.Errorf("run after healing: %v", err)
	}
}

func TestMemoryKillRestart(t *testing.T) {
	n, c := startMemNet(t, Config{Nodes: 3, Seed: 9})
	ids := n.NodeIDs()
	if err := n.Kill(2); err != nil {
		t.Fatal(err)
	}
	if err := onPeer(t, n, c, ids[2], time.Minute); !errors.Is(err, session.ErrUnreachable) {
		t.Errorf("run on a killed node: %v, want ErrUnreachable", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Restart(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := onPeer(t, n, c, ids[2], 5*time.Second); err != nil {
		t.Errorf("run after restart: %v", err)
	}
}

// TestMemoryLatency checks that latency set on the links delays a round
// trip by at least two crossings (client -> relay -> client).
func TestMemoryLatency(t *testing.T) {
	n, c := startMemNet(t, Config{Nodes: 1, Seed: 10})
	const delay = 30 * time.Millisecond
	if err := n.SetLatency(delay); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Run(context.Background(), session.Call{Script: identityRoundTrip, Relay: n.NodeIDs()[0]}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 2*delay {
		t.Errorf("round trip took %v with %v latency each way", took, delay)
	}
}

func TestFaultsNeedMemory(t *testing.T) {
	n := &Network{}
	if err := n.SetLatency(time.Millisecond); !errors.Is(err, ErrNotInMemory) {
		t.Errorf("SetLatency on sockets: %v", err)
	}
	if err := n.Partition("a", "b"); !errors.Is(err, ErrNotInMemory) {
		t.Errorf("Partition on sockets: %v", err)
	}
}

// creator is a node's deployer that creates services, all called
// "created", and runs none: enough to see who may call srv.create.
type creator struct{ builtin.Deployer }

func (creator) CreateService(context.Context, string, peer.ID) (string, error) { return "created", nil }
func (creator) Lookup(string, string) (builtin.Func, bool)                     { return nil, false }
func (creator) Deploy(context.Context, string, string, peer.ID) error          { return errors.ErrUnsupported }

// TestManagers checks the default rule of a local network: its own
// clients may create services, a peer from outside may not.
func TestManagers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	n, err := Start(ctx, Config{Nodes: 1, Seed: 12, Memory: true,
		Services: func(int, peer.ID) Services { return creator{} }})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	c, err := n.NewClient(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	const create = `(seq
 (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
 (xor
  (seq
   (call -relay- ("srv" "create") ["bp"] id)
   (call %init_peer_id% ("callbackSrv" "response") [id])
  )
  (call %init_peer_id% ("callbackSrv" "response") [%last_error%.$.message])
 )
)`
	run := func(p *Client) string {
		res, err := p.Run(ctx, session.Call{Script: create, Relay: n.NodeIDs()[0]})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Values[0])
	}
	if got := run(c); got != `"created"` {
		t.Errorf("srv.create from the network's client = %s", got)
	}

	// A peer the network did not start is an outsider. On mocknet it
	// joins as one more in-memory peer, unknown to the rule.
	outsider, err := n.mem.add(deriveKey(99, 0))
	if err != nil {
		t.Fatal(err)
	}
	o, err := nodehost.StartClient(nodehost.Config{Key: deriveKey(99, 0), Libp2p: outsider}, n.NodeIDs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := o.Connect(ctx, n.Nodes()[0].Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	if got := run(o); !strings.Contains(got, "only available to the host or its management peers") {
		t.Errorf("srv.create from outside the network = %s", got)
	}
}
