package avm

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

func (x *interp) fold(f *air.Fold) error {
	var items []val
	var err error
	switch it := f.Iterable.(type) {
	case *air.Stream:
		return x.foldStream(f, x.streams.get(it.Name, it.Pos()))
	case *air.StreamMap:
		return x.foldStream(f, x.streams.get(it.Name, it.Pos()))
	case *air.EmptyArray:
		return nil
	case *air.Scalar:
		items, err = x.scalarItems(it)
	case *air.CanonStream:
		items, err = x.canonItems(it.Name, it.Lens)
	case *air.CanonMap:
		items, err = x.canonItems(it.Name, it.Lens)
	default:
		err = uncatchable(CodeTraceError, "cannot fold over %s", air.FormatValue(it))
	}
	if err != nil {
		if isJoinable(err) {
			x.complete = false
			return nil
		}
		return err
	}
	if len(items) == 0 {
		return nil
	}
	return x.runFold(f, items, -1)
}

// arrayItems turns an array into fold items, each tetraplet extended with
// the element's index.
func arrayItems(v value.Value, tet data.Tetraplet, pos uint32, prov data.Provenance, expr string) ([]val, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, catchable(CodeFoldOverNonArray,
			"expression '%s' returned non-array value '%s' for fold iterable", expr, value.String(v))
	}
	items := make([]val, len(arr))
	for i, e := range arr {
		t := tet
		t.Lens += fmt.Sprintf(".$.[%d]", i)
		items[i] = val{v: e, tet: t, pos: pos, prov: prov}
	}
	return items, nil
}

func (x *interp) scalarItems(s *air.Scalar) ([]val, error) {
	if s.Lens.IsZero() {
		sv, err := x.scalarVal(s.Name)
		if err != nil {
			return nil, err
		}
		return arrayItems(sv.v, sv.tet, sv.pos, sv.prov, s.Name)
	}
	r, err := x.resolveScalar(s.Name, s.Lens)
	if err != nil {
		return nil, err
	}
	return arrayItems(r.v, r.tets[0], 0, r.prov, s.Lens.String())
}

func (x *interp) canonItems(name string, lens air.Lens) ([]val, error) {
	c, err := x.canonVar(name)
	if err != nil {
		return nil, err
	}
	if !lens.IsZero() {
		r, err := x.resolveCanon(name, lens)
		if err != nil {
			return nil, err
		}
		return arrayItems(r.v, r.tets[0], 0, r.prov, lens.String())
	}
	if !c.isMap {
		return c.elems, nil
	}
	// A fold over a canon map sees each key once, with its last value,
	// in the order those last values were added.
	last := map[string]int{}
	for i, e := range c.elems {
		if k, ok := mapKey(e.v.(map[string]any)["key"]); ok {
			last[k] = i
		}
	}
	var items []val
	for i, e := range c.elems {
		if k, _ := mapKey(e.v.(map[string]any)["key"]); last[k] == i {
			items = append(items, e)
		}
	}
	return items, nil
}

// runFold binds the iterator to the first item and runs the body; each
// (next) runs the body for the following item.
func (x *interp) runFold(f *air.Fold, items []val, streamFold int) error {
	name := f.Iterator.Name
	if _, dup := x.sc.iters[name]; dup {
		return uncatchable(CodeMultipleIterableValues, "multiple iterable values found for iterable name '%s'", name)
	}
	fs := &foldState{items: items, body: f.Body, streamFold: streamFold}
	if f.Last != nil {
		fs.last = f.Last
	}
	x.sc.foldStart()
	x.sc.iters[name] = fs
	err := x.exec(f.Body)
	delete(x.sc.iters, name)
	x.sc.foldEnd()
	return err
}

func (x *interp) next(n *air.Next) error {
	name := n.Iterator.Name
	fs, ok := x.sc.iters[name]
	if !ok {
		return uncatchable(CodeFoldStateNotFound, "fold state not found for this iterable '%s'", name)
	}
	stream := fs.streamFold >= 0
	if stream {
		if err := x.tr.IterationEnd(fs.streamFold); err != nil {
			return errTrace(display(n), err)
		}
	}
	if fs.cursor+1 >= len(fs.items) {
		if stream {
			if err := x.tr.BackIterator(fs.streamFold); err != nil {
				return errTrace(display(n), err)
			}
		}
		if fs.last != nil {
			x.complete = true
			return x.exec(fs.last)
		}
		if stream && !fs.backStarted {
			// A fold over a stream without a last instruction never
			// completes: the stream may still grow.
			fs.backStarted = true
			x.complete = false
		}
		return nil
	}
	fs.cursor++
	if stream {
		if err := x.tr.IterationStart(fs.streamFold, fs.item().pos); err != nil {
			return errTrace(display(n), err)
		}
	}
	x.sc.nextBefore()
	err := x.exec(fs.body)
	x.sc.nextAfter()
	if err != nil {
		return err
	}
	fs.cursor--
	if stream {
		if err := x.tr.BackIterator(fs.streamFold); err != nil {
			return errTrace(display(n), err)
		}
	}
	return nil
}

// foldStream iterates a stream generation by generation. Values the
// iterations append to the same stream form new generations, iterated in
// turn until none appear. Catchable errors end an iteration but not the
// fold; the fold is complete if any generation completed.
func (x *interp) foldStream(f *air.Fold, s *stream) error {
	if s == nil {
		// The stream does not exist yet: wait for it.
		x.complete = false
		return nil
	}
	id := x.foldSeq
	x.foldSeq++
	if err := x.tr.FoldStart(id); err != nil {
		return errTrace(display(f), err)
	}
	var c cursor
	gens := s.foldStart(&c)
	anyComplete := false
	for len(gens) > 0 {
		for _, g := range gens {
			if err := x.tr.IterationStart(id, g[0].pos); err != nil {
				return errTrace(display(f), err)
			}
			items := make([]val, len(g))
			for i, v := range g {
				items[i] = *v
			}
			if err := x.runFold(f, items, id); err != nil && !isCatchable(err) {
				return err
			}
			if err := x.tr.GenerationEnd(id); err != nil {
				return errTrace(display(f), err)
			}
			anyComplete = anyComplete || x.complete
		}
		gens = s.iterationEnd(&c)
	}
	x.complete = anyComplete
	if err := x.tr.FoldEnd(id); err != nil {
		return errTrace(display(f), err)
	}
	return nil
}
