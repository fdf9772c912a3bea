package merge

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

// Source tells which trace a merged state came from.
type Source uint8

const (
	// Previous: the state was in the previous trace (perhaps in both).
	Previous Source = iota
	// Current: the state was only in the current trace.
	Current
)

// Error is a failure to merge: the traces disagree with each other or with
// the script. The interpreter treats it as data corruption.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// Handler merges two traces while the interpreter runs.
type Handler struct {
	prev, cur slider
	out       []data.State
	// newToPrev and newToCur map a position in the new trace to the
	// position of the same state in the previous or current trace (none
	// where there is none); stream folds use them to find the iterations
	// over a value.
	newToPrev, newToCur positions
	pars                []parFSM
	folds               map[int]*foldFSM
	// newCalls and newPars are where the states the run makes come from.
	newCalls slab[data.Call]
	newPars  slab[data.Par]
}

// New starts a merge of prev and cur.
func New(prev, cur []data.State) *Handler {
	return &Handler{
		prev:  newSlider(prev),
		cur:   newSlider(cur),
		out:   make([]data.State, 0, max(len(prev), len(cur))+8),
		folds: map[int]*foldFSM{},
	}
}

// Pos is the position the next state will take in the new trace.
func (h *Handler) Pos() uint32 { return uint32(len(h.out)) }

// Trace returns the new trace.
func (h *Handler) Trace() []data.State { return h.out }

// Push appends a state to the new trace.
func (h *Handler) Push(s data.State) { h.out = append(h.out, s) }

// PushCall appends a new call state, a copy of c, to the new trace.
func (h *Handler) PushCall(c data.Call) {
	p := h.newCalls.new()
	*p = c
	h.Push(p)
}

// SetGeneration rewrites the generation of the stream state at pos; the
// interpreter renumbers generations when a stream's scope ends.
func (h *Handler) SetGeneration(pos, gen uint32) error {
	if int(pos) >= len(h.out) {
		return errorf("generation update points to position %d of a %d-state trace", pos, len(h.out))
	}
	switch s := h.out[pos].(type) {
	case *data.Ap:
		if s.Gen != gen {
			h.out[pos] = &data.Ap{Gen: gen}
		}
	case *data.Call:
		if s.Kind != data.CallStream {
			return errorf("generation update points to %v", s)
		}
		if s.Gen == gen {
			return nil
		}
		c := *s
		c.Gen = gen
		h.out[pos] = &c
	default:
		return errorf("generation update points to %v", s)
	}
	return nil
}

func (h *Handler) nextPair() (data.State, data.State) {
	return h.prev.next(), h.cur.next()
}

func (h *Handler) mapPositions(src Source, both bool) {
	pos := h.Pos()
	if src == Previous {
		h.newToPrev.set(pos, h.prev.pos-1)
		if both {
			h.newToCur.set(pos, h.cur.pos-1)
		}
		return
	}
	h.newToCur.set(pos, h.cur.pos-1)
}

// positions maps positions in the new trace, which are dense, to
// positions in another trace.
type positions []uint32

// none marks a position of the new trace with no counterpart.
const none = ^uint32(0)

func (p *positions) set(pos, to uint32) {
	for uint32(len(*p)) <= pos {
		*p = append(*p, none)
	}
	(*p)[pos] = to
}

// get returns the counterpart of pos, if it has one.
func (p positions) get(pos uint32) (uint32, bool) {
	if pos >= uint32(len(p)) || p[pos] == none {
		return 0, false
	}
	return p[pos], true
}

func incompatible(prev, cur data.State, want string) error {
	return errorf("incompatible states met while merging %s: previous %v, current %v", want, stateName(prev), stateName(cur))
}

func stateName(s data.State) string {
	if s == nil {
		return "none"
	}
	return s.String()
}

// NextExecutedOnlyInPrevious reports whether the next call state is an
// executed call (a value, a stream value or an unused result) of the
// previous trace that the current trace has nothing beside, and if so
// its position in the previous trace.
func (h *Handler) NextExecutedOnlyInPrevious() (uint32, bool) {
	if h.cur.peek() != nil {
		return 0, false
	}
	c, ok := h.prev.peek().(*data.Call)
	return h.prev.pos, ok && (c.Kind == data.CallScalar || c.Kind == data.CallStream || c.Kind == data.CallUnused)
}

// CallStart merges the next states as those of a call. ok is false when
// neither trace has one; otherwise the merged state is returned with the
// position it will take and where it came from.
func (h *Handler) CallStart() (c *data.Call, pos uint32, src Source, ok bool, err error) {
	p, q := h.nextPair()
	pc, pIsCall := p.(*data.Call)
	qc, qIsCall := q.(*data.Call)
	switch {
	case p == nil && q == nil:
		return nil, 0, 0, false, nil
	case p != nil && !pIsCall || q != nil && !qIsCall:
		return nil, 0, 0, false, incompatible(p, q, "call")
	case p == nil:
		c, src = qc, Current
	case q == nil:
		c, src = pc, Previous
	default:
		var both bool
		c, src, both, err = mergeCalls(pc, qc)
		if err != nil {
			return nil, 0, 0, false, err
		}
		pos = h.Pos()
		h.mapPositions(src, both)
		return c, pos, src, true, nil
	}
	pos = h.Pos()
	h.mapPositions(src, false)
	return c, pos, src, true, nil
}

func mergeCalls(p, q *data.Call) (*data.Call, Source, bool, error) {
	pSent, qSent := p.Kind == data.CallSent, q.Kind == data.CallSent
	switch {
	case pSent && qSent:
		// Senders need not agree: the same call may have been forwarded
		// by different peers along different routes.
		return p, Previous, false, nil
	case pSent:
		return q, Current, false, nil
	case qSent:
		return p, Previous, false, nil
	case p.Kind == data.CallFailed && q.Kind == data.CallFailed:
		if *p != *q {
			return nil, 0, false, errorf("failed call results are not equal: %v != %v", p, q)
		}
		return p, Previous, false, nil
	case p.Kind == data.CallFailed || q.Kind == data.CallFailed:
		return nil, 0, false, errorf("incompatible call results: %v and %v", p, q)
	case p.Kind != q.Kind || p.CID != q.CID:
		// Stream results may sit in different generations on different
		// peers; only the value matters.
		return nil, 0, false, errorf("values in call results are not equal: %v != %v", p, q)
	}
	return p, Previous, true, nil
}

// ApStart merges the next states as those of an ap to a stream and returns
// the generation recorded for it.
func (h *Handler) ApStart() (gen uint32, src Source, ok bool, err error) {
	p, q := h.nextPair()
	pa, pIsAp := p.(*data.Ap)
	qa, qIsAp := q.(*data.Ap)
	switch {
	case p == nil && q == nil:
		return 0, 0, false, nil
	case p != nil && !pIsAp || q != nil && !qIsAp:
		return 0, 0, false, incompatible(p, q, "ap")
	case p == nil:
		h.mapPositions(Current, false)
		return qa.Gen, Current, true, nil
	default:
		h.mapPositions(Previous, q != nil)
		return pa.Gen, Previous, true, nil
	}
}

// CanonStart merges the next states as those of a canon.
func (h *Handler) CanonStart() (*data.Canon, bool, error) {
	p, q := h.nextPair()
	pc, pIsCanon := p.(*data.Canon)
	qc, qIsCanon := q.(*data.Canon)
	switch {
	case p == nil && q == nil:
		return nil, false, nil
	case p != nil && !pIsCanon || q != nil && !qIsCanon:
		return nil, false, incompatible(p, q, "canon")
	case p == nil:
		return qc, true, nil
	case q == nil:
		return pc, true, nil
	case !pc.Sent && !qc.Sent && pc.CID != qc.CID:
		return nil, false, errorf("canon results are not equal: %v != %v", pc, qc)
	case pc.Sent && !qc.Sent:
		return qc, true, nil
	}
	return pc, true, nil
}
