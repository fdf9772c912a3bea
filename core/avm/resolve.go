package avm

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

var literalProvenance = data.Provenance{Kind: data.FromLiteral}

func (x *interp) literalTet() data.Tetraplet {
	return data.Tetraplet{PeerPK: x.p.InitPeerID}
}

// resolved is an operand's value with the tetraplets of its parts: one for
// a scalar, one per element for a whole canon stream. A call takes one
// operand after another, and needs their tetraplets only when it asks a
// host for the call: the single one is kept as a value, not in a slice.
type resolved struct {
	v value.Value
	// tet is the value's tetraplet, unless elemTets is not nil: then it
	// is a whole canon stream, with a tetraplet per element.
	tet      data.Tetraplet
	elemTets []data.Tetraplet
	prov     data.Provenance
}

// tetraplets returns the tetraplets of r's parts.
func (r *resolved) tetraplets() []data.Tetraplet {
	if r.elemTets != nil {
		return r.elemTets
	}
	return []data.Tetraplet{r.tet}
}

// first returns the tetraplet of r's first part, if it has one.
func (r *resolved) first() (data.Tetraplet, bool) {
	if r.elemTets == nil {
		return r.tet, true
	}
	if len(r.elemTets) > 0 {
		return r.elemTets[0], true
	}
	return data.Tetraplet{}, false
}

func (x *interp) literal(v value.Value) resolved {
	return resolved{v: v, tet: x.literalTet(), prov: literalProvenance}
}

func numberValue(n *air.Number) value.Value {
	if n.IsFloat {
		return n.Float
	}
	return n.Int
}

// resolve evaluates an operand.
func (x *interp) resolve(v air.Value) (resolved, error) {
	switch v := v.(type) {
	case *air.String:
		return x.literal(v.Value), nil
	case *air.Number:
		return x.literal(numberValue(v)), nil
	case *air.Bool:
		return x.literal(v.Value), nil
	case *air.EmptyArray:
		return x.literal([]any{}), nil
	case *air.InitPeerID:
		return x.literal(x.p.InitPeerID), nil
	case *air.Timestamp:
		return x.literal(value.Normalize(x.p.Timestamp)), nil
	case *air.TTL:
		return x.literal(int64(x.p.TTL)), nil
	case *air.LastError:
		return x.resolveError(&x.lastErr, v.Lens)
	case *air.Error:
		return x.resolveError(&x.curErr, v.Lens)
	case *air.Scalar:
		return x.resolveScalar(v.Name, v.Lens)
	case *air.CanonStream:
		return x.resolveCanon(v.Name, v.Lens)
	case *air.CanonMap:
		return x.resolveCanon(v.Name, v.Lens)
	}
	return resolved{}, uncatchable(CodeTraceError, "%s cannot be used as a value", air.FormatValue(v))
}

func (x *interp) resolveError(d *errDesc, lens air.Lens) (resolved, error) {
	tet := x.literalTet()
	if d.tet != nil {
		tet = *d.tet
	}
	v, err := x.applyLens(d.value(), lens)
	if err != nil {
		return resolved{}, err
	}
	return resolved{v: v, tet: tet, prov: d.prov}, nil
}

// scalarVal returns the value a scalar name stands for: its binding or the
// current item of a fold over it.
func (x *interp) scalarVal(name string) (*val, error) {
	b, fs, err := x.sc.get(name)
	if err != nil {
		return nil, err
	}
	if fs != nil {
		return fs.item(), nil
	}
	if b.val == nil {
		return nil, errVariableNotFound(name)
	}
	if err := x.load(b.val); err != nil {
		return nil, err
	}
	return b.val, nil
}

// load parses a lazy value on its first read.
func (x *interp) load(v *val) error {
	if !v.lazy {
		return nil
	}
	parsed, err := x.storedValue(v.valueCID)
	if err != nil {
		return err
	}
	v.v, v.lazy = parsed, false
	return nil
}

func (x *interp) resolveScalar(name string, lens air.Lens) (resolved, error) {
	sv, err := x.scalarVal(name)
	if err != nil {
		return resolved{}, err
	}
	if lens.IsZero() {
		return resolved{v: sv.v, tet: sv.tet, prov: sv.prov}, nil
	}
	v, err := x.applyLens(sv.v, lens)
	if err != nil {
		return resolved{}, err
	}
	return resolved{v: v, tet: withLens(sv.tet, lens), prov: sv.prov}, nil
}

func withLens(t data.Tetraplet, lens air.Lens) data.Tetraplet {
	if lens.Length {
		return data.Tetraplet{Lens: ".length"}
	}
	t.Lens += lens.String()
	return t
}

func (x *interp) canonVar(name string) (*canon, error) {
	b, found := x.sc.lookup(name)
	if !found {
		return nil, errVariableNotFound(name)
	}
	if b == nil || b.canon == nil {
		return nil, errUninitialized(name)
	}
	return b.canon, nil
}

func (x *interp) resolveCanon(name string, lens air.Lens) (resolved, error) {
	c, err := x.canonVar(name)
	if err != nil {
		return resolved{}, err
	}
	prov := data.Provenance{Kind: data.FromCanon, CID: c.cid}
	if c.isMap {
		return x.resolveCanonMap(c, lens, prov)
	}
	if lens.IsZero() {
		tets := make([]data.Tetraplet, len(c.elems))
		for i, e := range c.elems {
			tets[i] = e.tet
		}
		return resolved{v: c.values(), elemTets: tets, prov: prov}, nil
	}
	return x.selectFromStream(c.elems, lens, prov)
}

// selectFromStream applies a lens to a canon stream: the first accessor
// picks an element, the rest apply to its value. The result keeps the
// element's own tetraplet and provenance.
func (x *interp) selectFromStream(elems []val, lens air.Lens, prov data.Provenance) (resolved, error) {
	if lens.Length {
		tet := data.Tetraplet{PeerPK: x.p.CurrentPeerID, ServiceID: lens.String()}
		return resolved{v: int64(len(elems)), tet: tet, prov: prov}, nil
	}
	first := lens.Path[0]
	var idx uint32
	switch first.Kind {
	case air.IndexAccess:
		idx = first.Index
	case air.FieldAccess:
		return resolved{}, errLens("field accessor (with field name = '%s') can't be applied to a stream", first.Name)
	case air.VarAccess:
		sv, err := x.scalarVal(first.Name)
		if err != nil {
			return resolved{}, err
		}
		n, ok := value.AsUint32(sv.v)
		if !ok {
			if value.IsInteger(sv.v) || isFloat(sv.v) {
				return resolved{}, errLens("index accessor `%s can't be converted to u32`", value.String(sv.v))
			}
			return resolved{}, errLens("stream accessor `%s` should has number (u32) type", value.String(sv.v))
		}
		idx = n
	}
	if int(idx) >= len(elems) {
		return resolved{}, errLens("lambda is applied to a stream that have only '%d' elements, but '%d' requested", len(elems), idx)
	}
	e := elems[idx]
	v, err := x.applyPath(e.v, lens.Path[1:])
	if err != nil {
		return resolved{}, err
	}
	return resolved{v: v, tet: e.tet, prov: e.prov}, nil
}

func isFloat(v value.Value) bool {
	_, ok := v.(float64)
	return ok
}

func (x *interp) resolveCanonMap(c *canon, lens air.Lens, prov data.Provenance) (resolved, error) {
	if lens.IsZero() {
		return resolved{v: c.mapValue(), tet: c.tet, prov: prov}, nil
	}
	if lens.Length {
		tet := data.Tetraplet{PeerPK: x.p.CurrentPeerID, Lens: ".length"}
		return resolved{v: int64(len(c.elems)), tet: tet, prov: prov}, nil
	}
	key, err := x.mapLensKey(lens.Path[0])
	if err != nil {
		return resolved{}, err
	}
	elems := c.byKey[key]
	if len(lens.Path) == 1 {
		tet := c.tet
		tet.Lens = lens.String()
		vals := make([]any, len(elems))
		for i, e := range elems {
			vals[i] = e.v
		}
		return resolved{v: vals, tet: tet, prov: prov}, nil
	}
	rest := air.Lens{Path: lens.Path[1:]}
	r, err := x.selectFromStream(elems, rest, prov)
	if err != nil {
		return resolved{}, err
	}
	if len(rest.Path) > 1 {
		r.tet.Lens += air.Lens{Path: rest.Path[1:]}.String()[2:]
	}
	return r, nil
}

// mapLensKey turns the first accessor of a canon map lens into a key.
func (x *interp) mapLensKey(a air.Accessor) (string, error) {
	switch a.Kind {
	case air.IndexAccess:
		return fmt.Sprint(a.Index), nil
	case air.FieldAccess:
		return a.Name, nil
	}
	b, fs, err := x.sc.get(a.Name)
	if err != nil {
		return "", err
	}
	if fs != nil {
		return "", errLens("canon stream map accessor must not be iterable")
	}
	if b.val == nil {
		return "", errVariableNotFound(a.Name)
	}
	if err := x.load(b.val); err != nil {
		return "", err
	}
	k, ok := mapKey(b.val.v)
	if !ok {
		return "", errLens("canon stream map accessor `%s` should be either string or number", value.String(b.val.v))
	}
	return k, nil
}

// mapKey returns the key a value stands for in a stream map: strings and
// integers, both as strings (so 42 and "42" are the same key).
func mapKey(v value.Value) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64, uint64:
		return value.String(v), true
	}
	return "", false
}

// applyLens applies a lens to a value.
func (x *interp) applyLens(v value.Value, lens air.Lens) (value.Value, error) {
	if lens.Length {
		arr, ok := v.([]any)
		if !ok {
			return nil, catchable(CodeLengthOnNonArray,
				"the length functor could applied only to an array-like value, but it's applied to '%s'", value.String(v))
		}
		return int64(len(arr)), nil
	}
	return x.applyPath(v, lens.Path)
}

func (x *interp) applyPath(v value.Value, path []air.Accessor) (value.Value, error) {
	for _, a := range path {
		var err error
		switch a.Kind {
		case air.IndexAccess:
			v, err = byIndex(v, a.Index)
		case air.FieldAccess:
			v, err = byField(v, a.Name)
		case air.VarAccess:
			var sv *val
			if sv, err = x.scalarVal(a.Name); err != nil {
				return nil, err
			}
			switch key := sv.v.(type) {
			case string:
				v, err = byField(v, key)
			case int64, uint64, float64:
				idx, ok := value.AsUint32(key)
				if !ok {
					return nil, errLens("index accessor `%s can't be converted to u32`", value.String(key))
				}
				v, err = byIndex(v, idx)
			default:
				return nil, errLens("scalar accessor `%s` should has number or string type", value.String(key))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func byIndex(v value.Value, idx uint32) (value.Value, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, errLens("value '%s' is not an array-type to match array accessor with idx = '%d'", value.String(v), idx)
	}
	if int(idx) >= len(arr) {
		return nil, errLens("value '%s' does not contain element for idx = '%d'", value.String(v), idx)
	}
	return arr[idx], nil
}

func byField(v value.Value, name string) (value.Value, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errLens("value '%s' is not an map-type to match field accessor with field_name = '%s'", value.String(v), name)
	}
	f, ok := obj[name]
	if !ok {
		return nil, errLens("value '%s' does not contain element with field name = '%s'", value.String(v), name)
	}
	return f, nil
}

// resolveString evaluates a call's peer, service or function operand,
// which must be a string.
func (x *interp) resolveString(v air.Value) (string, error) {
	switch v := v.(type) {
	case *air.String:
		return v.Value, nil
	case *air.InitPeerID:
		return x.p.InitPeerID, nil
	}
	r, err := x.resolve(v)
	if err != nil {
		return "", err
	}
	s, ok := r.v.(string)
	if !ok {
		return "", catchable(CodeNonStringInTriplet,
			"call cannot resolve non-String triplet variable part `%s` with value '%s'", varName(v), value.String(r.v))
	}
	return s, nil
}

func varName(v air.Value) string {
	switch v := v.(type) {
	case *air.Scalar:
		return v.Name
	case *air.CanonStream:
		return v.Name
	case *air.CanonMap:
		return v.Name
	}
	return air.FormatValue(v)
}
