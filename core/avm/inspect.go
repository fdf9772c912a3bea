package avm

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// Scope is what a script could see at one instruction of a run: the
// variables bound there and the last error raised before it.
type Scope struct {
	// Variables are sorted by name.
	Variables []Variable
	// LastError is %last_error% as JSON, nil while no error has been
	// raised.
	LastError json.RawMessage
}

// VarKind is what kind of name a variable is.
type VarKind uint8

// Variable kinds; the sigil of a name tells them apart in AIR.
const (
	// VarScalar is a plain name bound by a call, ap or canon.
	VarScalar VarKind = iota + 1
	// VarIterator is a fold's iterator, bound to its current item.
	VarIterator
	// VarCanon is a canonicalized stream, #name.
	VarCanon
	// VarCanonMap is a canonicalized stream map, #%name.
	VarCanonMap
	// VarStream is a stream, $name.
	VarStream
	// VarStreamMap is a stream map, %name.
	VarStreamMap
)

func (k VarKind) String() string {
	switch k {
	case VarScalar:
		return "scalar"
	case VarIterator:
		return "iterator"
	case VarCanon:
		return "canon"
	case VarCanonMap:
		return "canon map"
	case VarStream:
		return "stream"
	case VarStreamMap:
		return "stream map"
	}
	return "unknown"
}

// Variable is one name a script had bound, and what it held.
type Variable struct {
	// Name is the name as the script writes it, sigil included.
	Name string
	Kind VarKind
	// Value is the JSON text of a scalar, of an iterator's current item,
	// of a canon's array of values, or of a canon map's object from each
	// key to its values. Streams have none: see Generations.
	Value json.RawMessage
	// From says where a scalar's or an iterator's value came from (the
	// service call that produced it), or on which peer a canon was taken.
	From data.Tetraplet
	// Item is the iterator's current item, from 0, of Items.
	Item, Items int
	// Generations are a stream's values as JSON, generation by
	// generation in the order a fold would see them, empty generations
	// left out.
	Generations [][]json.RawMessage
}

// stop notes an instruction the run stopped at and, when inspecting,
// what the script could see there.
func (x *interp) stop(s Stop) {
	x.stops = append(x.stops, s)
	if x.p.Inspect {
		x.scopes = append(x.scopes, x.scope(s.Span.Start))
	}
}

// scope collects the variables visible to the instruction at byte pos.
func (x *interp) scope(pos int) Scope {
	var vars []Variable
	for name := range x.sc.cells {
		b, found := x.sc.lookup(name)
		switch {
		case !found || b == nil:
			// Not bound here, or cleared by new and not set again.
		case b.val != nil:
			// Shown as the script would read it; a value that does not
			// parse shows as null, and fails the run where it is read.
			_ = x.load(b.val)
			vars = append(vars, Variable{Name: name, Kind: VarScalar, Value: value.Marshal(b.val.v), From: b.val.tet})
		case b.canon != nil:
			c := b.canon
			v := Variable{Name: name, Kind: VarCanon, Value: value.Marshal(c.values()), From: c.tet}
			if c.isMap {
				v.Kind, v.Value = VarCanonMap, value.Marshal(c.mapValue())
			}
			vars = append(vars, v)
		}
	}
	for name, fs := range x.sc.iters {
		if _, shadowed := x.sc.lookup(name); shadowed {
			continue
		}
		it := fs.item()
		vars = append(vars, Variable{Name: name, Kind: VarIterator, Value: value.Marshal(it.v), From: it.tet, Item: fs.cursor, Items: fs.len()})
	}
	for name := range x.streams {
		s := x.streams.get(name, pos)
		if s == nil {
			continue
		}
		v := Variable{Name: name, Kind: VarStream, Generations: s.generations()}
		if strings.HasPrefix(name, "%") {
			v.Kind = VarStreamMap
		}
		vars = append(vars, v)
	}
	slices.SortFunc(vars, func(a, b Variable) int { return strings.Compare(a.Name, b.Name) })
	sc := Scope{Variables: vars}
	if x.lastErr.obj != nil && !value.Equal(x.lastErr.obj, noErrorObject()) {
		sc.LastError = value.Marshal(x.lastErr.obj)
	}
	return sc
}

// generations returns the stream's values as JSON, by non-empty
// generation, in iteration order.
func (s *stream) generations() [][]json.RawMessage {
	var out [][]json.RawMessage
	for _, group := range [][][]*val{s.prev, s.cur, s.neu} {
		for _, g := range group {
			if len(g) == 0 {
				continue
			}
			vals := make([]json.RawMessage, len(g))
			for i, v := range g {
				vals[i] = value.Marshal(v.v)
			}
			out = append(out, vals)
		}
	}
	return out
}
