package merge

import "github.com/aquarium-p2p/aquarium/core/avm/data"

// parFSM tracks one par while its branches run.
type parFSM struct {
	prev, cur data.Par
	// at is the position of the par's own state in the new trace, and
	// state that state, whose sizes are set when the par ends.
	at    uint32
	state *data.Par
	// left is the number of states the left branch produced.
	left uint32
	// where each slider goes when a branch ends.
	prevLeftEnd, curLeftEnd   frame
	prevRightEnd, curRightEnd frame
}

// ParStart merges the next states as those of a par and points the
// sliders at the left branches.
func (h *Handler) ParStart() error {
	p, q := h.nextPair()
	pp, pIsPar := p.(*data.Par)
	qp, qIsPar := q.(*data.Par)
	if p != nil && !pIsPar || q != nil && !qIsPar {
		return incompatible(p, q, "par")
	}
	f := parFSM{at: h.Pos(), state: h.newPars.new()}
	if pp != nil {
		f.prev = *pp
	}
	if qp != nil {
		f.cur = *qp
	}
	var err error
	if f.prevLeftEnd, f.prevRightEnd, err = branchEnds(&h.prev, f.prev); err != nil {
		return errorf("previous par %v: %v", &f.prev, err)
	}
	if f.curLeftEnd, f.curRightEnd, err = branchEnds(&h.cur, f.cur); err != nil {
		return errorf("current par %v: %v", &f.cur, err)
	}
	if err := h.prev.setWindow(f.prev.Left); err != nil {
		return errorf("previous par %v: %v", &f.prev, err)
	}
	if err := h.cur.setWindow(f.cur.Left); err != nil {
		return errorf("current par %v: %v", &f.cur, err)
	}
	h.out = append(h.out, f.state)
	h.pars = append(h.pars, f)
	return nil
}

// branchEnds computes where a slider stands after each branch of par: past
// the left branch, then past the whole par with the rest of the enclosing
// window.
func branchEnds(s *slider, par data.Par) (left, right frame, err error) {
	if par.Size() > uint64(^uint32(0)) {
		return frame{}, frame{}, errorf("par size overflows")
	}
	if _, err := s.after(uint32(par.Size())); err != nil {
		return frame{}, frame{}, err
	}
	left = frame{pos: s.pos + par.Left, window: par.Left}
	right, err = s.after(uint32(par.Size()))
	return left, right, err
}

// ParLeftEnd closes the left branch of the innermost par and points the
// sliders at the right branches.
func (h *Handler) ParLeftEnd() error {
	if len(h.pars) == 0 {
		return errorf("par branch ended outside a par")
	}
	f := &h.pars[len(h.pars)-1]
	f.left = h.Pos() - f.at - 1
	h.prev.restore(f.prevLeftEnd)
	h.cur.restore(f.curLeftEnd)
	// A right branch too long for the trace was refused when the par
	// started (its end frame would not fit), so these cannot fail.
	_ = h.prev.setWindow(f.prev.Right)
	_ = h.cur.setWindow(f.cur.Right)
	return nil
}

// ParRightEnd closes the innermost par: it records the sizes its branches
// produced and moves the sliders past the par.
func (h *Handler) ParRightEnd() error {
	if len(h.pars) == 0 {
		return errorf("par branch ended outside a par")
	}
	f := h.pars[len(h.pars)-1]
	h.pars = h.pars[:len(h.pars)-1]
	right := h.Pos() - f.at - 1 - f.left
	f.state.Left, f.state.Right = f.left, right
	h.prev.restore(f.prevRightEnd)
	h.cur.restore(f.curRightEnd)
	return nil
}
