// Package devnet runs a local network: N Aquarium nodes in one process,
// each a real libp2p host on loopback with its own key, discovering each
// other through Kademlia, plus clients that connect to one node as their
// relay. It is what `aquarium run` and the workbench run functions on.
//
// Keys derive from a seed, so a network started twice with the same seed
// has the same peer ids, and recorded runs can be compared.
//
// With Config.Memory the nodes run on go-libp2p's mocknet instead of
// loopback sockets: the same particle protocol and Kademlia over
// in-memory links, where faults can be injected (latency, partitions
// between two peers, crashes and restarts) for deterministic tests.
//
// A local network belongs to one developer, so by default every peer of
// the network (its nodes and the clients it started) may deploy and
// remove services on any node through srv and dist; Config.Managers
// narrows that.
package devnet

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
	"github.com/libp2p/go-libp2p/core/host"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"golang.org/x/sync/errgroup"
)

// Config configures a local network.
type Config struct {
	// Nodes is how many nodes to start; default 5.
	Nodes int
	// Seed derives the nodes' keys.
	Seed uint64
	// Network is the Kademlia network name; default "aquarium-dev".
	Network string
	// Events receives every peer's trace events; default a log of 100,000.
	Events *trace.Log
	// Services gives node i its deployed services; may be nil.
	Services func(i int, id peer.ID) Services
	// Managers reports which peers may call the restricted srv and dist
	// functions on a node besides the node itself. Nil means the peers of
	// this network: its nodes and the clients NewClient started.
	Managers func(peer.ID) bool
	// Memory runs the network in memory, on mocknet.
	Memory bool
	Logger *slog.Logger
	// Version is announced by peer.identify.
	Version string
	// Gate and Recorder, if set, see every interpretation on every node
	// and client: a debugger's hooks.
	Gate     node.Gate
	Recorder node.Recorder
	// Interpreter gives node i (-1 for a client) the interpreter it runs
	// scripts with; nil, or a nil result, means core/avm.
	Interpreter func(i int, id peer.ID) Interpreter
	// Now is the one clock of every node and client, for their TTL
	// checks, deadlines and timestamps; default time.Now. A debugger's
	// clock stands still while it holds the network paused.
	Now func() time.Time
}

// Services are a node's deployed services, as marine/registry keeps
// them: the node looks them up, srv and dist manage them, and
// Session.Deploy loads them from files.
type Services interface {
	node.Services
	builtin.Deployer
	// Deploy loads the module or service configuration at path as
	// service id, owned by owner.
	Deploy(ctx context.Context, id, path string, owner peer.ID) error
}

// Interpreter runs a peer's scripts (see node.Interpreter).
type Interpreter = node.Interpreter

// NativeInterpreter names core/avm, the default interpreter.
const NativeInterpreter = node.Native

// Peer is one node of the network.
type Peer = nodehost.Peer

// Client is a client of the network, connected to one of its nodes.
type Client = nodehost.Client

// Network is a running local network.
type Network struct {
	cfg Config
	mem *memory // nil unless cfg.Memory

	mu       sync.Mutex
	nodes    []*Peer
	clients  []*Client
	members  map[peer.ID]bool
	services map[peer.ID]Services // of the nodes that have some
	// avm is avm.wasm, once a node runs it (SetInterpreter).
	avm avmLoader
	// scripts is the peers' one cache of parsed scripts: they run the
	// same particles.
	scripts *avm.Scripts
}

// Start starts the nodes and joins them through Kademlia (see joinAll):
// it returns once every node has connected to the first and looked
// itself up, so that the first knows every other its buckets have room
// for, and every node knows the peers nearest to it and is known to
// them.
func Start(ctx context.Context, cfg Config) (*Network, error) {
	if cfg.Nodes <= 0 {
		cfg.Nodes = 5
	}
	if cfg.Network == "" {
		cfg.Network = "aquarium-dev"
	}
	if cfg.Events == nil {
		cfg.Events = trace.NewLog(100_000)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	n := &Network{cfg: cfg, members: map[peer.ID]bool{}, services: map[peer.ID]Services{},
		scripts: avm.NewScripts(node.DefaultScriptsBudget)}
	if cfg.Memory {
		n.mem = newMemory()
	}
	for i := range cfg.Nodes {
		p, err := n.startPeer(i, deriveKey(cfg.Seed, uint64(i)), cfg.Network)
		if err != nil {
			n.Close()
			return nil, err
		}
		n.nodes = append(n.nodes, p)
	}
	if err := n.joinAll(ctx); err != nil {
		n.Close()
		return nil, fmt.Errorf("devnet: join: %w", err)
	}
	return n, nil
}

// joinAll joins every node to the first, joinLimit nodes at a time.
// Each connects to it before any looks itself up, so that the first
// knows most of them when the lookups ask it (kad-dht takes in a peer a
// moment after it connects; one that asks is taken in at once), and each
// finds its true neighbours rather than those that happened to join
// before it. A node that looked itself up early still missed those whose
// lookups came after and did not ask it: each looks itself up once more
// through the first when all have joined, as a long-lived network's
// periodic refresh would have it find them (p2p's Local hosts make no
// refresh of their own).
func (n *Network) joinAll(ctx context.Context) error {
	first := n.nodes[0].Addrs()[0]
	info, err := lpeer.AddrInfoFromP2pAddr(first)
	if err != nil {
		return err
	}
	if err := n.eachJoining(ctx, func(ctx context.Context, p *Peer) error { return p.Libp2p().Connect(ctx, *info) }); err != nil {
		return err
	}
	boot := []string{first.String()}
	if err := n.eachJoining(ctx, func(ctx context.Context, p *Peer) error { return p.Bootstrap(ctx, boot) }); err != nil {
		return err
	}
	// Once more, now that the first knows every node: see above.
	if err := n.eachJoining(ctx, func(ctx context.Context, p *Peer) error { return p.Bootstrap(ctx, boot) }); err != nil {
		return err
	}
	// The lookups left each node connected to a handful of others, and
	// each idle connection holds goroutines (yamux's, or mocknet's, and
	// Kademlia's stream) and buffers: a thousand nodes would hold many
	// thousands. The routing tables keep what the lookups learnt, and a
	// node dials a peer again when it has a particle for it.
	for _, p := range n.nodes {
		net := p.Libp2p().Network()
		for _, id := range net.Peers() {
			_ = net.ClosePeer(id) // fails only for a connection closing already
		}
	}
	return nil
}

// joinLimit bounds how many nodes join at once. A lookup waits on the
// network more than it works, so a few in flight keep two cores busy;
// many more only hold more connections and goroutines at once, and each
// lookup then asks peers that have not yet joined themselves and know
// little.
const joinLimit = 16

// eachJoining runs f on every node but the first, joinLimit at a time,
// and returns the first error, which cancels the ctx of the rest.
func (n *Network) eachJoining(ctx context.Context, f func(context.Context, *Peer) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(joinLimit)
	for _, p := range n.nodes[1:] {
		g.Go(func() error { return f(ctx, p) })
	}
	return g.Wait()
}

// deriveKey makes the key of peer i of a network from its seed.
func deriveKey(seed, i uint64) peer.PrivateKey {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], seed)
	binary.BigEndian.PutUint64(b[8:], i)
	sum := sha256.Sum256(append([]byte("aquarium devnet key"), b[:]...))
	k, _ := peer.Ed25519FromSeed(sum[:])
	return k
}

// clientKey makes the key of client i of a network from its seed.
func clientKey(seed, i uint64) peer.PrivateKey { return deriveKey(seed^0xc11e47, i) }

// startPeer starts node i with key, on loopback or in memory, and counts
// it a member of the network.
func (n *Network) startPeer(i int, key peer.PrivateKey, network string) (*Peer, error) {
	hcfg, err := n.hostConfig(i, key)
	if err != nil {
		return nil, err
	}
	if n.cfg.Services != nil {
		if s := n.cfg.Services(i, peer.IDOf(key)); s != nil {
			hcfg.Services, hcfg.Deployer = s, s
			n.mu.Lock()
			n.services[peer.IDOf(key)] = s
			n.mu.Unlock()
		}
	}
	// Nodes listen on TCP and WebSocket, so that js-client apps can
	// connect to them as to the reference nodes.
	hcfg.Network, hcfg.ListenAddrs = network, ListenAddrs
	return nodehost.Start(hcfg)
}

// hostConfig configures peer i of the network (-1 for a client) with
// key, on loopback or in memory, and counts it a member of the network.
func (n *Network) hostConfig(i int, key peer.PrivateKey) (nodehost.Config, error) {
	n.mu.Lock()
	n.members[peer.IDOf(key)] = true
	n.mu.Unlock()
	managers := n.cfg.Managers
	if managers == nil {
		managers = n.isMember
	}
	var lh host.Host
	if n.mem != nil {
		var err error
		if lh, err = n.mem.add(key); err != nil {
			return nodehost.Config{}, err
		}
	}
	var interp node.Interpreter
	if n.cfg.Interpreter != nil {
		interp = n.cfg.Interpreter(i, peer.IDOf(key))
	}
	return nodehost.Config{
		Key: key, Events: n.cfg.Events, Managers: managers, Libp2p: lh,
		Logger: n.cfg.Logger, Version: n.cfg.Version, Gate: n.cfg.Gate, Recorder: n.cfg.Recorder,
		Interpreter: interp, Scripts: n.scripts, Now: n.cfg.Now, Local: true,
	}, nil
}

func (n *Network) isMember(id peer.ID) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.members[id]
}

// Services returns the deployed services of node id, if it has some.
func (n *Network) Services(id peer.ID) (Services, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	s, ok := n.services[id]
	return s, ok
}

// ListenAddrs are what the nodes of a network on loopback listen on: a
// TCP port and a WebSocket port.
var ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0/ws"}

// ConnectAddr returns the address a js-client app passes to
// Fluence.connect to use p as its relay: its WebSocket multiaddr with its
// peer id, /ip4/127.0.0.1/tcp/PORT/ws/p2p/ID; "" if p does not listen
// on WebSocket.
func ConnectAddr(p *Peer) string {
	for _, a := range p.Addrs() {
		if _, err := a.ValueForProtocol(ma.P_WS); err == nil {
			return a.String()
		}
	}
	return ""
}

// Nodes returns the network's nodes, in order.
func (n *Network) Nodes() []*Peer {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Peer(nil), n.nodes...)
}

// NodeIDs returns the nodes' peer ids, in order.
func (n *Network) NodeIDs() []peer.ID {
	var ids []peer.ID
	for _, p := range n.Nodes() {
		ids = append(ids, p.ID())
	}
	return ids
}

// Events returns the network's trace log, shared by all its peers.
func (n *Network) Events() *trace.Log { return n.cfg.Events }

// NewClient starts a client peer with a fresh key derived from the seed,
// connected to the node at relay. Clients take no part in Kademlia: like
// the reference clients, only their relay reaches them.
func (n *Network) NewClient(ctx context.Context, relay int) (*Client, error) {
	n.mu.Lock()
	i := len(n.clients)
	nodes := n.nodes
	n.mu.Unlock()
	if relay < 0 || relay >= len(nodes) {
		return nil, fmt.Errorf("devnet: no node %d to relay through", relay)
	}
	hcfg, err := n.hostConfig(-1, clientKey(n.cfg.Seed, uint64(i)))
	if err != nil {
		return nil, err
	}
	c, err := nodehost.StartClient(hcfg, nodes[relay].ID())
	if err != nil {
		return nil, err
	}
	if _, err := c.Connect(ctx, nodes[relay].Addrs()[0].String()); err != nil {
		c.Close()
		return nil, err
	}
	n.mu.Lock()
	n.clients = append(n.clients, c)
	n.mu.Unlock()
	return c, nil
}

// Kill stops node i abruptly, as a crash would.
func (n *Network) Kill(i int) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if i < 0 || i >= len(n.nodes) || !n.nodes[i].Up() {
		return fmt.Errorf("devnet: no running node %d", i)
	}
	n.nodes[i].Stop()
	if n.mem != nil {
		n.mem.crash(n.nodes[i].Libp2p().ID())
	}
	return nil
}

// Restart starts stopped node i again with its key, and joins it to the
// network through the first running node.
func (n *Network) Restart(ctx context.Context, i int) error {
	n.mu.Lock()
	if i < 0 || i >= len(n.nodes) || n.nodes[i].Up() {
		n.mu.Unlock()
		return fmt.Errorf("devnet: node %d is not stopped", i)
	}
	n.mu.Unlock()
	key := deriveKey(n.cfg.Seed, uint64(i))
	p, err := n.startPeer(i, key, n.cfg.Network)
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.nodes[i] = p
	n.mu.Unlock()
	return n.join(ctx, p)
}

// Add starts one more node and joins it to the network.
func (n *Network) Add(ctx context.Context) (*Peer, error) {
	n.mu.Lock()
	i := len(n.nodes)
	n.mu.Unlock()
	p, err := n.startPeer(i, deriveKey(n.cfg.Seed, uint64(i)), n.cfg.Network)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.nodes = append(n.nodes, p)
	n.mu.Unlock()
	return p, n.join(ctx, p)
}

// join bootstraps p through the first other running node.
func (n *Network) join(ctx context.Context, p *Peer) error {
	for _, q := range n.Nodes() {
		if q != p && q.Up() {
			return p.Bootstrap(ctx, []string{q.Addrs()[0].String()})
		}
	}
	return nil
}

// Close stops every peer.
func (n *Network) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range n.clients {
		c.Close()
	}
	for _, p := range n.nodes {
		p.Stop()
	}
	n.nodes, n.clients = nil, nil
	err := n.avm.close()
	if n.mem != nil {
		return errors.Join(err, n.mem.close())
	}
	return err
}
