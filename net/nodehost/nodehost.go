// Package nodehost puts a node on the network: a core/node peer behind a
// net/p2p libp2p host, with builtins that see that host. The local
// network, the standalone node and clients are all made this way.
package nodehost

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/p2p"
	"github.com/libp2p/go-libp2p/core/host"
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
	// Interpreter runs the peer's scripts; default core/avm.
	Interpreter node.Interpreter
	// MaxParticleSize bounds an incoming particle's frame; default the
	// reference's 100 MiB.
	MaxParticleSize int
	// CallTimeout and MaxClockSkew are the node's (see node.Config).
	CallTimeout, MaxClockSkew time.Duration
}

// Peer is a running node or client.
type Peer struct {
	Key  peer.PrivateKey
	Node *node.Node
	Host *p2p.Host
	// Services are the peer's deployed services, as configured.
	Services node.Services

	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start starts a peer.
func Start(cfg Config) (*Peer, error) {
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
	var nd *node.Node
	pcfg := p2p.Config{
		Key:         cfg.Key,
		ListenAddrs: cfg.ListenAddrs,
		UserAgent:   "aquarium/" + cfg.Version,
		Network:     cfg.Network,
		Logger:      cfg.Logger,
		Malformed: func(from peer.ID, err error) {
			cfg.Events.Append(trace.Event{Time: time.Now(), Kind: trace.Dropped, Peer: id, From: from, Reason: trace.Malformed, Err: err.Error()})
		},
		Reported:        func(from peer.ID, drop trace.Event) { nd.Reported(from, drop) },
		MaxParticleSize: cfg.MaxParticleSize,
	}
	if cfg.Network == "" {
		// A client reaches the network only through its relay: when the
		// connection closes, the particles it waits for are lost, and it
		// says so now rather than when their TTLs run out.
		pcfg.Disconnected = func(id peer.ID) { nd.PeerGone(id) }
	}
	deliver := func(_ context.Context, from peer.ID, p *particle.Particle) { nd.Deliver(from, p) }
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
		return nil, err
	}
	nd, err = node.New(node.Config{
		Key:          cfg.Key,
		Transport:    h,
		Store:        cfg.Store,
		Events:       cfg.Events,
		Services:     cfg.Services,
		Gate:         cfg.Gate,
		Recorder:     cfg.Recorder,
		Interpreter:  cfg.Interpreter,
		CallTimeout:  cfg.CallTimeout,
		MaxClockSkew: cfg.MaxClockSkew,
		Logger:       cfg.Logger.With("peer", id.ShortString()),
		Builtins: builtin.New(builtin.Env{
			Host: id, Key: cfg.Key, Network: h.Builtins(),
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
	})
	if err != nil {
		h.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Peer{Key: cfg.Key, Node: nd, Host: h, Services: cfg.Services, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		_ = nd.Run(ctx)
	}()
	return p, nil
}

// ID returns the peer's id.
func (p *Peer) ID() peer.ID { return p.Node.ID() }

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
		p.Host.Close()
	})
}
