package avm

import (
	"math"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/internal/merge"
)

// generation says where a stream value goes: into a generation of the
// values merged from the previous or the current data, or into the last
// generation of those this run produced.
type generation struct {
	fromData bool
	src      merge.Source
	idx      uint32
}

var newGeneration = generation{}

// stream holds values in generations, in three groups: values whose
// states came from the previous data, from the current data only, and new
// in this run. It iterates them in that order.
type stream struct {
	prev, cur, neu [][]*val
	size           int
	// slab is room for generations of one value, the usual kind (each
	// call of a sequential fold adds a generation): they are cut from it
	// rather than allocated one by one.
	slab []*val
}

func (s *stream) add(v *val, g generation) error {
	switch {
	case !g.fromData:
		if len(s.neu) == 0 {
			s.neu = append(s.neu, nil)
		}
		s.neu[len(s.neu)-1] = append(s.neu[len(s.neu)-1], v)
	case g.src == merge.Previous:
		s.prev = s.addToGen(s.prev, g.idx, v)
	default:
		s.cur = s.addToGen(s.cur, g.idx, v)
	}
	s.size++
	if s.size >= StreamMaxSize {
		return uncatchable(CodeStreamSizeLimit, "stream size goes over the allowed limit of %d", StreamMaxSize)
	}
	return nil
}

func (s *stream) addToGen(m [][]*val, g uint32, v *val) [][]*val {
	for uint32(len(m)) <= g {
		m = append(m, nil)
	}
	if m[g] != nil {
		m[g] = append(m[g], v)
		return m
	}
	if len(s.slab) == 0 {
		s.slab = make([]*val, 64)
	}
	// Capacity one: a second value moves the generation out of the slab.
	m[g], s.slab = s.slab[:1:1], s.slab[1:]
	m[g][0] = v
	return m
}

// newVal returns a stream value that lives as long as the run. A stream
// takes a value per call of a fold: they are cut from a slab rather than
// allocated one by one.
func (x *interp) newVal(v val) *val {
	if len(x.valSlab) == 0 {
		x.valSlab = make([]val, 64)
	}
	p := &x.valSlab[0]
	*p = v
	x.valSlab = x.valSlab[1:]
	return p
}

// all returns every value in iteration order.
func (s *stream) all() []*val {
	out := make([]*val, 0, s.size)
	for _, m := range [][][]*val{s.prev, s.cur, s.neu} {
		for _, g := range m {
			out = append(out, g...)
		}
	}
	return out
}

// cursor marks how many generations of each group a stream fold has seen.
type cursor struct{ prev, cur, neu int }

func (s *stream) cursor() cursor { return cursor{len(s.prev), len(s.cur), len(s.neu)} }

// since returns the non-empty generations after c.
func (s *stream) since(c cursor) [][]*val {
	var out [][]*val
	for _, part := range []struct {
		m    [][]*val
		from int
	}{{s.prev, c.prev}, {s.cur, c.cur}, {s.neu, c.neu}} {
		for _, g := range part.m[min(part.from, len(part.m)):] {
			if len(g) > 0 {
				out = append(out, g)
			}
		}
	}
	return out
}

// foldStart returns the generations a stream fold iterates first and
// opens a fresh generation for the values the iterations append.
func (s *stream) foldStart(c *cursor) [][]*val {
	gens := s.since(*c)
	*c = s.cursor()
	if len(gens) > 0 {
		s.neu = append(s.neu, nil)
	}
	return gens
}

// iterationEnd returns the generations that appeared while the last ones
// were iterated, and opens a fresh generation again.
func (s *stream) iterationEnd(c *cursor) [][]*val {
	gens := s.since(*c)
	if n := len(s.neu); n > 0 && len(s.neu[n-1]) == 0 {
		s.neu = s.neu[:n-1]
	}
	*c = s.cursor()
	s.neu = append(s.neu, nil)
	return gens
}

// compact drops empty generations and renumbers the rest: previous first,
// then current, then new. It returns each value's final generation.
func (s *stream) compact(update func(pos, gen uint32) error) error {
	var gen uint32
	for _, m := range []*[][]*val{&s.prev, &s.cur, &s.neu} {
		kept := (*m)[:0]
		for _, g := range *m {
			if len(g) == 0 {
				continue
			}
			for _, v := range g {
				if err := update(v.pos, gen); err != nil {
					return err
				}
			}
			kept = append(kept, g)
			gen++
		}
		*m = kept
	}
	return nil
}

// scope is one incarnation of a stream name: the global one, or one opened
// by new over a span of the script.
type scope struct {
	span air.Span
	s    *stream
}

// streams holds stream and stream map variables by name.
type streams map[string][]scope

var globalSpan = air.Span{Start: 0, End: math.MaxInt}

// get returns the innermost incarnation of name visible at pos.
func (ss streams) get(name string, pos int) *stream {
	scopes := ss[name]
	for i := len(scopes) - 1; i >= 0; i-- {
		if sp := scopes[i].span; sp.Start <= pos && pos < sp.End {
			return scopes[i].s
		}
	}
	return nil
}

// getOrCreate returns the stream a value written at pos goes to, creating
// the global stream on first write.
func (ss streams) getOrCreate(name string, pos int) *stream {
	if s := ss.get(name, pos); s != nil {
		return s
	}
	s := &stream{}
	ss[name] = append([]scope{{span: globalSpan, s: s}}, ss[name]...)
	return s
}

func (ss streams) scopeStart(name string, span air.Span) {
	ss[name] = append(ss[name], scope{span: span, s: &stream{}})
}

func (ss streams) scopeEnd(name string) *stream {
	scopes := ss[name]
	last := scopes[len(scopes)-1]
	if len(scopes) == 1 {
		delete(ss, name)
	} else {
		ss[name] = scopes[:len(scopes)-1]
	}
	return last.s
}
