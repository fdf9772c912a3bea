package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// val is a value with what the interpreter knows about it: where it came
// from (tetraplet, provenance) and the trace position of the state that
// produced it, which stream folds use to find their iterations again.
type val struct {
	v    value.Value
	tet  data.Tetraplet
	pos  uint32
	prov data.Provenance
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
	cells   map[string][]cell
	allowed map[int]bool
	depth   int
	iters   map[string]*foldState
}

func newScalars() *scalars {
	return &scalars{
		cells:   map[string][]cell{},
		allowed: map[int]bool{0: true},
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
	if !s.allowed[last.depth] {
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
	s.allowed[s.depth] = true
}

func (s *scalars) nextBefore() {
	delete(s.allowed, s.depth)
	s.depth++
	s.allowed[s.depth] = true
}

func (s *scalars) nextAfter() {
	delete(s.allowed, s.depth)
	s.depth--
	s.allowed[s.depth] = true
	s.cleanup()
}

func (s *scalars) foldEnd() {
	delete(s.allowed, s.depth)
	s.depth--
	s.cleanup()
}

// cleanup drops bindings made at levels deeper than the current one.
func (s *scalars) cleanup() {
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
	items       []val
	cursor      int
	body, last  air.Instr
	streamFold  int // fold id for the trace, or -1 for a fold over a value
	backStarted bool
}

func (f *foldState) item() *val { return &f.items[f.cursor] }
