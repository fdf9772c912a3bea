package codegen

import (
	"sort"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// The raw layer is the program after name resolution and before inlining:
// what the reference compiler calls RawTag and ValueRaw. Names are source
// names; the inliner renames them.

// rval is a raw value expression.
type rval interface{ isRaw() }

type (
	rLit struct {
		text string
		typ  types.Type
	}
	rVar struct {
		name  string
		typ   types.Type
		canon bool
	}
	// rApply is a value with a chain of properties.
	rApply struct {
		base  rval
		props []rprop
	}
	rColl struct {
		kind ast.CollKind
		elem types.Type
		vals []rval
		typ  types.Type
	}
	// rStruct is Struct(field = value); fields are sorted by name, as the
	// reference keeps them.
	rStruct struct {
		typ    *types.Struct
		fields []rfield
	}
	rAbility struct {
		typ    *types.Ability
		fields []rfield
	}
	rBin struct {
		op   string
		l, r rval
		typ  types.Type
	}
	rUnary struct {
		op  string
		x   rval
		typ types.Type
	}
	// rCall calls a function, closure, callback or ability or service
	// arrow (ability is then the service or ability name).
	rCall struct {
		ability   string
		name      string
		arrow     *types.Arrow
		args      []rval
		abilities []rval // the {A, B} arguments of a function
		// member marks the arrow of an ability value, ab.arrow(): as a
		// value it is a property of ab, and a literal it returns is
		// put in a variable, as the reference does with any literal
		// that has properties applied.
		member bool
	}
	// rStream is a stream literal *[a, b]: the semantic pass names the
	// stream it fills (stream-anon-N).
	rStream struct {
		name string
		typ  *types.Stream
		vals []rval
	}
	// rConst is the value of a constant. The reference resolves constants
	// while inlining, after it has folded the literals of additions, so a
	// constant takes no part in that folding: n + C - 1 keeps C apart.
	rConst struct {
		val rval
	}
	// rService calls a service directly by id (the wrapper's getters).
	rService struct {
		srv   rval
		fn    string
		arrow *types.Arrow
		args  []rval
	}
)

type rfield struct {
	name string
	val  rval
}

type rpropKind uint8

const (
	rField rpropKind = iota
	rIndex
	rFunctor
	rArrow
	rCopy
)

type rprop struct {
	kind   rpropKind
	name   string
	idx    rval
	typ    types.Type
	arrow  *types.Arrow
	args   []rval
	fields []rfield
}

func (rLit) isRaw()     {}
func (rVar) isRaw()     {}
func (rApply) isRaw()   {}
func (rColl) isRaw()    {}
func (rStruct) isRaw()  {}
func (rAbility) isRaw() {}
func (rBin) isRaw()     {}
func (rUnary) isRaw()   {}
func (rCall) isRaw()    {}
func (rService) isRaw() {}
func (rStream) isRaw()  {}
func (rConst) isRaw()   {}

// rawType is the type of a raw value.
func rawType(v rval) types.Type {
	switch v := v.(type) {
	case rLit:
		return v.typ
	case rVar:
		return v.typ
	case rApply:
		return v.props[len(v.props)-1].typ
	case rColl:
		return v.typ
	case rStruct:
		return v.typ
	case rAbility:
		return v.typ
	case rBin:
		return v.typ
	case rUnary:
		return v.typ
	case rCall:
		if len(v.arrow.Results) > 0 {
			return v.arrow.Results[0]
		}
	case rService:
		if len(v.arrow.Results) > 0 {
			return v.arrow.Results[0]
		}
	case rStream:
		return v.typ
	case rConst:
		return rawType(v.val)
	}
	return types.NoValue
}

// isApply reports whether a returned value is computed rather than named
// (the reference assigns such values to "-return-fix").
func isApply(v rval) bool {
	switch v.(type) {
	case rApply, rCall, rColl, rBin, rUnary:
		return true
	}
	return false
}

// renameRaw renames variables in a value.
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

func renameRaw(v rval, m map[string]string) rval {
	if len(m) == 0 {
		return v
	}
	return mapRaw(v, func(v rval) rval {
		switch x := v.(type) {
		case rVar:
			x.name = renamed(x.name, m)
			return x
		case rCall:
			if x.ability != "" {
				x.ability = renamed(x.ability, m)
			} else {
				x.name = renamed(x.name, m)
			}
			return x
		case rStream:
			x.name = renamed(x.name, m)
			return x
		}
		return v
	})
}

// mapRaw rebuilds a value bottom up: f sees every part of it, the value
// itself last, each with its own parts already mapped.
func mapRaw(v rval, f func(rval) rval) rval {
	list := func(vs []rval) []rval {
		out := make([]rval, len(vs))
		for i, x := range vs {
			out[i] = mapRaw(x, f)
		}
		return out
	}
	fields := func(fs []rfield) []rfield {
		out := make([]rfield, len(fs))
		for i, x := range fs {
			out[i] = rfield{x.name, mapRaw(x.val, f)}
		}
		return out
	}
	switch x := v.(type) {
	case rApply:
		props := make([]rprop, len(x.props))
		for i, p := range x.props {
			if p.idx != nil {
				p.idx = mapRaw(p.idx, f)
			}
			p.args = list(p.args)
			p.fields = fields(p.fields)
			props[i] = p
		}
		v = rApply{base: mapRaw(x.base, f), props: props}
	case rColl:
		x.vals = list(x.vals)
		v = x
	case rStruct:
		x.fields = fields(x.fields)
		v = x
	case rAbility:
		x.fields = fields(x.fields)
		v = x
	case rBin:
		x.l, x.r = mapRaw(x.l, f), mapRaw(x.r, f)
		v = x
	case rUnary:
		x.x = mapRaw(x.x, f)
		v = x
	case rCall:
		x.args = list(x.args)
		x.abilities = list(x.abilities)
		v = x
	case rStream:
		x.vals = list(x.vals)
		v = x
	case rService:
		x.srv = mapRaw(x.srv, f)
		x.args = list(x.args)
		v = x
	}
	return f(v)
}

// tag is a raw statement.
type tag interface{ isTag() }

type (
	tSeq    struct{}
	tPar    struct{}
	tDetach struct{}
	tTry    struct{}
	tIf     struct{ cond rval }
	tOn     struct {
		peer     rval
		via      []rval
		relayRet bool
	}
	tFor struct {
		item     string
		iter     rval
		mode     ast.ForMode
		key, val string // for k, v <- map
	}
	tNext  struct{ item string }
	tCallT struct {
		exports []export
		call    rval // rCall or rService
	}
	tDecl struct {
		name string
		typ  types.Type
	}
	tAssign struct {
		val  rval
		name string
	}
	tPush struct {
		val rval
		to  export
	}
	tPushMap struct {
		key, val rval
		to       export
	}
	tFlatten struct {
		val  rval
		name string
	}
	tCanon struct {
		val rval
		to  export
	}
	tJoin      struct{ vals []rval }
	tServiceID struct {
		id   rval
		srv  *types.Service
		name string
	}
	tEmpty struct{}
	// tClosure defines a closure; detached closures (func (...) -> ...:)
	// run wherever they are called, the others where they are defined.
	tClosure struct {
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

func (tSeq) isTag()       {}
func (tPar) isTag()       {}
func (tDetach) isTag()    {}
func (tTry) isTag()       {}
func (tIf) isTag()        {}
func (tOn) isTag()        {}
func (tFor) isTag()       {}
func (tNext) isTag()      {}
func (tCallT) isTag()     {}
func (tDecl) isTag()      {}
func (tAssign) isTag()    {}
func (tPush) isTag()      {}
func (tPushMap) isTag()   {}
func (tFlatten) isTag()   {}
func (tCanon) isTag()     {}
func (tJoin) isTag()      {}
func (tServiceID) isTag() {}
func (tEmpty) isTag()     {}
func (tClosure) isTag()   {}

// rnode is a node of the raw tree.
type rnode struct {
	tag  tag
	kids []*rnode
}

func rleaf(t tag) *rnode { return &rnode{tag: t} }

// rseq wraps statements in a seq, dropping empty ones; a single statement
// stays as is.
func rseq(kids ...*rnode) *rnode {
	var out []*rnode
	for _, k := range kids {
		if _, empty := k.tag.(tEmpty); !empty {
			out = append(out, k)
		}
	}
	switch len(out) {
	case 0:
		return rleaf(tEmpty{})
	case 1:
		return out[0]
	}
	return &rnode{tag: tSeq{}, kids: out}
}

// combine joins two statement trees the way the reference combines the
// statements of a block: sequences merge, single-child sequences unwrap.
func combine(x, y *rnode) *rnode {
	x, y = ungroup(x), ungroup(y)
	_, xs := x.tag.(tSeq)
	_, ys := y.tag.(tSeq)
	switch {
	case xs && ys:
		return &rnode{tag: tSeq{}, kids: append(append([]*rnode{}, x.kids...), y.kids...)}
	case ys:
		return &rnode{tag: tSeq{}, kids: append([]*rnode{x}, y.kids...)}
	case xs:
		return &rnode{tag: tSeq{}, kids: append(append([]*rnode{}, x.kids...), y)}
	}
	return &rnode{tag: tSeq{}, kids: []*rnode{x, y}}
}

func ungroup(n *rnode) *rnode {
	if _, ok := n.tag.(tSeq); ok && len(n.kids) == 1 {
		return n.kids[0]
	}
	return n
}

// defines lists the names a raw tree introduces (exports and restricted
// names), in order of appearance.
func defines(n *rnode, seen map[string]bool, out *[]string) {
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			*out = append(*out, s)
		}
	}
	switch t := n.tag.(type) {
	case tFor:
		add(t.item)
		add(t.key)
		add(t.val)
	case tCallT:
		for _, e := range t.exports {
			if !e.existing {
				add(e.name)
			}
		}
	case tDecl:
		add(t.name)
	case tAssign:
		add(t.name)
	case tFlatten:
		add(t.name)
	case tCanon:
		add(t.to.name)
	case tServiceID:
		add(t.name)
	case tClosure:
		add(t.name)
	}
	for _, k := range n.kids {
		defines(k, seen, out)
	}
}

// renameTree applies a renaming to values and defined names.
func renameTree(n *rnode, m map[string]string) *rnode {
	if len(m) == 0 {
		return n
	}
	ren := func(s string) string { return renamed(s, m) }
	vals := func(vs []rval) []rval {
		out := make([]rval, len(vs))
		for i, v := range vs {
			out[i] = renameRaw(v, m)
		}
		return out
	}
	var t tag
	switch x := n.tag.(type) {
	case tIf:
		t = tIf{cond: renameRaw(x.cond, m)}
	case tOn:
		t = tOn{peer: renameRaw(x.peer, m), via: vals(x.via), relayRet: x.relayRet}
	case tFor:
		t = tFor{item: ren(x.item), iter: renameRaw(x.iter, m), mode: x.mode, key: ren(x.key), val: ren(x.val)}
	case tNext:
		t = tNext{item: ren(x.item)}
	case tCallT:
		ex := make([]export, len(x.exports))
		for i, e := range x.exports {
			e.name = ren(e.name)
			ex[i] = e
		}
		t = tCallT{exports: ex, call: renameRaw(x.call, m)}
	case tDecl:
		t = tDecl{name: ren(x.name), typ: x.typ}
	case tAssign:
		t = tAssign{val: renameRaw(x.val, m), name: ren(x.name)}
	case tPush:
		to := x.to
		to.name = ren(to.name)
		t = tPush{val: renameRaw(x.val, m), to: to}
	case tPushMap:
		to := x.to
		to.name = ren(to.name)
		t = tPushMap{key: renameRaw(x.key, m), val: renameRaw(x.val, m), to: to}
	case tFlatten:
		t = tFlatten{val: renameRaw(x.val, m), name: ren(x.name)}
	case tCanon:
		to := x.to
		to.name = ren(to.name)
		t = tCanon{val: renameRaw(x.val, m), to: to}
	case tJoin:
		t = tJoin{vals: vals(x.vals)}
	case tServiceID:
		t = tServiceID{id: renameRaw(x.id, m), srv: x.srv, name: ren(x.name)}
	case tClosure:
		t = tClosure{name: ren(x.name), fn: x.fn.renameFree(m), detached: x.detached}
	default:
		t = n.tag
	}
	out := &rnode{tag: t, kids: make([]*rnode, len(n.kids))}
	for i, k := range n.kids {
		out.kids[i] = renameTree(k, m)
	}
	return out
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
func usesRaw(v rval, out map[string]bool) {
	mapRaw(v, func(v rval) rval {
		switch x := v.(type) {
		case rVar:
			out[headName(x.name)] = true
		case rCall:
			if x.ability != "" {
				out[headName(x.ability)] = true
			} else {
				out[headName(x.name)] = true
			}
		case rApply:
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
func usesTree(n *rnode, out map[string]bool) {
	vals := func(vs ...rval) {
		for _, v := range vs {
			if v != nil {
				usesRaw(v, out)
			}
		}
	}
	switch t := n.tag.(type) {
	case tIf:
		vals(t.cond)
	case tOn:
		vals(t.peer)
		vals(t.via...)
	case tFor:
		vals(t.iter)
	case tCallT:
		vals(t.call)
		for _, e := range t.exports {
			if e.existing {
				out[e.name] = true
			}
		}
	case tAssign:
		vals(t.val)
	case tPush:
		vals(t.val)
		out[t.to.name] = true
	case tPushMap:
		vals(t.key, t.val)
		out[t.to.name] = true
	case tFlatten:
		vals(t.val)
	case tCanon:
		vals(t.val)
	case tJoin:
		vals(t.vals...)
	case tServiceID:
		vals(t.id)
	case tClosure:
		for _, f := range freeNames(t.fn) {
			out[f] = true
		}
	}
	for _, k := range n.kids {
		usesTree(k, out)
	}
}
