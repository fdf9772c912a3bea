package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

// apArg evaluates the argument of ap as a value with its origin. A scalar
// without a lens keeps its tetraplet and provenance as they are.
func (x *interp) apArg(arg air.Value) (*val, error) {
	pos := x.tr.Pos()
	switch a := arg.(type) {
	case *air.Scalar:
		if a.Lens.IsZero() {
			sv, err := x.scalarVal(a.Name)
			if err != nil {
				return nil, err
			}
			cp := *sv
			cp.pos = pos
			return &cp, nil
		}
	case *air.CanonStream, *air.CanonMap:
		var name string
		var lens air.Lens
		if cs, ok := a.(*air.CanonStream); ok {
			name, lens = cs.Name, cs.Lens
		} else {
			cm := a.(*air.CanonMap)
			name, lens = cm.Name, cm.Lens
		}
		if lens.IsZero() {
			c, err := x.canonVar(name)
			if err != nil {
				return nil, err
			}
			var v any = c.values()
			if c.isMap {
				v = c.mapValue()
			}
			return &val{v: v, tet: c.tet, pos: pos, prov: data.Provenance{Kind: data.FromCanon, CID: c.cid}}, nil
		}
	}
	r, err := x.resolve(arg)
	if err != nil {
		return nil, err
	}
	return &val{v: r.v, tet: r.tet, pos: pos, prov: r.prov}, nil
}

func (x *interp) ap(a *air.Ap) error {
	v, err := x.apArg(a.Arg)
	if err != nil {
		if isJoinable(err) {
			x.complete = false
			return nil
		}
		return err
	}
	switch dst := a.Result.(type) {
	case *air.Scalar:
		return x.sc.set(dst.Name, &binding{val: v})
	case *air.Stream:
		return x.appendAp(a, dst.Name, dst.Pos(), v)
	}
	return uncatchable(CodeTraceError, "ap to %s", air.FormatValue(a.Result))
}

// appendAp appends a value to a stream (or stream map) and records the ap
// state; a value already recorded in the data keeps its generation.
func (x *interp) appendAp(in air.Instr, name string, at int, v *val) error {
	gen, src, met, err := x.tr.ApStart()
	if err != nil {
		return errTrace(display(in), err)
	}
	g := newGeneration
	if met {
		if g, err = x.fromData(src, gen); err != nil {
			return err
		}
	}
	if err := x.streams.getOrCreate(name, at).add(v, g); err != nil {
		return err
	}
	x.tr.Push(&data.Ap{})
	return nil
}

func (x *interp) apMap(a *air.ApMap) error {
	v, err := x.apArg(a.Value)
	if err != nil {
		if isJoinable(err) {
			x.complete = false
			return nil
		}
		return err
	}
	key, err := x.mapKeyOf(a)
	if err != nil {
		if isJoinable(err) {
			x.complete = false
			return nil
		}
		return err
	}
	kv := *v
	kv.v = map[string]any{"key": key, "value": v.v}
	if _, err := x.measure(kv.v, "the key and value put into a stream map"); err != nil {
		return err
	}
	return x.appendAp(a, a.Map.Name, a.Map.Pos(), &kv)
}

// mapKeyOf resolves the key of (ap (key value) %map): a string or an
// integer.
func (x *interp) mapKeyOf(a *air.ApMap) (any, error) {
	switch k := a.Key.(type) {
	case *air.String:
		return k.Value, nil
	case *air.Number:
		if !k.IsFloat {
			return k.Int, nil
		}
	default:
		r, err := x.resolve(k)
		if err != nil {
			return nil, err
		}
		if _, ok := mapKey(r.v); ok {
			return r.v, nil
		}
	}
	return nil, catchable(CodeStreamMapError, "unsupported type for %s map's key", a.Map.Name)
}
