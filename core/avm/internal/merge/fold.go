package merge

import "github.com/aquarium-p2p/aquarium/core/avm/data"

// resolvedFold is a fold state of one trace, indexed by the position of the
// iterated value, with each iteration's windows widened to cover the
// iterations nested in it.
type resolvedFold struct {
	lore  map[uint32]*data.Iteration
	count uint32 // states the whole fold holds
}

// resolveFold widens the windows of a fold's iterations. In a trace, the
// states of iteration k of one generation are laid out as
// before(k) before(k+1) ... before(n) after(n) ... after(k+1) after(k):
// each (next) runs the following iterations in the middle of the body.
// The window for before(k) must therefore span everything up to after(k),
// and the window for after(k) everything from after(n) to its own end.
func resolveFold(f *data.Fold, s *slider) (resolvedFold, error) {
	r := resolvedFold{lore: make(map[uint32]*data.Iteration, len(f.Lore))}
	before, after, count, err := widen(f, s)
	if err != nil {
		return r, err
	}
	for i, it := range f.Lore {
		if _, dup := r.lore[it.ValuePos]; dup {
			return r, errorf("fold has several iterations over the value at position %d", it.ValuePos)
		}
		r.lore[it.ValuePos] = &data.Iteration{
			ValuePos: it.ValuePos,
			Before:   data.Subtrace{Pos: it.Before.Pos, Len: before[i]},
			After:    data.Subtrace{Pos: it.After.Pos, Len: after[i]},
		}
	}
	r.count = count
	return r, nil
}

// widen computes the widened before and after window lengths of each
// iteration and the number of states the fold holds.
func widen(f *data.Fold, s *slider) (before, after []uint32, count uint32, err error) {
	n := len(f.Lore)
	before = make([]uint32, n)
	after = make([]uint32, n)
	var total uint64
	genStart := 0
	var cumAfter, lastGen uint32
	closeGen := func(from, to int) {
		var cum uint32
		for i := to; i >= from; i-- {
			cum += before[i]
			before[i] = cum + after[to]
		}
	}
	for i, it := range f.Lore {
		gen, err := generationAt(s, it.ValuePos)
		if err != nil {
			return nil, nil, 0, err
		}
		if i == 0 {
			lastGen = gen
		} else if gen != lastGen {
			closeGen(genStart, i-1)
			lastGen, genStart, cumAfter = gen, i, 0
		}
		total += uint64(it.Before.Len) + uint64(it.After.Len)
		if total > uint64(s.len()) {
			return nil, nil, 0, errorf("fold iterations hold %d states, more than the trace's %d", total, s.len())
		}
		cumAfter += it.After.Len
		before[i] = it.Before.Len
		after[i] = cumAfter
	}
	if n > 0 {
		closeGen(genStart, n-1)
	}
	return before, after, uint32(total), nil
}

func generationAt(s *slider, pos uint32) (uint32, error) {
	st, ok := s.at(pos)
	if !ok {
		return 0, errorf("fold iterates over a value at position %d, past the trace's end %d", pos, s.len())
	}
	switch st := st.(type) {
	case *data.Call:
		if st.Kind == data.CallStream {
			return st.Gen, nil
		}
	case *data.Ap:
		return st.Gen, nil
	}
	return 0, errorf("fold iterates over a value at position %d that is not a stream value but %v", pos, st)
}

// loreCtor records the windows of one iteration as the new trace grows.
type loreCtor struct {
	valuePos             uint32
	beforeStart, beforeE uint32
	afterStart, afterE   uint32
	stage                int // 0 before started, 1 before done, 2 after started, 3 after done
	prev, cur            *data.Iteration
}

func (c *loreCtor) step() { c.stage = min(c.stage+1, 3) }

func (c *loreCtor) beforeEnd(pos uint32)    { c.beforeE = pos; c.step() }
func (c *loreCtor) afterStartAt(pos uint32) { c.afterStart = pos; c.step() }
func (c *loreCtor) afterEnd(pos uint32)     { c.afterE = pos; c.step() }

// finish closes whatever windows an iteration left open: an iteration
// whose body stopped early (an error, a variable not yet defined) never
// reached its (next).
func (c *loreCtor) finish(pos uint32) {
	switch c.stage {
	case 0:
		c.beforeEnd(pos)
		c.afterStartAt(pos)
		c.afterEnd(pos)
	case 1:
		c.afterStartAt(pos)
		c.afterEnd(pos)
	case 2:
		c.afterEnd(pos)
	}
}

func (c *loreCtor) iteration() data.Iteration {
	return data.Iteration{
		ValuePos: c.valuePos,
		Before:   data.Subtrace{Pos: c.beforeStart, Len: c.beforeE - c.beforeStart},
		After:    data.Subtrace{Pos: c.afterStart, Len: c.afterE - c.afterStart},
	}
}

// foldFSM tracks one fold over a stream.
type foldFSM struct {
	prev, cur       resolvedFold
	at              uint32
	queue           []*loreCtor
	back            int // 1-based index of the iteration being unwound
	backStarted     bool
	lore            []data.Iteration
	prevEnd, curEnd frame
}

// FoldStart merges the next states as those of the stream fold id.
func (h *Handler) FoldStart(id int) error {
	p, q := h.nextPair()
	pf, pIsFold := p.(*data.Fold)
	qf, qIsFold := q.(*data.Fold)
	if p != nil && !pIsFold || q != nil && !qIsFold {
		return incompatible(p, q, "fold")
	}
	f := &foldFSM{at: h.Pos()}
	var err error
	if pf != nil {
		if f.prev, err = resolveFold(pf, &h.prev); err != nil {
			return errorf("previous fold: %v", err)
		}
	}
	if qf != nil {
		if f.cur, err = resolveFold(qf, &h.cur); err != nil {
			return errorf("current fold: %v", err)
		}
	}
	if f.prevEnd, err = h.prev.after(f.prev.count); err != nil {
		return errorf("previous fold: %v", err)
	}
	if f.curEnd, err = h.cur.after(f.cur.count); err != nil {
		return errorf("current fold: %v", err)
	}
	h.out = append(h.out, &data.Fold{})
	h.folds[id] = f
	return nil
}

func (h *Handler) fold(id int) (*foldFSM, error) {
	f, ok := h.folds[id]
	if !ok {
		return nil, errorf("fold %d is not running", id)
	}
	return f, nil
}

func applyWindow(s *slider, it *data.Iteration, after bool) error {
	if it == nil {
		return s.setWindow(0)
	}
	w := it.Before
	if after {
		w = it.After
	}
	return s.setPosWindow(w.Pos, w.Len)
}

func (h *Handler) applyLore(c *loreCtor, after bool) error {
	if err := applyWindow(&h.prev, c.prev, after); err != nil {
		return errorf("previous fold iteration: %v", err)
	}
	if err := applyWindow(&h.cur, c.cur, after); err != nil {
		return errorf("current fold iteration: %v", err)
	}
	return nil
}

// IterationStart begins an iteration of fold id over the stream value
// whose state is at valuePos in the new trace.
func (h *Handler) IterationStart(id int, valuePos uint32) error {
	f, err := h.fold(id)
	if err != nil {
		return err
	}
	c := &loreCtor{valuePos: valuePos, beforeStart: h.Pos()}
	if p, ok := h.newToPrev.get(valuePos); ok {
		c.prev = f.prev.lore[p]
		delete(f.prev.lore, p)
	}
	if p, ok := h.newToCur.get(valuePos); ok {
		c.cur = f.cur.lore[p]
		delete(f.cur.lore, p)
	}
	if err := h.applyLore(c, false); err != nil {
		return err
	}
	f.queue = append(f.queue, c)
	f.back++
	return nil
}

// IterationEnd marks the (next) of the current iteration of fold id.
func (h *Handler) IterationEnd(id int) error {
	f, err := h.fold(id)
	if err != nil {
		return err
	}
	if f.back == 0 {
		return errorf("fold %d: next outside an iteration", id)
	}
	f.queue[f.back-1].beforeEnd(h.Pos())
	return nil
}

// BackIterator marks the return from a (next) of fold id: the rest of the
// body of an earlier iteration runs now.
func (h *Handler) BackIterator(id int) error {
	f, err := h.fold(id)
	if err != nil {
		return err
	}
	if f.back == 0 {
		return errorf("fold %d: returned from more iterations than it started", id)
	}
	pos := h.Pos()
	if !f.backStarted {
		c := f.queue[f.back-1]
		if c.stage == 0 {
			c.beforeEnd(pos)
		}
		c.afterStartAt(pos)
		f.backStarted = true
		return h.applyLore(c, true)
	}
	f.queue[f.back-1].afterEnd(pos)
	f.back--
	if f.back == 0 {
		return errorf("fold %d: returned from more iterations than it started", id)
	}
	c := f.queue[f.back-1]
	c.afterStartAt(pos)
	return h.applyLore(c, true)
}

// GenerationEnd closes the iterations over one generation of the stream.
func (h *Handler) GenerationEnd(id int) error {
	f, err := h.fold(id)
	if err != nil {
		return err
	}
	pos := h.Pos()
	for _, c := range f.queue {
		c.finish(pos)
		f.lore = append(f.lore, c.iteration())
	}
	f.queue = f.queue[:0]
	f.back = 0
	f.backStarted = false
	return nil
}

// FoldEnd records fold id's state and moves the sliders past its states.
func (h *Handler) FoldEnd(id int) error {
	f, err := h.fold(id)
	if err != nil {
		return err
	}
	delete(h.folds, id)
	h.out[f.at] = &data.Fold{Lore: f.lore}
	h.prev.restore(f.prevEnd)
	h.cur.restore(f.curEnd)
	return nil
}
