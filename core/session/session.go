package session

import (
	"context"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Session is a network as a front end sees it, whether the nodes run in
// this process or elsewhere: its peers, a client to run functions from,
// and the trace of the particles it can see. The workbench and the CLI use
// only this interface, so the same screens serve a local network and a
// remote node.
type Session interface {
	// Peers lists the peers of the network, nodes first, then clients.
	Peers(ctx context.Context) ([]PeerInfo, error)
	// Run runs a compiled function from the session's client; Call.Relay
	// defaults to the session's relay.
	Run(ctx context.Context, call Call) (*Result, error)
	// Events is the trace of every particle the session can see.
	Events() *trace.Log
	// Close stops what the session started.
	Close() error
}

// Controller is what a session over a local network can also do: change
// the network itself.
type Controller interface {
	// AddNode starts one more node and returns its id.
	AddNode(ctx context.Context) (peer.ID, error)
	// StopNode stops a node abruptly, as a crash would.
	StopNode(ctx context.Context, id peer.ID) error
	// RestartNode starts a stopped node again, with the same key.
	RestartNode(ctx context.Context, id peer.ID) error
	// Deploy loads the Marine module or service configuration at path (a
	// .wasm file or a Config.toml) on node id as service service.
	Deploy(ctx context.Context, id peer.ID, service, path string) error
}

// InterpreterSetter is what a session over a local network can do whose
// nodes can change the interpreter that runs their scripts.
type InterpreterSetter interface {
	// SetInterpreter makes node id run its scripts with the interpreter
	// named name ("native" or "avm.wasm") from its next interpretation
	// on; particles in flight carry on.
	SetInterpreter(ctx context.Context, id peer.ID, name string) error
}

// Role is what a peer is to the session.
type Role uint8

// Peer roles.
const (
	// RoleNode is a full peer of the network.
	RoleNode Role = iota + 1
	// RoleRelay is the node the session's client goes through.
	RoleRelay
	// RoleClient is the session's own peer, where functions start.
	RoleClient
)

func (r Role) String() string {
	switch r {
	case RoleNode:
		return "node"
	case RoleRelay:
		return "relay"
	case RoleClient:
		return "client"
	}
	return "unknown"
}

// PeerInfo describes one peer.
type PeerInfo struct {
	ID   peer.ID
	Name string // short name for display, such as "node0"
	Role Role
	// Up is false for a node that has been stopped.
	Up bool
	// Addrs are the multiaddrs the peer listens on.
	Addrs []string
	// Connect is the address a js-client app passes to Fluence.connect
	// to use the peer as its relay (its WebSocket multiaddr, ending in
	// /p2p/<id>); empty if there is none.
	Connect string
	// Interpreter names what runs the peer's scripts: "native" or
	// "avm.wasm"; empty if unknown.
	Interpreter string
	// Connections is how many peers it is connected to.
	Connections int
	// Services are the service ids it offers beyond the builtins.
	Services []string
}
