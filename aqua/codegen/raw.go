package codegen

import (
	"slices"
	"sort"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// The raw layer is the program after name resolution and before inlining:
// what the reference compiler calls RawTag and ValueRaw. A function body
// is a raw tree (rawNode) of statements (rawStmt) over values (rawValue).
// Names are source names; the inliner renames them.

// rawValue is a value expression of the raw tree: the lowerer's
// translation of a checked expression, with its source names, not yet
// computed. The inliner turns it into a value (value.go) and the model
// nodes that compute it.
type rawValue interface{ isRawValue() }

type (
	// rawLiteral is a literal, spelled as in AIR (strings quoted).
	rawLiteral struct {
		text string
		typ  types.Type
	}
	// rawVar is a name: a variable, parameter, stream, arrow or
	// ability; canon marks a stream argument the inliner canonicalized.
	rawVar struct {
		name  string
		typ   types.Type
		canon bool
	}
	// rawApply is a value with a chain of properties.
	rawApply struct {
		base  rawValue
		props []rawProp
	}
	// rawCollection is an array or option literal, [a, b] or ?[a]; a
	// stream literal is a rawStreamLiteral.
	rawCollection struct {
		kind ast.CollKind
		elem types.Type
		vals []rawValue
		typ  types.Type
	}
	// rawStruct is Struct(field = value); fields are sorted by name, as the
	// reference keeps them.
	rawStruct struct {
		typ    *types.Struct
		fields []rawField
	}
	// rawAbility is Ability(field = value), an ability built in place.
	rawAbility struct {
		typ    *types.Ability
		fields []rawField
	}
	// rawBinary is an arithmetic, comparison or boolean operation.
	rawBinary struct {
		op   string
		l, r rawValue
		typ  types.Type
	}
	// rawUnary is a unary operation, as !x.
	rawUnary struct {
		op  string
		x   rawValue
		typ types.Type
	}
	// rawCall calls a function, closure, callback or ability or service
	// arrow (ability is then the service or ability name).
	rawCall struct {
		ability   string
		name      string
		arrow     *types.Arrow
		args      []rawValue
		abilities []rawValue // the {A, B} arguments of a function
		// member marks the arrow of an ability value, ab.arrow(): as a
		// value it is a property of ab, and a literal it returns is
		// put in a variable, as the reference does with any literal
		// that has properties applied.
		member bool
	}
	// rawStreamLiteral is a stream literal *[a, b]: the semantic pass names the
	// stream it fills (stream-anon-N).
	rawStreamLiteral struct {
		name string
		typ  *types.Stream
		vals []rawValue
	}
	// rawConst is the value of a constant. The reference resolves constants
	// while inlining, after it has folded the literals of additions, so a
	// constant takes no part in that folding: n + C - 1 keeps C apart.
	rawConst struct {
		val rawValue
	}
	// rawServiceCall calls a service directly by id (the wrapper's getters).
	rawServiceCall struct {
		srv   rawValue
		fn    string
		arrow *types.Arrow
		args  []rawValue
	}
)

type rawField struct {
	name string
	val  rawValue
}

type rawPropKind uint8

const (
	rawFieldProp rawPropKind = iota
	rawIndexProp
	rawFunctorProp
	rawArrowProp
	rawCopyProp
)

type rawProp struct {
	kind   rawPropKind
	name   string
	idx    rawValue
	typ    types.Type
	arrow  *types.Arrow
	args   []rawValue
	fields []rawField
}

func (rawLiteral) isRawValue()       {}
func (rawVar) isRawValue()           {}
func (rawApply) isRawValue()         {}
func (rawCollection) isRawValue()    {}
func (rawStruct) isRawValue()        {}
func (rawAbility) isRawValue()       {}
func (rawBinary) isRawValue()        {}
func (rawUnary) isRawValue()         {}
func (rawCall) isRawValue()          {}
func (rawServiceCall) isRawValue()   {}
func (rawStreamLiteral) isRawValue() {}
func (rawConst) isRawValue()         {}

// rawType is the type of a raw value.
func rawType(v rawValue) types.Type {
	switch v := v.(type) {
	case rawLiteral:
		return v.typ
	case rawVar:
		return v.typ
	case rawApply:
		return v.props[len(v.props)-1].typ
	case rawCollection:
		return v.typ
	case rawStruct:
		return v.typ
	case rawAbility:
		return v.typ
	case rawBinary:
		return v.typ
	case rawUnary:
		return v.typ
	case rawCall:
		if len(v.arrow.Results) > 0 {
			return v.arrow.Results[0]
		}
	case rawServiceCall:
		if len(v.arrow.Results) > 0 {
			return v.arrow.Results[0]
		}
	case rawStreamLiteral:
		return v.typ
	case rawConst:
		return rawType(v.val)
	}
	return types.NoValue
}

// isApply reports whether a returned value is computed rather than named
// (the reference assigns such values to "-return-fix").
func isApply(v rawValue) bool {
	switch v.(type) {
	case rawApply, rawCall, rawCollection, rawBinary, rawUnary:
		return true
	}
	return false
}

// renamed applies a renaming to one name. A member of an ability value,
// "A.f", follows its ability.
func renamed(n string, m map[string]string) string {
	if r, ok := m[n]; ok {
		return r
	}
	if ab, member, ok := strings.Cut(n, "."); ok {
		if r, ok := m[ab]; ok {
			return r + "." + member
		}
	}
	return n
}

// renameRaw renames variables in a value. What the renaming does not
// change is shared, not copied: raw values are never modified once
// made, and a function inlined many times is renamed as many times.
func renameRaw(v rawValue, m map[string]string) rawValue {
	if len(m) == 0 {
		return v
	}
	out, _ := renameValue(v, m)
	return out
}

// renameValue is renameRaw, also reporting whether anything changed;
// an unchanged value comes back as it was given.
func renameValue(v rawValue, m map[string]string) (rawValue, bool) {
	var a, b, c bool
	switch x := v.(type) {
	case rawVar:
		if x.name, a = renameName(x.name, m); a {
			return x, true
		}
	case rawApply:
		x.base, a = renameValue(x.base, m)
		x.props, b = renameEach(x.props, func(p rawProp) (rawProp, bool) { return renameProp(p, m) })
		if a || b {
			return x, true
		}
	case rawCollection:
		if x.vals, a = renameValues(x.vals, m); a {
			return x, true
		}
	case rawStruct:
		if x.fields, a = renameFields(x.fields, m); a {
			return x, true
		}
	case rawAbility:
		if x.fields, a = renameFields(x.fields, m); a {
			return x, true
		}
	case rawBinary:
		x.l, a = renameValue(x.l, m)
		if x.r, b = renameValue(x.r, m); a || b {
			return x, true
		}
	case rawUnary:
		if x.x, a = renameValue(x.x, m); a {
			return x, true
		}
	case rawCall:
		x.args, a = renameValues(x.args, m)
		x.abilities, b = renameValues(x.abilities, m)
		if x.ability != "" {
			x.ability, c = renameName(x.ability, m)
		} else {
			x.name, c = renameName(x.name, m)
		}
		if a || b || c {
			return x, true
		}
	case rawStreamLiteral:
		x.vals, a = renameValues(x.vals, m)
		if x.name, b = renameName(x.name, m); a || b {
			return x, true
		}
	case rawServiceCall:
		x.srv, a = renameValue(x.srv, m)
		if x.args, b = renameValues(x.args, m); a || b {
			return x, true
		}
	}
	return v, false
}

// renameName is renamed, also reporting whether the name changed.
func renameName(n string, m map[string]string) (string, bool) {
	r := renamed(n, m)
	return r, r != n
}

func renameProp(p rawProp, m map[string]string) (rawProp, bool) {
	var a, b, c bool
	if p.idx != nil {
		p.idx, a = renameValue(p.idx, m)
	}
	p.args, b = renameValues(p.args, m)
	p.fields, c = renameFields(p.fields, m)
	return p, a || b || c
}

// renameEach renames the elements of a list with rename, copying the
// list only if an element changes.
func renameEach[T any](xs []T, rename func(T) (T, bool)) ([]T, bool) {
	var out []T
	for i, x := range xs {
		r, ch := rename(x)
		if ch && out == nil {
			out = slices.Clone(xs)
		}
		if out != nil {
			out[i] = r
		}
	}
	if out == nil {
		return xs, false
	}
	return out, true
}

func renameValues(vs []rawValue, m map[string]string) ([]rawValue, bool) {
	return renameEach(vs, func(v rawValue) (rawValue, bool) { return renameValue(v, m) })
}

func renameFields(fs []rawField, m map[string]string) ([]rawField, bool) {
	return renameEach(fs, func(f rawField) (rawField, bool) {
		v, ch := renameValue(f.val, m)
		f.val = v
		return f, ch
	})
}

// mapRaw rebuilds a value bottom up: f sees every part of it, the value
// itself last, each with its own parts already mapped.
func mapRaw(v rawValue, f func(rawValue) rawValue) rawValue {
	list := func(vs []rawValue) []rawValue {
		out := make([]rawValue, len(vs))
		for i, x := range vs {
			out[i] = mapRaw(x, f)
		}
		return out
	}
	fields := func(fs []rawField) []rawField {
		out := make([]rawField, len(fs))
		for i, x := range fs {
			out[i] = rawField{x.name, mapRaw(x.val, f)}
		}
		return out
	}
	switch x := v.(type) {
	case rawApply:
		props := make([]rawProp, len(x.props))
		for i, p := range x.props {
			if p.idx != nil {
				p.idx = mapRaw(p.idx, f)
			}
			p.args = list(p.args)
			p.fields = fields(p.fields)
			props[i] = p
		}
		v = rawApply{base: mapRaw(x.base, f), props: props}
	case rawCollection:
		x.vals = list(x.vals)
		v = x
	case rawStruct:
		x.fields = fields(x.fields)
		v = x
	case rawAbility:
		x.fields = fields(x.fields)
		v = x
	case rawBinary:
		x.l, x.r = mapRaw(x.l, f), mapRaw(x.r, f)
		v = x
	case rawUnary:
		x.x = mapRaw(x.x, f)
		v = x
	case rawCall:
		x.args = list(x.args)
		x.abilities = list(x.abilities)
		v = x
	case rawStreamLiteral:
		x.vals = list(x.vals)
		v = x
	case rawServiceCall:
		x.srv = mapRaw(x.srv, f)
		x.args = list(x.args)
		v = x
	}
	return f(v)
}

// rawStmt is what one node of the raw tree does: the reference's RawTag.
// The statements that group others (seq, par, detach, try, if, on, for)
// have them as the node's kids; the others are leaves.
type rawStmt interface{ isRawStmt() }

type (
	seqStmt    struct{}
	parStmt    struct{}
	detachStmt struct{}
	tryStmt    struct{}
	ifStmt     struct{ cond rawValue }
	onStmt     struct {
		peer     rawValue
		via      []rawValue
		relayRet bool
	}
	forStmt struct {
		item     string
		iter     rawValue
		mode     ast.ForMode
		key, val string // for k, v <- map
	}
	nextStmt struct{ item string }
	// callStmt calls an arrow or a service and binds what it returns
	// to exports.
	callStmt struct {
		exports []export
		call    rawValue // rawCall or rawServiceCall
	}
	declStmt struct {
		name string
		typ  types.Type
	}
	assignStmt struct {
		val  rawValue
		name string
	}
	pushStmt struct {
		val rawValue
		to  export
	}
	pushMapStmt struct {
		key, val rawValue
		to       export
	}
	flattenStmt struct {
		val  rawValue
		name string
	}
	canonStmt struct {
		val rawValue
		to  export
	}
	joinStmt      struct{ vals []rawValue }
	serviceIDStmt struct {
		id   rawValue
		srv  *types.Service
		name string
	}
	emptyStmt struct{}
	// closureStmt defines a closure; detached closures (func (...) -> ...:)
	// run wherever they are called, the others where they are defined.
	closureStmt struct {
		name     string
		fn       *funcArrow
		detached bool
	}
)

// export is a call's result name; existing marks an append to a stream
// defined before the call.
type export struct {
	name     string
	typ      types.Type
	canon    bool
	existing bool
}

func (seqStmt) isRawStmt()       {}
func (parStmt) isRawStmt()       {}
func (detachStmt) isRawStmt()    {}
func (tryStmt) isRawStmt()       {}
func (ifStmt) isRawStmt()        {}
func (onStmt) isRawStmt()        {}
func (forStmt) isRawStmt()       {}
func (nextStmt) isRawStmt()      {}
func (callStmt) isRawStmt()      {}
func (declStmt) isRawStmt()      {}
func (assignStmt) isRawStmt()    {}
func (pushStmt) isRawStmt()      {}
func (pushMapStmt) isRawStmt()   {}
func (flattenStmt) isRawStmt()   {}
func (canonStmt) isRawStmt()     {}
func (joinStmt) isRawStmt()      {}
func (serviceIDStmt) isRawStmt() {}
func (emptyStmt) isRawStmt()     {}
func (closureStmt) isRawStmt()   {}

// rawNode is a node of the raw tree: a function body as the lowerer
// makes it from the checked syntax tree, with source names and its calls
// not yet inlined (the reference's RawTag.Tree). The inliner makes a
// model tree (modelNode) of it.
type rawNode struct {
	stmt rawStmt
	kids []*rawNode
}

func rawLeaf(t rawStmt) *rawNode { return &rawNode{stmt: t} }

// rawSeq wraps statements in a seq, dropping empty ones; a single statement
// stays as is.
func rawSeq(kids ...*rawNode) *rawNode {
	var out []*rawNode
	for _, k := range kids {
		if _, empty := k.stmt.(emptyStmt); !empty {
			out = append(out, k)
		}
	}
	switch len(out) {
	case 0:
		return rawLeaf(emptyStmt{})
	case 1:
		return out[0]
	}
	return &rawNode{stmt: seqStmt{}, kids: out}
}

// combine joins two statement trees the way the reference combines the
// statements of a block: sequences merge, single-child sequences unwrap.
func combine(x, y *rawNode) *rawNode {
	x, y = ungroup(x), ungroup(y)
	_, xs := x.stmt.(seqStmt)
	_, ys := y.stmt.(seqStmt)
	switch {
	case xs && ys:
		return &rawNode{stmt: seqStmt{}, kids: append(append([]*rawNode{}, x.kids...), y.kids...)}
	case ys:
		return &rawNode{stmt: seqStmt{}, kids: append([]*rawNode{x}, y.kids...)}
	case xs:
		return &rawNode{stmt: seqStmt{}, kids: append(append([]*rawNode{}, x.kids...), y)}
	}
	return &rawNode{stmt: seqStmt{}, kids: []*rawNode{x, y}}
}

func ungroup(n *rawNode) *rawNode {
	if _, ok := n.stmt.(seqStmt); ok && len(n.kids) == 1 {
		return n.kids[0]
	}
	return n
}

// defines lists the names a raw tree introduces (exports and restricted
// names), in order of appearance.
func defines(n *rawNode, seen map[string]bool, out *[]string) {
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			*out = append(*out, s)
		}
	}
	switch t := n.stmt.(type) {
	case forStmt:
		add(t.item)
		add(t.key)
		add(t.val)
	case callStmt:
		for _, e := range t.exports {
			if !e.existing {
				add(e.name)
			}
		}
	case declStmt:
		add(t.name)
	case assignStmt:
		add(t.name)
	case flattenStmt:
		add(t.name)
	case canonStmt:
		add(t.to.name)
	case serviceIDStmt:
		add(t.name)
	case closureStmt:
		add(t.name)
	}
	for _, k := range n.kids {
		defines(k, seen, out)
	}
}

// renameTree applies a renaming to values and defined names. Subtrees
// the renaming does not change are shared, as renameRaw shares values.
func renameTree(n *rawNode, m map[string]string) *rawNode {
	if len(m) == 0 {
		return n
	}
	out, _ := renameNode(n, m)
	return out
}

// renameNode is renameTree, also reporting whether anything changed.
func renameNode(n *rawNode, m map[string]string) (*rawNode, bool) {
	changed := false
	val := func(v rawValue) rawValue {
		r, ch := renameValue(v, m)
		changed = changed || ch
		return r
	}
	vals := func(vs []rawValue) []rawValue {
		r, ch := renameValues(vs, m)
		changed = changed || ch
		return r
	}
	ren := func(s string) string {
		r := renamed(s, m)
		changed = changed || r != s
		return r
	}
	exp := func(e export) export {
		e.name = ren(e.name)
		return e
	}
	var t rawStmt
	switch x := n.stmt.(type) {
	case ifStmt:
		t = ifStmt{cond: val(x.cond)}
	case onStmt:
		t = onStmt{peer: val(x.peer), via: vals(x.via), relayRet: x.relayRet}
	case forStmt:
		t = forStmt{item: ren(x.item), iter: val(x.iter), mode: x.mode, key: ren(x.key), val: ren(x.val)}
	case nextStmt:
		t = nextStmt{item: ren(x.item)}
	case callStmt:
		ex, ch := renameEach(x.exports, func(e export) (export, bool) {
			r := renamed(e.name, m)
			ch := r != e.name
			e.name = r
			return e, ch
		})
		changed = changed || ch
		t = callStmt{exports: ex, call: val(x.call)}
	case declStmt:
		t = declStmt{name: ren(x.name), typ: x.typ}
	case assignStmt:
		t = assignStmt{val: val(x.val), name: ren(x.name)}
	case pushStmt:
		t = pushStmt{val: val(x.val), to: exp(x.to)}
	case pushMapStmt:
		t = pushMapStmt{key: val(x.key), val: val(x.val), to: exp(x.to)}
	case flattenStmt:
		t = flattenStmt{val: val(x.val), name: ren(x.name)}
	case canonStmt:
		t = canonStmt{val: val(x.val), to: exp(x.to)}
	case joinStmt:
		t = joinStmt{vals: vals(x.vals)}
	case serviceIDStmt:
		t = serviceIDStmt{id: val(x.id), srv: x.srv, name: ren(x.name)}
	case closureStmt:
		fn, ch := x.fn.renameFree(m)
		changed = changed || ch
		t = closureStmt{name: ren(x.name), fn: fn, detached: x.detached}
	default:
		t = n.stmt
	}
	kids, ch := renameEach(n.kids, func(k *rawNode) (*rawNode, bool) { return renameNode(k, m) })
	if !changed && !ch {
		return n, false
	}
	return &rawNode{stmt: t, kids: kids}, true
}

// freeNames lists the names a closure takes from where it is defined:
// the names its body and results read or write that it neither takes as
// parameters nor defines, sorted. For an ability member, A.f, it is A.
func freeNames(fn *funcArrow) []string {
	used := map[string]bool{}
	usesTree(fn.body, used)
	for _, r := range fn.ret {
		usesRaw(r, used)
	}
	var defs []string
	defines(fn.body, map[string]bool{}, &defs)
	for _, d := range defs {
		delete(used, d)
	}
	for _, p := range fn.params {
		delete(used, p)
	}
	out := make([]string, 0, len(used))
	for n := range used {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func headName(n string) string {
	head, _, _ := strings.Cut(n, ".")
	return head
}

// usesRaw adds the names a value reads.
func usesRaw(v rawValue, out map[string]bool) {
	mapRaw(v, func(v rawValue) rawValue {
		switch x := v.(type) {
		case rawVar:
			out[headName(x.name)] = true
		case rawCall:
			if x.ability != "" {
				out[headName(x.ability)] = true
			} else {
				out[headName(x.name)] = true
			}
		case rawApply:
			for _, p := range x.props {
				if p.idx != nil {
					usesRaw(p.idx, out)
				}
			}
		}
		return v
	})
}

// usesTree adds the names a raw tree reads, and the streams it writes.
func usesTree(n *rawNode, out map[string]bool) {
	vals := func(vs ...rawValue) {
		for _, v := range vs {
			if v != nil {
				usesRaw(v, out)
			}
		}
	}
	switch t := n.stmt.(type) {
	case ifStmt:
		vals(t.cond)
	case onStmt:
		vals(t.peer)
		vals(t.via...)
	case forStmt:
		vals(t.iter)
	case callStmt:
		vals(t.call)
		for _, e := range t.exports {
			if e.existing {
				out[e.name] = true
			}
		}
	case assignStmt:
		vals(t.val)
	case pushStmt:
		vals(t.val)
		out[t.to.name] = true
	case pushMapStmt:
		vals(t.key, t.val)
		out[t.to.name] = true
	case flattenStmt:
		vals(t.val)
	case canonStmt:
		vals(t.val)
	case joinStmt:
		vals(t.vals...)
	case serviceIDStmt:
		vals(t.id)
	case closureStmt:
		for _, f := range freeNames(t.fn) {
			out[f] = true
		}
	}
	for _, k := range n.kids {
		usesTree(k, out)
	}
}
