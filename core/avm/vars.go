package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// val is a value with what the interpreter knows about it: where it came
// from (tetraplet, provenance) and the trace position of the state that
// produced it, which stream folds use to find their iterations again.
//
// A scalar a replayed call set holds its value unparsed (lazy, with the
// CID of its text) until something reads it: many results are only passed
// through a trace, and parsing them all, a 1 MB string among them, was a
// large part of a run. Every read of a scalar binding goes through
// interp.scalarVal or interp.load, which parse it once.
type val struct {
	v    value.Value
	tet  data.Tetraplet
	pos  uint32
	prov data.Provenance
	// lazy says v is not parsed yet; valueCID names its text in the
	// value store.
	lazy     bool
	valueCID data.CID
}

// canon is a canonicalized stream (or stream map): a snapshot of values
// fixed on one peer.
type canon struct {
	elems []val
	tet   data.Tetraplet
	cid   data.CID
	// isMap marks a canon stream map; keys and byKey index it.
	isMap bool
	keys  []string
	byKey map[string][]val
}

func (c *canon) values() []any {
	out := make([]any, len(c.elems))
	for i, e := range c.elems {
		out[i] = e.v
	}
	return out
}

// mapValue is a canon map as a value: an object from each key to the
// array of its values.
func (c *canon) mapValue() map[string]any {
	out := make(map[string]any, len(c.byKey))
	for k, vs := range c.byKey {
		arr := make([]any, len(vs))
		for i, e := range vs {
			arr[i] = e.v
		}
		out[k] = arr
	}
	return out
}

// binding is what a scalar-like name holds: a value, or for #names a
// canon. A nil binding is a name cleared by new and not set since.
type binding struct {
	val   *val
	canon *canon
}

type cell struct {
	depth int
	b     *binding
}

// scalars holds scalar, canon stream and canon map variables (their
// sigils keep the names apart) and fold iterators.
//
// Visibility follows folds: each fold and each (next) opens a deeper
// level, and a (next) hides the level of the iteration it leaves, so the
// body of each iteration sees its own bindings and those of enclosing
// scopes, never a sibling iteration's. Binding a name twice is allowed
// only inside a fold or after new cleared it.
type scalars struct {
	cells map[string][]cell
	// allowed tells for each level up to depth whether its bindings are
	// visible.
	allowed []bool
	depth   int
	iters   map[string]*foldState
	// deepest bounds the depth of every cell, so that leaving a level
	// that bound nothing costs nothing.
	deepest int
}

func newScalars() *scalars {
	return &scalars{
		cells:   map[string][]cell{},
		allowed: []bool{true},
		iters:   map[string]*foldState{},
	}
}

// lookup returns the visible binding of name; found is false when no
// visible cell exists.
func (s *scalars) lookup(name string) (b *binding, found bool) {
	cs := s.cells[name]
	if len(cs) == 0 {
		return nil, false
	}
	last := cs[len(cs)-1]
	if last.depth >= len(s.allowed) || !s.allowed[last.depth] {
		return nil, false
	}
	return last.b, true
}

// get returns the binding of a scalar or the current item of a fold
// iterator.
func (s *scalars) get(name string) (*binding, *foldState, error) {
	b, found := s.lookup(name)
	if found {
		if b == nil {
			return nil, nil, errUninitialized(name)
		}
		return b, nil, nil
	}
	if fs, ok := s.iters[name]; ok {
		return nil, fs, nil
	}
	return nil, nil, errVariableNotFound(name)
}

func (s *scalars) couldBeSet(name string) bool {
	if s.depth != 0 {
		return true
	}
	cs := s.cells[name]
	return len(cs) > 0 && cs[len(cs)-1].b == nil
}

func (s *scalars) set(name string, b *binding) error {
	cs := s.cells[name]
	s.deepest = max(s.deepest, s.depth)
	if len(cs) == 0 {
		s.cells[name] = []cell{{depth: s.depth, b: b}}
		return nil
	}
	if !s.couldBeSet(name) {
		return uncatchable(CodeShadowingNotAllowed,
			"trying to shadow variable '%s', but shadowing is allowed only inside fold blocks", name)
	}
	if last := &cs[len(cs)-1]; last.depth == s.depth {
		last.b = b
		return nil
	}
	s.cells[name] = append(cs, cell{depth: s.depth, b: b})
	return nil
}

func (s *scalars) foldStart() {
	s.depth++
	s.allowed = append(s.allowed, true)
}

func (s *scalars) nextBefore() {
	s.allowed[s.depth] = false
	s.depth++
	s.allowed = append(s.allowed, true)
}

func (s *scalars) nextAfter() {
	s.allowed = s.allowed[:s.depth]
	s.depth--
	s.allowed[s.depth] = true
	s.cleanup()
}

func (s *scalars) foldEnd() {
	s.allowed = s.allowed[:s.depth]
	s.depth--
	s.cleanup()
}

// cleanup drops bindings made at levels deeper than the current one.
func (s *scalars) cleanup() {
	if s.deepest <= s.depth {
		return
	}
	s.deepest = s.depth
	for name, cs := range s.cells {
		for len(cs) > 0 && cs[len(cs)-1].depth > s.depth && cs[len(cs)-1].depth != 0 {
			cs = cs[:len(cs)-1]
		}
		if len(cs) == 0 {
			delete(s.cells, name)
		} else {
			s.cells[name] = cs
		}
	}
}

func (s *scalars) newStart(name string) {
	s.deepest = max(s.deepest, s.depth)
	s.cells[name] = append(s.cells[name], cell{depth: s.depth})
}

func (s *scalars) newEnd(name string) error {
	cs := s.cells[name]
	if len(cs) == 0 || cs[len(cs)-1].depth != s.depth {
		return uncatchable(CodeScalarsStateCorrupted,
			"new end block tries to pop up a variable '%s' that wasn't defined at depth %d", name, s.depth)
	}
	cs = cs[:len(cs)-1]
	if len(cs) == 0 {
		delete(s.cells, name)
	} else {
		s.cells[name] = cs
	}
	return nil
}

// foldState is a running fold: its items, the current one, and what to
// run for the next item and when they run out.
type foldState struct {
	// items are the values a fold over a stream or a canon iterates.
	items []val
	// arr is the array a fold over a value iterates. Its elements become
	// items one at a time, as the iterator reaches them, so that a fold
	// over a large array takes no memory per element; base holds what
	// they share: the array's tetraplet, position and provenance.
	arr  []any
	base val
	// cur caches the item of element at-1 of arr.
	cur         val
	at          int
	cursor      int
	name        string
	body, last  air.Instr
	streamFold  int // fold id for the trace, or -1 for a fold over a value
	backStarted bool
}

// len is the number of items.
func (f *foldState) len() int {
	if f.arr != nil {
		return len(f.arr)
	}
	return len(f.items)
}

// item returns the current item. For a fold over an array it points to a
// cache that the next call with another cursor overwrites: callers copy
// what they keep.
func (f *foldState) item() *val {
	if f.arr == nil {
		return &f.items[f.cursor]
	}
	if f.at != f.cursor+1 {
		tet := f.base.tet
		tet.Lens = indexLens(tet.Lens, f.cursor)
		f.cur = val{v: f.arr[f.cursor], tet: tet, pos: f.base.pos, prov: f.base.prov}
		f.at = f.cursor + 1
	}
	return &f.cur
}
