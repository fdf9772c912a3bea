// Package nodehost puts a peer on the network: a core/node peer, or a
// core/session client, behind a net/p2p libp2p host, with builtins that
// see that host. The local network, the standalone node and clients are
// all made this way.
package nodehost

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/p2p"
	"github.com/libp2p/go-libp2p/core/host"
	ma "github.com/multiformats/go-multiaddr"
)

// Config configures a peer.
type Config struct {
	Key peer.PrivateKey
	// ListenAddrs default to one TCP port on loopback.
	ListenAddrs []string
	// Network is the Kademlia network name; empty for a client, which
	// takes no part in discovery.
	Network string
	// Store keeps particle data; default in memory.
	Store node.Store
	// Events receives the peer's trace events; default a log of 10,000.
	Events *trace.Log
	// Services are the deployed services; may be nil.
	Services node.Services
	// Deployer answers srv and dist; nil makes them fail, saying the peer
	// runs no Marine services.
	Deployer builtin.Deployer
	// Managers names the peers besides this one that may create, remove
	// and alias services and add modules and blueprints; nil means none.
	Managers func(peer.ID) bool
	// Libp2p, if set, is the libp2p host to serve on instead of a new one
	// listening on ListenAddrs, such as an in-memory host of go-libp2p's
	// mocknet. The peer closes it when it stops.
	Libp2p host.Host
	Logger *slog.Logger
	// Version is announced by identify and peer.identify.
	Version string
	// Gate and Recorder, if set, see every interpretation (see
	// node.Config): a debugger's hooks.
	Gate     node.Gate
	Recorder node.Recorder
	// MaxParticleSize bounds an incoming particle's frame; default the
	// reference's 100 MiB.
	MaxParticleSize int
	// CallTimeout and MaxClockSkew are the node's (see node.Config).
	CallTimeout, MaxClockSkew time.Duration
	// Limits bound each interpretation (see avm.Limits); zero fields
	// take the defaults.
	Limits avm.Limits
	// Interpreter runs the peer's scripts; default core/avm.
	Interpreter node.Interpreter
	// Scripts caches parsed scripts (see node.Config); default the
	// node's own.
	Scripts *avm.Scripts
	// Now is the peer's clock, for its TTL checks, deadlines and
	// timestamps; default time.Now.
	Now func() time.Time
	// Local says the peer is one of many on one machine (see
	// p2p.Config.Local).
	Local bool
}

// The node's limits, as the binary's flags default them (see core/node).
const (
	DefaultCallTimeout  = node.DefaultCallTimeout
	DefaultMaxClockSkew = node.DefaultMaxClockSkew
)

// Load says how busy a node is (see node.Load).
type Load = node.Load

// Peer is a running node.
type Peer struct {
	node *node.Node
	host *p2p.Host

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start starts a peer.
func Start(cfg Config) (*Peer, error) {
	var nd *node.Node
	h, ncfg, err := assemble(cfg, func() receiver { return nd })
	if err != nil {
		return nil, err
	}
	if nd, err = node.New(ncfg); err != nil {
		h.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Peer{node: nd, host: h, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		_ = nd.Run(ctx)
	}()
	return p, nil
}

// Client is a client on the network: a core/session client behind its
// own libp2p host, which takes no part in discovery.
type Client struct {
	*session.Client
	host *p2p.Host
}

// StartClient starts a client that will reach the network through relay;
// connect it with Connect. cfg.Network is ignored.
func StartClient(cfg Config, relay peer.ID) (*Client, error) {
	cfg.Network = ""
	var c *session.Client
	h, ncfg, err := assemble(cfg, func() receiver { return c })
	if err != nil {
		return nil, err
	}
	if c, err = session.NewClient(session.ClientConfig{Node: ncfg, Relay: relay, Conn: h, FollowClock: cfg.Now != nil}); err != nil {
		h.Close()
		return nil, err
	}
	return &Client{Client: c, host: h}, nil
}

// Connect connects the client to the peer at addr, a multiaddr ending in
// /p2p/<id>, and returns that peer's id.
func (c *Client) Connect(ctx context.Context, addr string) (peer.ID, error) {
	return c.host.Connect(ctx, addr)
}

// Connected reports whether the client has a connection open to id.
func (c *Client) Connected(id peer.ID) bool { return c.host.Connected(id) }

// Libp2p returns the client's libp2p host, for protocols of its own.
func (c *Client) Libp2p() host.Host { return c.host.Libp2p() }

// Info describes the client as a peer of a session.
func (c *Client) Info() session.PeerInfo {
	pi := session.PeerInfo{ID: c.ID(), Name: "client", Role: session.RoleClient, Up: c.Up(), Interpreter: c.Interpreter()}
	if pi.Up {
		for _, a := range c.host.Addrs() {
			pi.Addrs = append(pi.Addrs, a.String())
		}
		pi.Connections = len(c.host.Peers())
	}
	return pi
}

// receiver is what a host hands the particles, drop reports and lost
// connections to: a node or a client.
type receiver interface {
	Deliver(from peer.ID, p *particle.Particle)
	Reported(from peer.ID, drop trace.Event)
	PeerGone(id peer.ID)
}

// assemble starts the libp2p host of a peer configured by cfg and returns
// it with the configuration of the peer's node. The host hands what
// arrives to the receiver to returns, which must be set before anything
// can arrive: before the peer connects or is dialled.
func assemble(cfg Config, to func() receiver) (*p2p.Host, node.Config, error) {
	if cfg.Events == nil {
		cfg.Events = trace.NewLog(10_000)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.ListenAddrs) == 0 {
		cfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	}
	id := peer.IDOf(cfg.Key)
	pcfg := p2p.Config{
		Key:         cfg.Key,
		ListenAddrs: cfg.ListenAddrs,
		UserAgent:   "aquarium/" + cfg.Version,
		Network:     cfg.Network,
		Logger:      cfg.Logger,
		Malformed: func(from peer.ID, err error) {
			cfg.Events.Append(trace.Event{Time: time.Now(), Kind: trace.Dropped, Peer: id, From: from, Reason: trace.Malformed, Err: err.Error()})
		},
		Reported:        func(from peer.ID, drop trace.Event) { to().Reported(from, drop) },
		MaxParticleSize: cfg.MaxParticleSize,
		Local:           cfg.Local,
	}
	if cfg.Network == "" {
		// A client reaches the network only through its relay: when the
		// connection closes, the particles it waits for are lost, and it
		// says so now rather than when their TTLs run out.
		pcfg.Disconnected = func(id peer.ID) { to().PeerGone(id) }
	}
	deliver := func(_ context.Context, from peer.ID, p *particle.Particle) { to().Deliver(from, p) }
	var (
		h   *p2p.Host
		err error
	)
	if cfg.Libp2p != nil {
		if h, err = p2p.Wrap(cfg.Libp2p, pcfg, deliver); err != nil {
			cfg.Libp2p.Close()
		}
	} else {
		h, err = p2p.New(pcfg, deliver)
	}
	if err != nil {
		return nil, node.Config{}, err
	}
	return h, node.Config{
		Key:          cfg.Key,
		Transport:    h,
		Store:        cfg.Store,
		Events:       cfg.Events,
		Services:     cfg.Services,
		Gate:         cfg.Gate,
		Recorder:     cfg.Recorder,
		CallTimeout:  cfg.CallTimeout,
		MaxClockSkew: cfg.MaxClockSkew,
		Limits:       cfg.Limits,
		Interpreter:  cfg.Interpreter,
		Scripts:      cfg.Scripts,
		Now:          cfg.Now,
		Logger:       cfg.Logger.With("peer", id.ShortString()),
		Builtins: builtin.New(builtin.Env{
			Host: id, Key: cfg.Key, Network: h.Builtins(), Now: cfg.Now,
			Deployer: cfg.Deployer, Managers: cfg.Managers,
			Info: func() builtin.Info {
				addrs := []string{}
				for _, a := range h.Addrs() {
					addrs = append(addrs, a.String())
				}
				return builtin.Info{ExternalAddresses: addrs, NodeVersion: "aquarium-" + cfg.Version,
					AirVersion: air.InterpreterVersion, AllowedBinaries: []string{}}
			},
		}),
	}, nil
}

// ID returns the peer's id.
func (p *Peer) ID() peer.ID { return p.node.ID() }

// Interpreter names the interpreter that runs the peer's scripts.
func (p *Peer) Interpreter() string { return p.node.Interpreter() }

// SetInterpreter makes the peer run its scripts with in from its next
// interpretation on (see node.Node.SetInterpreter).
func (p *Peer) SetInterpreter(in node.Interpreter) { p.node.SetInterpreter(in) }

// Load says how busy the peer's node is.
func (p *Peer) Load() Load { return p.node.Load() }

// Events returns the log the peer writes its events to.
func (p *Peer) Events() *trace.Log { return p.node.Events() }

// Addrs returns the addresses the peer listens on.
func (p *Peer) Addrs() []ma.Multiaddr { return p.host.Addrs() }

// Peers returns the peers it has connections open to.
func (p *Peer) Peers() []peer.ID { return p.host.Peers() }

// Neighborhood returns up to count peers of its routing table nearest
// to key, as kad.neighborhood answers.
func (p *Peer) Neighborhood(key []byte, count int) []peer.ID {
	return p.host.Neighborhood(key, count)
}

// RoutingTableSize returns how many peers its Kademlia routing table
// holds.
func (p *Peer) RoutingTableSize() int { return p.host.RoutingTableSize() }

// Bootstrap joins the peer to the network through the peers at addrs.
func (p *Peer) Bootstrap(ctx context.Context, addrs []string) error {
	return p.host.Bootstrap(ctx, addrs)
}

// Libp2p returns the peer's libp2p host, for protocols of its own, such
// as inspection.
func (p *Peer) Libp2p() host.Host { return p.host.Libp2p() }

// Up reports whether the peer is running.
func (p *Peer) Up() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Stop stops the peer; it may be called more than once.
func (p *Peer) Stop() {
	p.once.Do(func() {
		p.cancel()
		<-p.done
		p.host.Close()
	})
}
