package avm

import (
	"crypto/ed25519"
	"encoding/json"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

// InterpreterVersion is written into the data this interpreter produces:
// the version of the reference interpreter whose data format and
// semantics it follows, so that every peer of the network, the
// reference's included, reads the data as that version's.
const InterpreterVersion = "0.62.0"

// Params describe the particle and the peer running it.
type Params struct {
	// InitPeerID is the peer that started the particle: %init_peer_id%.
	InitPeerID string
	// CurrentPeerID is the peer running the script now. It must be the
	// peer id of Key.
	CurrentPeerID string
	// Timestamp is the particle's creation time in milliseconds:
	// %timestamp%.
	Timestamp uint64
	// TTL is the particle's time to live in milliseconds: %ttl%.
	TTL uint32
	// ParticleID salts the signatures, so that results signed for one
	// particle cannot be replayed in another.
	ParticleID string
	// Key is the current peer's Ed25519 key; it signs the results this
	// peer produces.
	Key ed25519.PrivateKey
	// Inspect makes the run note, at each instruction it stops at, what
	// the script could see there: Outcome.Scopes. A debugger sets it to
	// re-run a recorded hop and show its variables; unset, it costs
	// nothing. An inspecting run may go without a Key: it then signs
	// nothing, and its Data is for looking at, not for sending on.
	Inspect bool
	// Limits bound the run's work and memory; zero fields take their
	// defaults.
	Limits Limits
	// LazySign lets a run sign only what another peer may read: a run
	// that sends the particle on signs its peer's results; a run whose
	// data stays on this peer (it sends the particle nowhere, whether it
	// waits for calls or is done) keeps the signature the data had, or
	// signs results that have none, since the reference interpreter
	// requires a signature of every peer with results; and a peer
	// without results signs nothing, where avm.wasm signs the empty set.
	// A host that sends Data only from runs with NextPeers, as a node
	// does, sets it and spares a signature per call, per hop that only
	// passes a particle on and per particle that ends on its initiator;
	// the data it keeps between its own runs then carries an older
	// signature, which nothing but this peer reads, and store objects no
	// state reaches any more, which the run that sends drops. avm.wasm
	// signs after every run.
	LazySign bool
	// Memo, when set, carries what this peer decoded and checked of the
	// particle from one run to the next (see Memo). A run gives the same
	// Outcome with or without it.
	Memo *Memo
	// Scripts, when set, is the host's cache of parsed scripts, which
	// the first run of a particle takes its script's tree from.
	Scripts *Scripts
}

// CallRequest asks the host to run a service function on this peer.
type CallRequest struct {
	ServiceID    string
	FunctionName string
	// Arguments are the call's arguments, each a JSON text.
	Arguments []json.RawMessage
	// Tetraplets say, for each argument, where its values came from: one
	// tetraplet for a scalar, one per element for a canon stream.
	Tetraplets [][]data.Tetraplet
}

// CallResult is the host's answer to a call request.
type CallResult struct {
	// RetCode is 0 on success.
	RetCode int32
	// Result is the JSON text of the result on success, the error message
	// otherwise.
	Result string
}

// Outcome is the result of one run.
type Outcome struct {
	// Data is the new state of the particle for this peer: the previous
	// data if the run failed with an uncatchable error.
	Data []byte
	// NextPeers are the peers to send the particle to, each once.
	NextPeers []string
	// CallRequests are the calls the host should run, by request id; the
	// host runs them and calls Run again with their results.
	CallRequests map[uint32]CallRequest
	// RetCode is 0 on success, otherwise one of the Code constants or the
	// code of the error that reached the top of the script.
	RetCode int64
	// ErrorMessage explains a non-zero RetCode.
	ErrorMessage string
	// Stops are the instructions where this run handed work on or ended,
	// in the order the run met them: the calls it asked the host to run,
	// the calls and canons that sent the particle to another peer, and the
	// instruction whose error reached the top of the script. A debugger
	// shows them as where the particle stopped on this peer.
	Stops []Stop
	// Scopes are, for a run with Params.Inspect, the variables visible
	// at each of Stops: Scopes[i] at Stops[i]. Nil otherwise.
	Scopes []Scope
	// Complete reports that the whole script has completed on this peer:
	// nothing in it waits for another peer, a call result or a value.
	// The reference interpreter does not report this; a client uses it to
	// tell when a function without results has finished.
	Complete bool
}

// StopKind is why a run stopped at an instruction.
type StopKind uint8

// Stop kinds.
const (
	// StopCall: the instruction is a call this peer's host must run;
	// CallID is its request id.
	StopCall StopKind = iota + 1
	// StopSend: the instruction (a call or canon) is meant for Peer, so
	// the particle goes there.
	StopSend
	// StopError: the instruction raised the error the run ended with.
	StopError
)

func (k StopKind) String() string {
	switch k {
	case StopCall:
		return "call"
	case StopSend:
		return "send"
	case StopError:
		return "error"
	}
	return "unknown"
}

// Stop is one instruction where a run stopped.
type Stop struct {
	Kind StopKind
	// Span is the instruction's place in the script.
	Span   air.Span
	Peer   string // StopSend
	CallID uint32 // StopCall
}
