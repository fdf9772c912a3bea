// Package trace records what happens to particles: every receipt,
// verification, interpretation, service call, send, drop and expiry, on
// every peer, as events in a bounded log that front ends read.
//
// Nothing fails silently in Aquarium: where the reference system lets a
// particle time out without a word, a peer here emits an event with the
// reason (a bad signature, an unroutable peer, a missing service), so the
// initiator and the workbench can show it.
package trace

import (
	"fmt"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Kind is what happened.
type Kind uint8

// Event kinds, in the order they usually happen to a particle on a peer.
const (
	// Received: a particle arrived at Peer, from From.
	Received Kind = iota + 1
	// Verified: its signature checked out.
	Verified
	// Interpreted: the AIR interpreter ran (Duration, DataSize, RetCode,
	// Err when the script failed).
	Interpreted
	// CallRequested: the script asked Peer to call Service.Function.
	CallRequested
	// CallFinished: that call returned (Result, or RetCode and Err).
	CallFinished
	// Sent: the particle left Peer for To (a Dropped event follows if the
	// transport could not deliver it).
	Sent
	// Dropped: the particle was abandoned at Peer; Reason says why.
	Dropped
	// Expired: the particle's TTL ran out at Peer.
	Expired
	// Completed: the particle's whole script has run to completion at
	// Peer, with no call pending.
	Completed
	// ServiceLog: a service wrote a log line (Result holds the text).
	ServiceLog
)

var kindNames = [...]string{
	Received: "received", Verified: "verified", Interpreted: "interpreted",
	CallRequested: "call requested", CallFinished: "call finished", Sent: "sent",
	Dropped: "dropped", Expired: "expired", Completed: "completed", ServiceLog: "log",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Reason is why a particle was dropped.
type Reason uint8

// Drop reasons.
const (
	BadSignature Reason = iota + 1
	TTLExpired
	Unroutable
	NoSuchService
	Malformed
	Overloaded
	// FromTheFuture: the particle's timestamp is ahead of the peer's
	// clock by more than the skew it allows.
	FromTheFuture
)

var reasonNames = [...]string{
	BadSignature: "bad signature", TTLExpired: "ttl expired", Unroutable: "unroutable peer",
	NoSuchService: "no such service", Malformed: "malformed particle", Overloaded: "peer overloaded",
	FromTheFuture: "timestamp in the future",
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Event is one thing that happened to one particle on one peer. Fields
// beyond the header are set only for the kinds that document them.
type Event struct {
	// Seq orders events in a Log; the log assigns it.
	Seq  uint64
	Time time.Time
	Kind Kind
	// Particle is the particle id.
	Particle string
	// Peer is where the event happened.
	Peer peer.ID
	// From is the sender (Received); To the destination (Sent, Unroutable).
	From, To peer.ID

	// Service calls.
	CallID            uint32
	Service, Function string
	Args, Result      string // JSON

	RetCode  int64
	Err      string
	Reason   Reason
	Duration time.Duration
	DataSize int
	// Interpreter names what ran the script (Interpreted): "native" for
	// core/avm, "avm.wasm" for the reference interpreter.
	Interpreter string
}

// String renders the event on one line, for logs and tests.
func (e Event) String() string {
	s := fmt.Sprintf("#%d %s %s at %s", e.Seq, e.Particle, e.Kind, e.Peer.ShortString())
	switch e.Kind {
	case Received:
		if e.From != "" {
			s += " from " + e.From.ShortString()
		}
	case Sent:
		s += " to " + e.To.ShortString()
	case CallRequested:
		s += fmt.Sprintf(" %s.%s(%s)", e.Service, e.Function, e.Args)
	case CallFinished:
		if e.Err != "" {
			s += fmt.Sprintf(" %s.%s failed (%d): %s", e.Service, e.Function, e.RetCode, e.Err)
		} else {
			s += fmt.Sprintf(" %s.%s = %s", e.Service, e.Function, e.Result)
		}
	case Interpreted:
		if e.Interpreter != "" {
			s += " by " + e.Interpreter
		}
		s += fmt.Sprintf(" in %v, %d bytes", e.Duration, e.DataSize)
		if e.Err != "" {
			s += fmt.Sprintf(", error %d: %s", e.RetCode, e.Err)
		}
	case Dropped:
		if e.To != "" {
			s += " on its way to " + e.To.ShortString()
		}
		s += ": " + e.Reason.String()
		if e.Err != "" {
			s += ": " + e.Err
		}
	case ServiceLog:
		s += ": " + e.Result
	}
	return s
}
