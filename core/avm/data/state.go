package data

import "fmt"

// State is one entry of an execution trace: *Par, *Call, *Fold, *Ap or
// *Canon. The trace lists the states of a script's instructions in the
// order a depth-first run met them; par and fold states carry the sizes
// that let a merge find each branch and iteration again.
type State interface {
	fmt.Stringer
	state()
}

// Par records the number of states each branch of a par produced.
type Par struct {
	Left, Right uint32
}

// Size is the number of states both branches hold.
func (p *Par) Size() uint64 { return uint64(p.Left) + uint64(p.Right) }

// CallKind tells what happened to a call.
type CallKind uint8

const (
	// CallSent: the call waits elsewhere. Peer sent the particle on; with
	// HasID, Peer asked its host to run the call as request ID.
	CallSent CallKind = iota
	// CallScalar: executed; CID is a service result bound to a scalar.
	CallScalar
	// CallStream: executed; CID is a service result appended to a stream
	// in generation Gen.
	CallStream
	// CallUnused: executed without an output; CID is the value's own CID
	// and the value itself is not stored.
	CallUnused
	// CallFailed: the service failed; CID is a service result whose value
	// is {"ret_code": N, "message": "..."}.
	CallFailed
)

// Call is the state of a call instruction.
type Call struct {
	Kind  CallKind
	Peer  string // CallSent
	HasID bool   // CallSent: a local request with ID
	ID    uint32
	CID   CID    // CallScalar, CallStream, CallUnused, CallFailed
	Gen   uint32 // CallStream
}

// Fold records, for a fold over a stream, the states of each iteration.
type Fold struct {
	Lore []Iteration
}

// Iteration describes one iteration of a stream fold: ValuePos is the
// trace position of the state that put the iterated value into the
// stream; Before and After are the states the body produced before and
// after its (next).
type Iteration struct {
	ValuePos      uint32
	Before, After Subtrace
}

// Subtrace is a window of Len states starting at trace position Pos.
type Subtrace struct {
	Pos, Len uint32
}

// Ap records the generation an ap appended its value to.
type Ap struct {
	Gen uint32
}

// Canon is the state of a canon instruction: either the particle was sent
// to the canon's peer by Peer, or the canon ran and CID names its result.
type Canon struct {
	Sent bool
	Peer string
	CID  CID
}

func (*Par) state()   {}
func (*Call) state()  {}
func (*Fold) state()  {}
func (*Ap) state()    {}
func (*Canon) state() {}

func (p *Par) String() string { return fmt.Sprintf("par(%d,%d)", p.Left, p.Right) }

func (c *Call) String() string {
	switch c.Kind {
	case CallSent:
		if c.HasID {
			return fmt.Sprintf("request_sent_by(%s, call_id=%d)", c.Peer, c.ID)
		}
		return fmt.Sprintf("request_sent_by(%s)", c.Peer)
	case CallScalar:
		return fmt.Sprintf("scalar(%s)", c.CID)
	case CallStream:
		return fmt.Sprintf("stream(%s, gen=%d)", c.CID, c.Gen)
	case CallUnused:
		return fmt.Sprintf("unused(%s)", c.CID)
	case CallFailed:
		return fmt.Sprintf("failed(%s)", c.CID)
	}
	return fmt.Sprintf("call(kind=%d)", c.Kind)
}

func (f *Fold) String() string { return fmt.Sprintf("fold(%v)", f.Lore) }

func (a *Ap) String() string { return fmt.Sprintf("ap(%d)", a.Gen) }

func (c *Canon) String() string {
	if c.Sent {
		return fmt.Sprintf("canon_request_sent_by(%s)", c.Peer)
	}
	return fmt.Sprintf("canon(%s)", c.CID)
}

// ResultCID returns the CID a state attributes to a peer: the service
// result of an executed or failed call, or the result of a canon.
func ResultCID(s State) (CID, bool) {
	switch s := s.(type) {
	case *Call:
		switch s.Kind {
		case CallScalar, CallStream, CallFailed:
			return s.CID, true
		}
	case *Canon:
		if !s.Sent {
			return s.CID, true
		}
	}
	return "", false
}
