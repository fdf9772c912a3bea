package inspect

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/client"
)

// Session is a session on a node elsewhere: a client peer of this
// process connected to the node as its relay, and the node's events,
// followed over the inspection protocol into the session's log together
// with the client's own.
type Session struct {
	client *client.Session
	node   peer.ID
	insp   *Client
	events *trace.Log
	info   Info

	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	err    error // why following stopped
}

var _ session.Session = (*Session)(nil)

// AttachConfig configures Attach.
type AttachConfig struct {
	// Events is the session's log; default a log of 100,000 events.
	Events *trace.Log
	Logger *slog.Logger
	// Version is announced by the client's identify.
	Version string
}

// Attach connects to the node at addr (a multiaddr ending in /p2p/<id>)
// as a client with key, checks the node allows key's peer to inspect it
// (the error wraps ErrRefused if not), and follows its events from the
// oldest it holds.
func Attach(ctx context.Context, addr string, key peer.PrivateKey, cfg AttachConfig) (*Session, error) {
	if cfg.Events == nil {
		cfg.Events = trace.NewLog(100_000)
	}
	c, err := client.Dial(ctx, addr, key, client.Config{Events: cfg.Events, Logger: cfg.Logger, Version: cfg.Version})
	if err != nil {
		return nil, fmt.Errorf("attach to %s: %w", addr, err)
	}
	node := c.Relay()
	insp, err := NewClient(c.Libp2p(), node)
	if err != nil {
		c.Close()
		return nil, err
	}
	info, err := insp.Info(ctx)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("attach to %s: %w", addr, err)
	}
	fctx, cancel := context.WithCancel(context.Background())
	s := &Session{client: c, node: node, insp: insp, events: cfg.Events, info: info, cancel: cancel, done: make(chan struct{})}
	go s.follow(fctx)
	return s, nil
}

// follow copies the node's events into the session's log. Events keep
// their time and place; the log numbers them anew.
func (s *Session) follow(ctx context.Context) {
	defer close(s.done)
	err := s.insp.Follow(ctx, 0, func(e trace.Event, missed uint64) {
		if e.Kind != 0 {
			s.events.Append(e)
		}
	})
	if ctx.Err() == nil {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
	}
}

// Node returns the id of the node the session is attached to.
func (s *Session) Node() peer.ID { return s.node }

// Info describes the node as it was when the session attached; Refresh
// asks again.
func (s *Session) Info() Info { return s.info }

// Refresh asks the node to describe itself again.
func (s *Session) Refresh(ctx context.Context) (Info, error) {
	info, err := s.insp.Info(ctx)
	if err != nil {
		return Info{}, err
	}
	s.mu.Lock()
	s.info = info
	s.mu.Unlock()
	return info, nil
}

// Err returns why the session stopped following the node's events, or
// nil while it follows them.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Peers lists the node (as the relay), the peers it is connected to
// other than this client, and the client.
func (s *Session) Peers(ctx context.Context) ([]session.PeerInfo, error) {
	info, err := s.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	var services []string
	for _, sv := range info.Services {
		services = append(services, sv.ID)
	}
	out := []session.PeerInfo{{
		ID: info.PeerID, Name: "node", Role: session.RoleRelay, Up: true, Addrs: info.Addrs,
		Connections: len(info.Connected), Services: services,
	}}
	self := s.client.Self()
	n := 0
	for _, id := range info.Connected {
		if id == self.ID {
			continue
		}
		out = append(out, session.PeerInfo{ID: id, Name: fmt.Sprintf("peer%d", n), Role: session.RoleNode, Up: true})
		n++
	}
	return append(out, self), nil
}

// Run runs a compiled function from the client, with the node as relay
// unless the call names another.
func (s *Session) Run(ctx context.Context, call session.Call) (*session.Result, error) {
	return s.client.Run(ctx, call)
}

// Events is the trace of the node and of the client.
func (s *Session) Events() *trace.Log { return s.events }

// Close stops following the node and stops the client.
func (s *Session) Close() error {
	s.cancel()
	<-s.done
	return s.client.Close()
}
