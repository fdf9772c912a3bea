package devnet

import (
	"context"
	"fmt"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Session is a session over a local network, with one client behind
// node 0. It also controls the network: nodes can be added, stopped and
// restarted. And it debugs it: every interpretation on every peer is
// recorded, and the network can be paused, stepped and continued to a
// breakpoint (the promoted session.Debugger methods).
type Session struct {
	session.Debugger
	net    *Network
	client *Client
}

var (
	_ session.Session           = (*Session)(nil)
	_ session.Controller        = (*Session)(nil)
	_ session.Debugger          = (*Session)(nil)
	_ session.InterpreterSetter = (*Session)(nil)
)

// NewSession starts a local network and its client, with a debugger
// (running, recording the last debug.DefaultLimit hops) as the gate,
// recorder and clock of every peer: while the network is paused,
// particle time stands still. It replaces cfg.Gate, cfg.Recorder and
// cfg.Now.
func NewSession(ctx context.Context, cfg Config) (*Session, error) {
	dbg := debug.New(debug.NewRecording(0))
	cfg.Gate, cfg.Recorder, cfg.Now = dbg, dbg, dbg.Now
	n, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c, err := n.NewClient(ctx, 0)
	if err != nil {
		n.Close()
		return nil, err
	}
	return &Session{Debugger: dbg, net: n, client: c}, nil
}

// Network returns the local network under the session.
func (s *Session) Network() *Network { return s.net }

// Client returns the session's client.
func (s *Session) Client() *Client { return s.client }

// Relay returns the id of the client's relay, node 0.
func (s *Session) Relay() peer.ID { return s.net.Nodes()[0].ID() }

// Peers lists the nodes, then the client.
func (s *Session) Peers(ctx context.Context) ([]session.PeerInfo, error) {
	var out []session.PeerInfo
	for i, p := range s.net.Nodes() {
		role := session.RoleNode
		if i == 0 {
			role = session.RoleRelay
		}
		out = append(out, s.info(ctx, p, fmt.Sprintf("node%d", i), role))
	}
	return append(out, s.client.Info()), nil
}

func (s *Session) info(ctx context.Context, p *Peer, name string, role session.Role) session.PeerInfo {
	pi := session.PeerInfo{ID: p.ID(), Name: name, Role: role, Up: p.Up(), Interpreter: p.Interpreter()}
	if d, ok := s.net.Services(p.ID()); ok && pi.Up {
		if svcs, err := d.Services(ctx); err == nil {
			for _, svc := range svcs {
				pi.Services = append(pi.Services, svc.ID)
			}
		}
	}
	if pi.Up {
		for _, a := range p.Addrs() {
			pi.Addrs = append(pi.Addrs, a.String())
		}
		pi.Connections = len(p.Peers())
		if role != session.RoleClient {
			pi.Connect = ConnectAddr(p)
		}
	}
	return pi
}

// Run runs a compiled function from the client, through node 0 unless the
// call names another relay.
func (s *Session) Run(ctx context.Context, call session.Call) (*session.Result, error) {
	return s.client.Run(ctx, call)
}

// Events is the trace of every peer of the network.
func (s *Session) Events() *trace.Log { return s.net.Events() }

// Close stops the network.
func (s *Session) Close() error { return s.net.Close() }

// AddNode starts one more node.
func (s *Session) AddNode(ctx context.Context) (peer.ID, error) {
	p, err := s.net.Add(ctx)
	if err != nil {
		return "", err
	}
	return p.ID(), nil
}

// StopNode stops the node with id, as a crash would.
func (s *Session) StopNode(_ context.Context, id peer.ID) error {
	i, err := s.index(id)
	if err != nil {
		return err
	}
	return s.net.Kill(i)
}

// RestartNode starts the stopped node with id again.
func (s *Session) RestartNode(ctx context.Context, id peer.ID) error {
	i, err := s.index(id)
	if err != nil {
		return err
	}
	return s.net.Restart(ctx, i)
}

// Deploy loads a Marine module or service configuration on a node.
func (s *Session) Deploy(ctx context.Context, id peer.ID, service, path string) error {
	i, err := s.index(id)
	if err != nil {
		return err
	}
	d, ok := s.net.Services(id)
	if !ok {
		return fmt.Errorf("devnet: node %d runs no Marine services", i)
	}
	return d.Deploy(ctx, service, path, s.client.ID())
}

func (s *Session) index(id peer.ID) (int, error) {
	i := slices.IndexFunc(s.net.Nodes(), func(p *Peer) bool { return p.ID() == id })
	if i < 0 {
		return 0, fmt.Errorf("devnet: %s is not a node of this network", id)
	}
	return i, nil
}
