// Package client reaches a network elsewhere: a client peer of this
// process that connects to one of the network's nodes as its relay, and
// runs functions through it. `aquarium run --relay` and `aquarium attach`
// reach remote nodes this way; the local network makes its clients in
// process (net/devnet).
package client

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
	"github.com/aquarium-p2p/aquarium/net/p2p"
	"github.com/libp2p/go-libp2p/core/host"
)

// Config configures Dial.
type Config struct {
	// Events is the client's log; default a log of 100,000 events.
	Events *trace.Log
	Logger *slog.Logger
	// Version is announced by the client's identify.
	Version string
	// Recorder, if set, hears of every interpretation on the client.
	Recorder node.Recorder
	// Interpreter runs the client's scripts; default core/avm.
	Interpreter node.Interpreter
}

// Session is a session on a network through one relay: its peers are the
// relay and the client.
type Session struct {
	client *nodehost.Client
}

var _ session.Session = (*Session)(nil)

// Dial starts a client with key and connects it to the node at addr, a
// multiaddr ending in /p2p/<id>, as its relay.
func Dial(ctx context.Context, addr string, key peer.PrivateKey, cfg Config) (*Session, error) {
	info, err := p2p.ParsePeerAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if cfg.Events == nil {
		cfg.Events = trace.NewLog(100_000)
	}
	c, err := nodehost.StartClient(nodehost.Config{
		Key: key, Events: cfg.Events, Logger: cfg.Logger, Version: cfg.Version, Recorder: cfg.Recorder,
		Interpreter: cfg.Interpreter,
	}, peer.ID(info.ID.String()))
	if err != nil {
		return nil, err
	}
	if _, err := c.Connect(ctx, addr); err != nil {
		c.Close()
		return nil, err
	}
	return &Session{client: c}, nil
}

// Client returns the session's client.
func (s *Session) Client() *session.Client { return s.client.Client }

// Relay returns the id of the relay.
func (s *Session) Relay() peer.ID { return s.client.Relay() }

// Libp2p returns the client's libp2p host, for protocols of its own with
// the relay, such as inspection.
func (s *Session) Libp2p() host.Host { return s.client.Libp2p() }

// Peers lists the relay and the client. Of the relay it knows only the
// id; a session that can ask the relay more says more.
func (s *Session) Peers(context.Context) ([]session.PeerInfo, error) {
	relay := session.PeerInfo{ID: s.Relay(), Name: "relay", Role: session.RoleRelay, Up: s.client.Connected(s.Relay())}
	return []session.PeerInfo{relay, s.Self()}, nil
}

// Self describes the client.
func (s *Session) Self() session.PeerInfo { return s.client.Info() }

// Run runs a compiled function from the client, through the relay unless
// the call names another.
func (s *Session) Run(ctx context.Context, call session.Call) (*session.Result, error) {
	return s.client.Run(ctx, call)
}

// Events is the client's trace.
func (s *Session) Events() *trace.Log { return s.client.Events() }

// Close stops the client and closes its connection.
func (s *Session) Close() error { return s.client.Close() }
