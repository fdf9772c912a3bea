package avm

import (
	"strconv"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// fold starts a fold and returns the body to run for its first item, or
// nil when it has nothing to iterate.
func (x *interp) fold(f *air.Fold) (air.Instr, error) {
	var fs *foldState
	var err error
	switch it := f.Iterable.(type) {
	case *air.Stream:
		return x.foldStream(f, x.streams.get(it.Name, it.Pos()))
	case *air.StreamMap:
		return x.foldStream(f, x.streams.get(it.Name, it.Pos()))
	case *air.EmptyArray:
		return nil, nil
	case *air.Scalar:
		fs, err = x.scalarItems(it)
	case *air.CanonStream:
		fs, err = x.canonItems(it.Name, it.Lens)
	case *air.CanonMap:
		fs, err = x.canonItems(it.Name, it.Lens)
	default:
		err = uncatchable(CodeTraceError, "cannot fold over %s", air.FormatValue(it))
	}
	if err != nil {
		if isJoinable(err) {
			x.complete = false
			return nil, nil
		}
		return nil, err
	}
	if fs.len() == 0 {
		return nil, nil
	}
	fs.streamFold = -1
	return x.runFold(f, fs)
}

// arrayItems makes a fold over the elements of an array; each element's
// tetraplet is the array's extended with the element's index.
func arrayItems(v value.Value, tet data.Tetraplet, pos uint32, prov data.Provenance, expr string) (*foldState, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, catchable(CodeFoldOverNonArray,
			"expression '%s' returned non-array value '%s' for fold iterable", expr, value.String(v))
	}
	return &foldState{arr: arr, base: val{tet: tet, pos: pos, prov: prov}}, nil
}

func (x *interp) scalarItems(s *air.Scalar) (*foldState, error) {
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
	return arrayItems(r.v, r.tet, 0, r.prov, s.Lens.String())
}

func (x *interp) canonItems(name string, lens air.Lens) (*foldState, error) {
	c, err := x.canonVar(name)
	if err != nil {
		return nil, err
	}
	if !lens.IsZero() {
		r, err := x.resolveCanon(name, lens)
		if err != nil {
			return nil, err
		}
		return arrayItems(r.v, r.tet, 0, r.prov, lens.String())
	}
	// A fold over a canon map, as over a canon stream, sees every
	// key-value pair in the order they were added, a key as often as it
	// was (the reference interpreter's CanonStreamMap::iter).
	return &foldState{items: c.elems}, nil
}

// runFold binds the iterator to the first item and returns the body to
// run for it; each (next) runs the body for the following item.
func (x *interp) runFold(f *air.Fold, fs *foldState) (air.Instr, error) {
	name := f.Iterator.Name
	if _, dup := x.sc.iters[name]; dup {
		return nil, uncatchable(CodeMultipleIterableValues, "multiple iterable values found for iterable name '%s'", name)
	}
	fs.name, fs.body, fs.last = name, f.Body, f.Last
	x.sc.foldStart()
	x.sc.iters[name] = fs
	x.push(frame{kind: foldBody, in: f, fs: fs})
	return f.Body, nil
}

// foldEnd unbinds the iterator of a fold whose body has finished.
func (x *interp) foldEnd(fs *foldState) {
	delete(x.sc.iters, fs.name)
	x.sc.foldEnd()
}

// next moves a fold to its following item and returns the body to run
// for it, or, past the last item, the fold's last instruction if it has
// one.
func (x *interp) next(n *air.Next) (air.Instr, error) {
	name := n.Iterator.Name
	fs, ok := x.sc.iters[name]
	if !ok {
		return nil, uncatchable(CodeFoldStateNotFound, "fold state not found for this iterable '%s'", name)
	}
	stream := fs.streamFold >= 0
	if stream {
		if err := x.tr.IterationEnd(fs.streamFold); err != nil {
			return nil, errTrace(display(n), err)
		}
	}
	if fs.cursor+1 >= fs.len() {
		if stream {
			if err := x.tr.BackIterator(fs.streamFold); err != nil {
				return nil, errTrace(display(n), err)
			}
		}
		if fs.last != nil {
			x.complete = true
			return fs.last, nil
		}
		if stream && !fs.backStarted {
			// A fold over a stream without a last instruction never
			// completes: the stream may still grow.
			fs.backStarted = true
			x.complete = false
		}
		return nil, nil
	}
	fs.cursor++
	if stream {
		if err := x.tr.IterationStart(fs.streamFold, fs.item().pos); err != nil {
			return nil, errTrace(display(n), err)
		}
	}
	x.sc.nextBefore()
	if !x.stack.empty() && x.stack.peek().kind == nextBody && x.stack.peek().fs == fs {
		// The body reached this next as the last thing it does: the
		// return from this next is the return from the one before.
		x.stack.peek().n++
	} else {
		x.push(frame{kind: nextBody, in: n, fs: fs, n: 1})
	}
	return fs.body, nil
}

// nextEnd returns from a (next) whose body finished with err: the
// iterator goes back to the item before, for the code after the next.
func (x *interp) nextEnd(f *frame, err error) (air.Instr, error) {
	n, fs := f.in.(*air.Next), f.fs
	x.sc.nextAfter()
	f.n--
	if err == nil {
		fs.cursor--
		if fs.streamFold >= 0 {
			if e := x.tr.BackIterator(fs.streamFold); e != nil {
				err = errTrace(display(n), e)
			}
		}
	}
	if err == nil {
		if f.n == 0 {
			x.pop()
		}
		return nil, nil
	}
	// The error leaves every next the frame stands for.
	err = x.finish(n, err)
	for ; f.n > 0; f.n-- {
		x.sc.nextAfter()
	}
	x.pop()
	return nil, err
}

// foldStream iterates a stream generation by generation. Values the
// iterations append to the same stream form new generations, iterated in
// turn until none appear. Catchable errors end an iteration but not the
// fold; the fold is complete if any generation completed.
func (x *interp) foldStream(f *air.Fold, s *stream) (air.Instr, error) {
	if s == nil {
		// The stream does not exist yet: wait for it.
		x.complete = false
		return nil, nil
	}
	id := x.foldSeq
	x.foldSeq++
	if err := x.tr.FoldStart(id); err != nil {
		return nil, errTrace(display(f), err)
	}
	sf := &streamFoldState{id: id, s: s}
	sf.gens = s.foldStart(&sf.c)
	x.push(frame{kind: streamFold, in: f, sf: sf})
	return x.generationStart(f, sf)
}

// generationStart starts the iterations over the stream fold's current
// generation, or ends the fold when no generation is left. The stream
// fold's frame is on top.
func (x *interp) generationStart(f *air.Fold, sf *streamFoldState) (air.Instr, error) {
	if len(sf.gens) == 0 {
		x.pop()
		x.complete = sf.anyComplete
		if err := x.tr.FoldEnd(sf.id); err != nil {
			return nil, errTrace(display(f), err)
		}
		return nil, nil
	}
	g := sf.gens[sf.gen]
	if err := x.tr.IterationStart(sf.id, g[0].pos); err != nil {
		x.pop()
		return nil, errTrace(display(f), err)
	}
	items := make([]val, len(g))
	for i, v := range g {
		items[i] = *v
	}
	body, err := x.runFold(f, &foldState{items: items, streamFold: sf.id})
	if err != nil {
		x.pop()
	}
	return body, err
}

// generationEnd takes the end of the iterations over one generation of a
// stream fold and goes on to the next generation.
func (x *interp) generationEnd(fr *frame, err error) (air.Instr, error) {
	f, sf := fr.in.(*air.Fold), fr.sf
	if err != nil && !isCatchable(err) {
		x.pop()
		return nil, x.finish(f, err)
	}
	if err := x.tr.GenerationEnd(sf.id); err != nil {
		x.pop()
		return nil, x.finish(f, errTrace(display(f), err))
	}
	sf.anyComplete = sf.anyComplete || x.complete
	sf.gen++
	if sf.gen == len(sf.gens) {
		sf.gens, sf.gen = sf.s.iterationEnd(&sf.c), 0
	}
	body, err := x.generationStart(f, sf)
	if body == nil {
		err = x.finish(f, err)
	}
	return body, err
}

// indexLens extends a lens with an array index. Every item of a fold
// over an array gets one, so it allocates only the string it returns.
func indexLens(lens string, i int) string {
	var room [32]byte
	b := append(room[:0], ".$.["...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, ']')
	return lens + string(b)
}
