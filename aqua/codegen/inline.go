package codegen

import (
	"maps"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// funcArrow is something that can be called and inlined: a function, a
// service arrow wrapper or a client callback.
type funcArrow struct {
	name     string
	body     *rawNode
	arrow    *types.Arrow
	params   []string
	ret      []rawValue
	captured []string // names of the arrows it sees, reserved on inlining
	idValue  value    // for a service wrapper whose id is a value
	// capturedArrows are arrows the body calls by name that are not
	// functions: the wrapper's client callbacks.
	capturedArrows map[string]*funcArrow
	// capturedExports are the values a closure saw where it was defined.
	capturedExports map[string]value
	// topology names the captured topology a closure's body runs in;
	// empty for functions and detached closures.
	topology string
	// defs are the names the body defines, once definitions has listed
	// them: every inlining of the arrow renames them.
	defs     []string
	defsDone bool
}

// definitions lists the names the body defines, in order.
func (fn *funcArrow) definitions() []string {
	if !fn.defsDone {
		defines(fn.body, map[string]bool{}, &fn.defs)
		fn.defsDone = true
	}
	return fn.defs
}

// renameFree renames the names a closure body takes from its enclosing
// function; its parameters shadow them.
// It reports whether anything changed; an unchanged closure is returned
// as it was given.
func (fn *funcArrow) renameFree(m map[string]string) (*funcArrow, bool) {
	inner := m
	for _, p := range fn.params {
		if _, ok := m[p]; ok {
			inner = maps.Clone(m)
			for _, p := range fn.params {
				delete(inner, p)
			}
			break
		}
	}
	if len(inner) == 0 {
		return fn, false
	}
	body, changed := renameNode(fn.body, inner)
	ret, ch := renameValues(fn.ret, inner)
	if !changed && !ch {
		return fn, false
	}
	out := *fn
	out.body, out.ret = body, ret
	out.defs, out.defsDone = nil, false
	return &out, true
}

// callModel is a call after its arguments are resolved.
type callModel struct {
	args    []value
	exports []export
	// abilityArrows and abilityValues are the members of the abilities
	// passed in {...}, named as the callee sees them ("A.f").
	abilityArrows map[string]*funcArrow
	abilityValues map[string]value
}

// inliner holds the state of inlining one exported function.
type inliner struct {
	g     *generator
	names *mangler
	// env is what names mean in the body being inlined; each inlined
	// call has its own (callArrowRet).
	env
	streams []streamDecl
	noXor   bool
	// iterators are the names of fold iterators, which AIR does not let
	// a lens use as a map key.
	iterators map[string]bool
	// serviceValues numbers the services taken as values; idless are
	// those of them that had no id to take.
	serviceValues int
	idless        map[string]*types.Service
}

// env is the environment of the body being inlined: what its names stand
// for. A call inlines the callee in an environment of its own, made from
// the caller's by enter and given back by leave, as go/types' checker
// saves and restores its environment around a function body; nothing
// else swaps it.
type env struct {
	// exports are the values names stand for.
	exports map[string]value
	// arrows are the arrows names call: closures, callbacks, service
	// arrows with the id set in scope, members of ability values ("A.f").
	arrows map[string]*funcArrow
	// serviceUndo logs the arrows that `Srv id` statements rebound, so
	// that a block can restore them when it ends: as in the reference, an
	// id set inside a block holds until the end of that block only.
	serviceUndo []arrowBinding
}

func newEnv() env {
	return env{exports: map[string]value{}, arrows: map[string]*funcArrow{}}
}

// enter starts the environment of a callee: the caller's values (a
// copy, which prelude then binds the callee's parameters in), no arrows
// yet, and the log of service ids, which goes on from the caller's. It
// returns the caller's environment, for leave.
func (in *inliner) enter() (caller env) {
	caller = in.env
	in.env = env{exports: maps.Clone(caller.exports), arrows: map[string]*funcArrow{}}
	in.serviceUndo = caller.serviceUndo
	return caller
}

// leave ends a callee's environment and gives the caller's back: the
// callee's names and the service ids it set go with it, but for the
// arrows and ability members in kept, which the callee returned and
// which stay callable.
func (in *inliner) leave(caller, kept env) {
	in.env = caller
	maps.Copy(in.arrows, kept.arrows)
	maps.Copy(in.exports, kept.exports)
}

// arrowBinding is what a key of inliner.arrows held before a rebinding.
type arrowBinding struct {
	key string
	fn  *funcArrow
	had bool
}

type streamDecl struct {
	name string
	typ  types.Type
}

// resolve looks a name up in the exports, following the reference's
// VarModel.resolveWith: a variable with properties keeps them on top of
// what the name resolves to.
func (in *inliner) resolveVar(v variable) value {
	got, ok := in.exports[v.name]
	if !ok {
		return v
	}
	switch g := got.(type) {
	case literal:
		if len(v.props) == 0 {
			return g
		}
		return v
	case variable:
		if len(v.props) > 0 {
			g.props = append(append([]property(nil), g.props...), v.props...)
		}
		return g
	}
	return v
}

func (in *inliner) resolved(name string, v value) {
	in.exports[name] = v
	if vv, ok := v.(variable); ok && vv.name == name && !vv.canon && len(vv.props) == 0 {
		switch vv.typ.(type) {
		case *types.Stream, *types.StreamMap:
			for _, s := range in.streams {
				if s.name == name {
					return
				}
			}
			in.streams = append(in.streams, streamDecl{name, vv.typ})
		}
	}
}

// callArrowRet inlines a call: the callee's body with its names made
// unique, and the values it returns.
func (in *inliner) callArrowRet(fn *funcArrow, call callModel) (*modelNode, []value) {
	var passArrows map[string]*funcArrow
	for _, a := range call.args {
		if vv, ok := a.(variable); ok {
			if _, isArrow := vv.typ.(*types.Arrow); isArrow {
				if f := in.lookupArrow(vv.name); f != nil {
					if passArrows == nil {
						passArrows = map[string]*funcArrow{}
					}
					passArrows[vv.name] = f
				}
			}
		}
	}
	caller := in.enter()
	body, canons, rets := in.prelude(fn, call, passArrows)
	// The caller's names stay as they are until leave: the callee
	// works in an environment of its own.
	tree, values := in.inlineBody(body, rets, fn, call, caller.exports)
	tree = seqOf(canons, tree)
	in.leave(caller, in.returned(call, values))
	var exportNames []string
	for i, e := range call.exports {
		if i < len(values) {
			in.exports[e.name] = values[i]
		}
		exportNames = append(exportNames, e.name)
	}
	in.names.forbid(exportNames...)
	return tree, values
}

// returned is what stays of the callee's environment in the caller's:
// the arrows and ability members among the values it returns, under the
// caller's names for them.
func (in *inliner) returned(call callModel, values []value) env {
	var kept env
	keepArrow := func(k string, f *funcArrow) {
		if kept.arrows == nil {
			kept.arrows = map[string]*funcArrow{}
		}
		kept.arrows[k] = f
	}
	for i, e := range call.exports {
		if i >= len(values) {
			break
		}
		vv, ok := values[i].(variable)
		if !ok {
			continue
		}
		switch vv.typ.(type) {
		case *types.Arrow:
			if f := in.lookupArrow(vv.name); f != nil {
				// Under vv's name too: the caller's name resolves to vv
				// when the call is a value, as in x = f().
				keepArrow(e.name, f)
				keepArrow(vv.name, f)
			}
		case *types.Ability, *types.Service:
			// The caller's name resolves to vv, so the members stay
			// under vv's name.
			prefix := vv.name + "."
			for k, f := range in.arrows {
				if strings.HasPrefix(k, prefix) {
					keepArrow(k, f)
				}
			}
			for k, v := range in.exports {
				if strings.HasPrefix(k, prefix) {
					if kept.exports == nil {
						kept.exports = map[string]value{}
					}
					kept.exports[k] = v
				}
			}
		}
	}
	return kept
}

// prelude renames the callee's parameters and definitions and binds its
// arguments.
func (in *inliner) prelude(fn *funcArrow, call callModel, passed map[string]*funcArrow) (*rawNode, *modelNode, []rawValue) {
	renames := map[string]string{}
	data := map[string]value{}
	var dataNames []string
	canonArgs := map[string]variable{}
	var canonOrder []string
	for i, p := range fn.params {
		if i >= len(call.args) || i >= len(fn.arrow.Params) {
			break
		}
		pt := fn.arrow.Params[i].Type
		arg := call.args[i]
		sv, argIsStream := isStreamVar(arg)
		switch pt.(type) {
		case *types.Stream, *types.StreamMap:
			if argIsStream {
				renames[p] = sv.name
				continue
			}
			if mv, ok := arg.(variable); ok && isStreamMap(mv.typ) && !mv.canon && len(mv.props) == 0 {
				// A map is passed by name, as a stream is.
				renames[p] = mv.name
				continue
			}
		case *types.Array, *types.Option:
			if argIsStream {
				canonArgs[p] = sv
				canonOrder = append(canonOrder, p)
				continue
			}
		case *types.Arrow:
			if vv, ok := arg.(variable); ok {
				renames[p] = vv.name
			}
			continue
		case *types.Ability:
			continue
		}
		data[p] = arg
		dataNames = append(dataNames, p)
	}
	dataRen := in.names.findNewNames(dataNames)
	var capturedRen map[string]string
	if fn.capturedExports != nil {
		capturedRen = in.renameCaptured(fn)
	}
	// The callee sees every arrow defined before it; the reference
	// reserves their names here.
	in.names.findNewNames(fn.captured)
	if fn.idValue != nil {
		r := in.names.findNewNames([]string{"id"})
		if n, ok := r["id"]; ok {
			renames["id"] = n
			data[n] = fn.idValue
		} else {
			data["id"] = fn.idValue
		}
	}
	defRen := in.names.findNewNames(fn.definitions())
	var canons []*modelNode
	canonNames := map[string]variable{}
	for _, p := range canonOrder {
		sv := canonArgs[p]
		name := in.names.findAndForbid(sv.name + "_canon")
		renames[p] = name
		cv := variable{name: name, typ: sv.typ, canon: true}
		canonNames[name] = cv
		canons = append(canons, leaf(canonOp{val: sv, to: cv}))
	}
	for k, v := range dataRen {
		renames[k] = v
	}
	for k, v := range capturedRen {
		renames[k] = v
	}
	for k, v := range defRen {
		renames[k] = v
	}
	// An ability parameter is the ability passed in, whatever the
	// caller's names say: Ab <- make() then use{Ab}() must not make the
	// callee's Ab the caller's value.
	for _, ab := range fn.arrow.Abilities {
		prefix := ab.Name + "."
		for k := range in.exports {
			if strings.HasPrefix(k, prefix) {
				delete(in.exports, k)
			}
		}
		in.exports[ab.Name] = variable{name: ab.Name, typ: ab.Type}
	}
	for p, v := range data {
		name := p
		if r, ok := dataRen[p]; ok {
			name = r
		}
		in.exports[name] = v
	}
	for k, v := range passed {
		in.arrows[k] = v
	}
	maps.Copy(in.arrows, fn.capturedArrows)
	maps.Copy(in.exports, fn.capturedExports)
	in.aliasCaptured(fn, capturedRen)
	maps.Copy(in.arrows, call.abilityArrows)
	maps.Copy(in.exports, call.abilityValues)
	body := renameTree(fn.body, renames)
	var ret []rawValue
	for _, r := range fn.ret {
		ret = append(ret, renameRaw(r, renames))
	}
	if len(canonNames) > 0 {
		body = markCanon(body, canonNames)
		for i := range ret {
			ret[i] = markCanonRaw(ret[i], canonNames)
		}
	}
	return body, seqOf(canons...), ret
}

// renameCaptured gives new names to what a closure takes from where it
// was defined, as the reference does when it inlines a closure: the
// abilities one by one, then the other values, then the arrows, each
// renamed if its name is taken. The renamed names still stand for the
// captured values (aliasCaptured); what the renaming changes is the
// numbering of names made later: a stream declared after a closure that
// wrote to an outer s is s-1, not s-0.
func (in *inliner) renameCaptured(fn *funcArrow) map[string]string {
	renames := map[string]string{}
	var vals, arrows []string
	for _, n := range freeNames(fn) {
		if v, ok := fn.capturedExports[n]; ok {
			if isAbilityValue(v) {
				if r := in.names.findAndForbid(n); r != n {
					renames[n] = r
				}
				continue
			}
			vals = append(vals, n)
			continue
		}
		if _, ok := fn.capturedArrows[n]; ok {
			arrows = append(arrows, n)
		}
	}
	maps.Copy(renames, in.names.findNewNames(vals))
	maps.Copy(renames, in.names.findNewNames(arrows))
	return renames
}

func isAbilityValue(v value) bool {
	vv, ok := v.(variable)
	if !ok || len(vv.props) > 0 {
		return false
	}
	switch vv.typ.(type) {
	case *types.Ability, *types.Service:
		return true
	}
	return false
}

// aliasCaptured binds the new names renameCaptured gave to what they
// stand for: a value, an arrow, or an ability and its members.
func (in *inliner) aliasCaptured(fn *funcArrow, renames map[string]string) {
	for from, to := range renames {
		v, isValue := fn.capturedExports[from]
		switch {
		case isValue && isAbilityValue(v):
			vv := v.(variable)
			src := in.abilityName(vv.name)
			arrows := map[string]*funcArrow{}
			for k, f := range in.arrows {
				if rest, ok := strings.CutPrefix(k, src+"."); ok {
					arrows[to+"."+rest] = f
				}
			}
			values := map[string]value{}
			for k, val := range in.exports {
				if rest, ok := strings.CutPrefix(k, src+"."); ok {
					values[to+"."+rest] = rebased(val, k, to+"."+rest)
				}
			}
			maps.Copy(in.arrows, arrows)
			maps.Copy(in.exports, values)
			in.exports[to] = variable{name: to, typ: vv.typ}
		case isValue:
			in.exports[to] = v
		default:
			if f, ok := fn.capturedArrows[from]; ok {
				in.arrows[to] = f
			}
		}
	}
}

// inlineBody inlines the renamed body and resolves the returned values,
// appending them to streams when the caller binds them to one.
//
// outside are the caller's names: a stream the call appends to that the
// caller has is appended to, not replaced.
func (in *inliner) inlineBody(body *rawNode, ret []rawValue, fn *funcArrow, call callModel, outside map[string]value) (*modelNode, []value) {
	tree := in.tree(body)
	if fn.topology != "" {
		tree = wrap(applyTopologyOp{name: fn.topology}, tree)
	}
	type resolvedRet struct {
		v      value
		prefix *modelNode
	}
	var rs []resolvedRet
	for _, r := range ret {
		v, p := in.valueToModel(r, true)
		rs = append(rs, resolvedRet{v, p})
	}
	if len(call.exports) == 1 && len(rs) == 2 && isStreamMap(call.exports[0].typ) && !isStreamMap(typeOf(rs[0].v)) {
		// m <- f() with f returning a key and a value: insert the pair.
		e := call.exports[0]
		insert := leaf(insertOp{key: rs[0].v, val: rs[1].v, m: e.name, typ: e.typ})
		return seqOf(tree, rs[0].prefix, rs[1].prefix, insert), []value{variable{name: e.name, typ: e.typ}}
	}
	var ops []*modelNode
	var values []value
	for i, e := range call.exports {
		if i >= len(rs) {
			break
		}
		r := rs[i]
		_, exportStream := e.typ.(*types.Stream)
		_, resStream := isStreamVar(r.v)
		switch {
		case exportStream && resStream && !isLiveStream(outside[e.name]):
			ops = append(ops, r.prefix)
			values = append(values, r.v)
		case exportStream:
			to := variable{name: e.name, typ: e.typ}
			ops = append(ops, r.prefix, leaf(pushOp{val: r.v, to: to}))
			values = append(values, to)
		default:
			ops = append(ops, r.prefix)
			values = append(values, r.v)
		}
	}
	return seqOf(append([]*modelNode{tree}, ops...)...), values
}

func markCanon(n *rawNode, names map[string]variable) *rawNode {
	// Values in statements are rebuilt with the canonical marking by
	// renaming through a value mapper.
	return mapTreeValues(n, func(v rawValue) rawValue { return markCanonRaw(v, names) })
}

// isLiveStream reports whether a name stands for a stream that is not
// canonicalized (with or without a lens).
func isLiveStream(v value) bool {
	vv, ok := v.(variable)
	if !ok || vv.canon {
		return false
	}
	_, s := vv.typ.(*types.Stream)
	return s
}

// markCanonRaw marks the canonicalized stream arguments wherever they
// appear in v, inside collections, calls and indexes too.
func markCanonRaw(v rawValue, names map[string]variable) rawValue {
	return mapRaw(v, func(v rawValue) rawValue {
		if x, ok := v.(rawVar); ok {
			if cv, ok := names[x.name]; ok {
				return rawVar{name: x.name, typ: cv.typ, canon: true}
			}
		}
		return v
	})
}

// mapTreeValues applies f to the top-level values of every statement.
func mapTreeValues(n *rawNode, f func(rawValue) rawValue) *rawNode {
	out := &rawNode{stmt: n.stmt}
	switch t := n.stmt.(type) {
	case ifStmt:
		out.stmt = ifStmt{cond: f(t.cond)}
	case onStmt:
		via := make([]rawValue, len(t.via))
		for i, v := range t.via {
			via[i] = f(v)
		}
		out.stmt = onStmt{peer: f(t.peer), via: via, relayRet: t.relayRet}
	case forStmt:
		t.iter = f(t.iter)
		out.stmt = t
	case callStmt:
		switch c := t.call.(type) {
		case rawCall:
			args := make([]rawValue, len(c.args))
			for i, a := range c.args {
				args[i] = f(a)
			}
			c.args = args
			t.call = c
		case rawServiceCall:
			args := make([]rawValue, len(c.args))
			for i, a := range c.args {
				args[i] = f(a)
			}
			c.args = args
			t.call = c
		default:
			t.call = f(t.call)
		}
		out.stmt = t
	case assignStmt:
		t.val = f(t.val)
		out.stmt = t
	case pushStmt:
		t.val = f(t.val)
		out.stmt = t
	case pushMapStmt:
		t.key, t.val = f(t.key), f(t.val)
		out.stmt = t
	case flattenStmt:
		t.val = f(t.val)
		out.stmt = t
	case canonStmt:
		t.val = f(t.val)
		out.stmt = t
	case joinStmt:
		vals := make([]rawValue, len(t.vals))
		for i, v := range t.vals {
			vals[i] = f(v)
		}
		out.stmt = joinStmt{vals: vals}
	}
	for _, k := range n.kids {
		out.kids = append(out.kids, mapTreeValues(k, f))
	}
	return out
}

// tree inlines a raw tree: each statement's own values first, then its
// children.
func (in *inliner) tree(n *rawNode) *modelNode {
	children := func() []*modelNode {
		out := make([]*modelNode, len(n.kids))
		for i, k := range n.kids {
			out[i] = in.tree(k)
		}
		return out
	}
	blocks := func() []*modelNode {
		out := make([]*modelNode, len(n.kids))
		for i, k := range n.kids {
			out[i] = in.block(k)
		}
		return out
	}
	switch t := n.stmt.(type) {
	case seqStmt:
		return seqOf(children()...)
	case parStmt:
		return wrap(parOp{}, children()...)
	case detachStmt:
		return wrap(detachOp{}, children()...)
	case emptyStmt:
		return emptyLeaf
	case tryStmt:
		return xorOf(blocks()...)
	case onStmt:
		peer, pp := in.valueToModel(t.peer, true)
		prefixes := []*modelNode{}
		if pp != nil {
			prefixes = append(prefixes, pp)
		}
		var via []value
		for _, v := range t.via {
			vm, vp := in.valueToModel(v, true)
			vm, vp = in.flat(vm, vp)
			via = append(via, vm)
			if vp != nil {
				prefixes = append(prefixes, vp)
			}
		}
		// The body's definitions stay visible after it, its service ids
		// do not.
		body := make([]*modelNode, len(n.kids))
		for i, k := range n.kids {
			body[i] = in.scoped(k)
		}
		on := wrap(onOp{peer: peer, via: via, relayRet: t.relayRet}, body...)
		if !in.noXor {
			on = xorOf(on, leaf(failOp{val: errorVar}))
		}
		return seqOf(parOf(prefixes), on)
	case ifStmt:
		return in.inlineIf(t, n)
	case forStmt:
		return in.inlineFor(t, n)
	case nextStmt:
		if v, ok := in.exports[t.item].(variable); ok {
			return leaf(nextOp{item: v.name})
		}
		return emptyLeaf
	case declStmt:
		in.resolved(t.name, variable{name: t.name, typ: t.typ})
		return emptyLeaf
	case assignStmt:
		if ab, ok := t.val.(rawAbility); ok {
			return in.makeAbility(t.name, ab)
		}
		v, p := in.valueToModel(t.val, false)
		in.exports[t.name] = v
		return seqOf(p)
	case closureStmt:
		fn := *t.fn
		fn.capturedExports = maps.Clone(in.exports)
		fn.capturedArrows = maps.Clone(in.arrows)
		if t.detached {
			in.arrows[t.name] = &fn
			return emptyLeaf
		}
		fn.topology = t.name
		in.arrows[t.name] = &fn
		return leaf(captureOp{name: t.name})
	case pushStmt:
		v, p := in.valueToModel(t.val, true)
		to, _ := in.valueToModel(rawVar{name: t.to.name, typ: t.to.typ}, true)
		tv, _ := to.(variable)
		return seqOf(p, leaf(pushOp{val: v, to: variable{name: tv.name, typ: tv.typ}}))
	case pushMapStmt:
		k, kp := in.valueToModel(t.key, true)
		v, p := in.valueToModel(t.val, true)
		to, _ := in.valueToModel(rawVar{name: t.to.name, typ: t.to.typ}, true)
		tv, _ := to.(variable)
		return seqOf(seqOf(kp, p), leaf(insertOp{key: k, val: v, m: tv.name, typ: tv.typ}))
	case canonStmt:
		v, p := in.valueToModel(t.val, true)
		if l, ok := v.(literal); ok {
			in.exports[t.to.name] = l
			return seqOf(p)
		}
		cv := variable{name: t.to.name, typ: t.to.typ, canon: t.to.canon}
		in.exports[t.to.name] = cv
		return seqOf(p, leaf(canonOp{val: v, to: cv}))
	case flattenStmt:
		v, p := in.valueToModel(t.val, true)
		if l, ok := v.(literal); ok {
			in.exports[t.name] = l
			return seqOf(p)
		}
		return seqOf(p, leaf(flattenOp{val: v, name: t.name}))
	case joinStmt:
		var ps []*modelNode
		for _, v := range t.vals {
			_, p := in.valueToModel(v, true)
			if p != nil {
				ps = append(ps, p)
			}
		}
		return seqOf(parOf(ps))
	case callStmt:
		return in.inlineCall(t)
	case serviceIDStmt:
		id, p := in.valueToModel(t.id, true)
		for _, a := range t.srv.Arrows {
			arrow, _ := a.Type.(*types.Arrow)
			fname := in.names.findAndForbid(t.name + "-" + a.Name)
			fa := serviceArrow(fname, t.srv, a.Name, arrow, nil)
			if l, ok := id.(literal); ok {
				fa.body = serviceBody(rawLiteral(l), a.Name, arrow)
			} else {
				fa.body = serviceBody(rawVar{name: "id", typ: types.Typ(types.String)}, a.Name, arrow)
				fa.idValue = id
			}
			key := t.name + "." + a.Name
			old, had := in.arrows[key]
			in.serviceUndo = append(in.serviceUndo, arrowBinding{key: key, fn: old, had: had})
			in.arrows[key] = fa
		}
		return seqOf(p)
	}
	return emptyLeaf
}

// block inlines the body of an if, else, for, try, catch or otherwise:
// the streams it declares are wrapped in (new ...) and end with it, and
// so do the service ids it sets.
func (in *inliner) block(k *rawNode) *modelNode {
	before := len(in.streams)
	t := in.scoped(k)
	for _, s := range in.streams[before:] {
		t = wrap(restrictOp{name: s.name, typ: s.typ}, t)
	}
	in.streams = in.streams[:before]
	return t
}

// scoped inlines k and then undoes the service ids k set.
func (in *inliner) scoped(k *rawNode) *modelNode {
	mark := len(in.serviceUndo)
	t := in.tree(k)
	for i := len(in.serviceUndo) - 1; i >= mark; i-- {
		b := in.serviceUndo[i]
		if b.had {
			in.arrows[b.key] = b.fn
		} else {
			delete(in.arrows, b.key)
		}
	}
	in.serviceUndo = in.serviceUndo[:mark]
	return t
}

// makeAbility binds the members of Ability(field = value, ...) to
// "name.field": arrows to the arrows they name, data to its value. As in
// the reference, what the fields need computed runs in parallel, one
// branch for each field that needs any.
func (in *inliner) makeAbility(name string, ab rawAbility) *modelNode {
	var pre inl
	for _, f := range ab.fields {
		key := name + "." + f.name
		switch rawType(f.val).(type) {
		case *types.Arrow:
			fn, i := in.arrowOf(f.val)
			if fn == nil {
				in.g.failf("cannot resolve the arrow %s.%s", name, f.name)
				continue
			}
			in.arrows[key] = fn
			pre = pre.add(i)
		case *types.Ability:
			if inner, ok := f.val.(rawAbility); ok {
				// Built in place: its members live under this key.
				pre = pre.add(inl{predo: []*modelNode{in.makeAbility(key, inner)}})
				continue
			}
			if v, ok := f.val.(rawVar); ok {
				src := in.abilityName(v.name) + "."
				for k, fn := range in.arrows {
					if rest, ok := strings.CutPrefix(k, src); ok {
						in.arrows[key+"."+rest] = fn
					}
				}
				for k, val := range in.exports {
					if rest, ok := strings.CutPrefix(k, src); ok {
						in.exports[key+"."+rest] = rebased(val, k, key+"."+rest)
					}
				}
			}
		default:
			v, i := in.unfold(f.val, false)
			in.exports[key] = v
			pre = pre.add(i)
		}
	}
	in.exports[name] = variable{name: name, typ: ab.typ}
	return seqOf(pre.desugar().predo...)
}

// serviceValue takes a service as a value, as in Renamed = Srv, <- Srv
// or Ab(srv = Srv): an ability of a fresh name whose arrows are the
// service's arrows with the id they have here, set by 'Srv id' in scope
// or the default. The value keeps that id wherever it goes, as in the
// reference compiler; a later 'Srv id' does not change it.
func (in *inliner) serviceValue(name string, srv *types.Service) variable {
	in.serviceValues++
	fresh := name + "@" + itoa(in.serviceValues)
	v := variable{name: fresh, typ: srv}
	for _, a := range srv.Arrows {
		fn := in.lookupArrow(name + "." + a.Name)
		if fn == nil && srv.HasDefaultID {
			fn = in.g.defaultServiceArrow(srv, a.Name)
		}
		if fn != nil {
			in.arrows[fresh+"."+a.Name] = fn
		}
	}
	if !srv.HasDefaultID {
		in.idless[fresh] = srv
	}
	in.exports[fresh] = v
	return v
}

// arrowOf finds the arrow a value stands for: a closure, callback or
// function by its name, or the arrow a call returns, as in
// Ab(f = make()), with the inlined call to run first.
func (in *inliner) arrowOf(v rawValue) (*funcArrow, inl) {
	if rv, ok := v.(rawVar); ok {
		if fn := in.lookupArrow(rv.name); fn != nil {
			return fn, inl{}
		}
		return in.g.funcArrow(rv.name), inl{}
	}
	m, i := in.unfold(v, false)
	if mv, ok := m.(variable); ok {
		return in.lookupArrow(mv.name), i
	}
	return nil, i
}

// flat canonicalizes a stream used as a value.
func (in *inliner) flat(v value, p *modelNode) (value, *modelNode) {
	sv, ok := v.(variable)
	if !ok || sv.canon {
		return v, p
	}
	switch sv.typ.(type) {
	case *types.Stream, *types.StreamMap:
	default:
		return v, p
	}
	name := in.names.findAndForbid(sv.name + "_canon")
	cv := variable{name: name, typ: sv.typ, canon: true, props: sv.props}
	return cv, seqOf(p, leaf(canonOp{val: sv.bare(), to: variable{name: name, typ: sv.typ, canon: true}}))
}

// canonIfStream is flat for a stream without a lens, as the reference's
// canonicalizeIfStream.
func (in *inliner) canonIfStream(v value, p *modelNode) (value, *modelNode) {
	sv, ok := v.(variable)
	if !ok || sv.canon {
		return v, p
	}
	if _, s := sv.typ.(*types.Stream); !s {
		return v, p
	}
	name := in.names.findAndForbid(sv.name + "_canon")
	cv := variable{name: name, typ: sv.typ, canon: true, props: sv.props}
	return cv, seqOf(p, leaf(canonOp{val: sv, to: variable{name: name, typ: sv.typ, canon: true}}))
}

// inlineIf inlines an if statement and its else branches.
func (in *inliner) inlineIf(t ifStmt, n *rawNode) *modelNode {
	var left, right value
	var prefix *modelNode
	match := true
	if b, ok := t.cond.(rawBinary); ok && (b.op == "==" || b.op == "!=") {
		l, lp := in.valueToModel(b.l, true)
		l, lp = in.canonIfStream(l, lp)
		r, rp := in.valueToModel(b.r, true)
		r, rp = in.canonIfStream(r, rp)
		var ps []*modelNode
		if lp != nil {
			ps = append(ps, lp)
		}
		if rp != nil {
			ps = append(ps, rp)
		}
		prefix = parOf(ps)
		left, right, match = l, r, b.op == "=="
	} else {
		left, prefix = in.valueToModel(t.cond, true)
		right = trueLit
	}
	kids := make([]*modelNode, 0, len(n.kids))
	for _, k := range n.kids {
		if tr := in.block(k); !isEmpty(tr) {
			kids = append(kids, tr)
		}
	}
	if len(kids) == 0 {
		return seqOf(prefix)
	}
	ifBody, elseBody := kids[0], kids[1:]
	cond := func(body *modelNode) *modelNode { return wrap(matchOp{left: left, right: right, match: match}, body) }
	if in.noXor {
		return seqOf(prefix, xorOf(cond(ifBody), seqOf(elseBody...)))
	}
	code := "10001"
	if !match {
		code = "10002"
	}
	errVar := func(name string) variable { return variable{name: name, typ: types.ErrorType} }
	runIf := func(falseCase []*modelNode, errorCase *modelNode) *modelNode {
		return xorOf(
			cond(ifBody),
			seqOf(
				leaf(flattenOp{val: errorVar, name: "-if-error-"}),
				xorOf(
					wrap(matchOp{left: errorCode, right: lit(code, types.Typ(types.I64)), match: true}, falseCase...),
					errorCase,
				),
			),
		)
	}
	restrict := func(tree *modelNode, names ...string) *modelNode {
		for _, nm := range names {
			tree = wrap(restrictOp{name: nm, typ: types.ErrorType}, tree)
		}
		return tree
	}
	var out *modelNode
	if len(elseBody) == 0 {
		out = restrict(runIf([]*modelNode{leaf(nullOp{})}, leaf(failOp{val: errVar("-if-error-")})), "-if-error-")
	} else {
		errorCase := seqOf(
			leaf(flattenOp{val: errorVar, name: "-else-error-"}),
			xorOf(
				wrap(matchOp{left: errorCode, right: lit("10001", types.Typ(types.I64)), match: true},
					leaf(flattenOp{val: errVar("-if-error-"), name: "-if-else-error-"})),
				leaf(flattenOp{val: errVar("-else-error-"), name: "-if-else-error-"}),
			),
			leaf(failOp{val: errVar("-if-else-error-")}),
		)
		out = restrict(runIf(elseBody, errorCase), "-if-error-", "-else-error-", "-if-else-error-")
	}
	return seqOf(prefix, out)
}

// inlineFor inlines a for statement.
func (in *inliner) inlineFor(t forStmt, n *rawNode) *modelNode {
	iter, p := in.valueToModel(t.iter, true)
	switch m, isMap := iter.(variable); {
	case isMap && !m.canon && len(m.props) == 0 && isStreamMap(m.typ):
		// Every pair of a snapshot of the map, duplicates included.
		pairs, tree := in.mapPairs(m, m.typ.(*types.StreamMap))
		iter, p = pairs, seqOf(p, tree)
	case t.mode != ast.ForRec:
		iter, p = in.flat(iter, p)
	}
	name := in.names.findAndForbid(t.item)
	in.iterator(name)
	elem, _ := types.Elem(rawType(t.iter))
	m, _ := rawType(t.iter).(*types.StreamMap)
	if m != nil {
		elem = types.MapPair(m)
	}
	itemVar := variable{name: name, typ: elem}
	in.exports[t.item] = itemVar
	var pref *modelNode
	if t.key != "" {
		var ve types.Type = types.Invalid
		if m != nil {
			ve = m.Elem
		}
		kn := in.names.findAndForbid(t.key)
		in.exports[t.key] = variable{name: kn, typ: types.Typ(types.String)}
		vn := in.names.findAndForbid(t.val)
		in.exports[t.val] = variable{name: vn, typ: ve}
		pref = seqOf(
			leaf(flattenOp{val: itemVar.withProp(property{kind: fieldProp, name: "key", typ: types.Typ(types.String)}), name: kn}),
			leaf(flattenOp{val: itemVar.withProp(property{kind: fieldProp, name: "value", typ: ve}), name: vn}),
		)
	}
	never := t.mode == ast.ForPar || t.mode == ast.ForRec
	var kids []*modelNode
	if pref != nil {
		kids = append(kids, pref)
	}
	for _, k := range n.kids {
		kids = append(kids, in.block(k))
	}
	return seqOf(p, wrap(forOp{item: name, iter: iter, never: never}, kids...))
}

// inlineCall inlines a call statement.
func (in *inliner) inlineCall(t callStmt) *modelNode {
	switch c := t.call.(type) {
	case rawServiceCall:
		_, tree := in.serviceCall(c, t.exports)
		return seqOf(tree)
	case rawCall:
		_, tree := in.arrowCall(c, t.exports)
		return seqOf(tree)
	case rawApply:
		v, p := in.valueToModel(c, true)
		if len(t.exports) > 0 {
			in.exports[t.exports[0].name] = v
		}
		return seqOf(p)
	}
	return emptyLeaf
}

// callToModel resolves a call's arguments and result names.
func (in *inliner) callToModel(args []rawValue, exports []export, flatStreams bool) (callModel, *modelNode) {
	var cm callModel
	var argOps, exportOps []*modelNode
	for _, a := range args {
		v, p := in.valueToModel(a, true)
		if flatStreams {
			v, p = in.flat(v, p)
		}
		cm.args = append(cm.args, v)
		if p != nil {
			argOps = append(argOps, p)
		}
	}
	for _, e := range exports {
		if e.existing {
			v, p := in.valueToModel(rawVar{name: e.name, typ: e.typ}, true)
			if vv, ok := v.(variable); ok {
				cm.exports = append(cm.exports, export{name: vv.name, typ: vv.typ})
			}
			if p != nil {
				exportOps = append(exportOps, p)
			}
			continue
		}
		cm.exports = append(cm.exports, e)
	}
	return cm, parOf(append(exportOps, argOps...))
}

// serviceCall emits a call instruction.
func (in *inliner) serviceCall(c rawServiceCall, exports []export) ([]value, *modelNode) {
	if len(exports) > 1 {
		// A call instruction yields one value. The reference compiler
		// binds the second name to a variable nothing defines, and the
		// script fails to parse at run time; refuse it here instead.
		in.g.failf("%s yields one value, but %d names take it: an arrow argument of an exported function returns a single value",
			c.fn, len(exports))
		return nil, emptyLeaf
	}
	cm, prefix := in.callToModel(c.args, exports, true)
	srv, sp := in.valueToModel(c.srv, true)
	var out *variable
	var values []value
	if len(cm.exports) > 0 {
		e := cm.exports[0]
		v := variable{name: e.name, typ: e.typ}
		out = &v
		values = append(values, in.resolveVar(v))
	}
	tree := seqOf(sp, prefix, leaf(callOp{srv: srv, fn: c.fn, args: cm.args, out: out}))
	for i, e := range cm.exports {
		in.exports[e.name] = values[i]
	}
	for _, e := range cm.exports {
		in.names.forbid(e.name)
	}
	return values, tree
}

// arrowCall inlines a call of a function, callback, closure or service
// arrow.
func (in *inliner) arrowCall(c rawCall, exports []export) ([]value, *modelNode) {
	fn := in.findArrow(c)
	if fn == nil {
		in.g.failf("cannot resolve %s", c.name)
		return nil, emptyLeaf
	}
	cm, p := in.callToModel(c.args, exports, false)
	in.passAbilities(fn, c.abilities, &cm)
	body, values := in.callArrowRet(fn, cm)
	return values, seqOf(p, body)
}

// passAbilities binds the members of the abilities a call passes in
// {...} to the names the callee knows them by.
func (in *inliner) passAbilities(fn *funcArrow, abilities []rawValue, cm *callModel) {
	for i, a := range abilities {
		if i >= len(fn.arrow.Abilities) {
			break
		}
		path, ok := abilityPath(a)
		if !ok {
			in.g.failf("cannot pass %s as an ability", fn.arrow.Abilities[i].Name)
			continue
		}
		name := in.abilityName(path)
		param := fn.arrow.Abilities[i].Name
		if cm.abilityArrows == nil {
			cm.abilityArrows = map[string]*funcArrow{}
			cm.abilityValues = map[string]value{}
		}
		prefix := name + "."
		for k, f := range in.arrows {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				cm.abilityArrows[param+"."+rest] = f
			}
		}
		for k, val := range in.exports {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				cm.abilityValues[param+"."+rest] = rebased(val, k, param+"."+rest)
			}
		}
		if srv := in.g.service(name); srv != nil && !in.hasMembers(prefix) {
			// A service passed as an ability keeps its default id.
			for _, m := range srv.Arrows {
				if f := in.g.defaultServiceArrow(srv, m.Name); f != nil {
					cm.abilityArrows[param+"."+m.Name] = f
				}
			}
		}
	}
}

// rebased is the value of an ability member copied from key from to key
// to: an ability built in place stands for itself, under its key, and
// so must stand for the copy under the new key.
func rebased(v value, from, to string) value {
	if vv, ok := v.(variable); ok && vv.name == from && len(vv.props) == 0 {
		vv.name = to
		return vv
	}
	return v
}

// abilityPath names an ability argument: A, or a field of one, A.inner.
func abilityPath(v rawValue) (string, bool) {
	switch v := v.(type) {
	case rawVar:
		return v.name, true
	case rawApply:
		base, ok := v.base.(rawVar)
		if !ok {
			return "", false
		}
		path := base.name
		for _, p := range v.props {
			if p.kind != rawFieldProp {
				return "", false
			}
			path += "." + p.name
		}
		return path, true
	}
	return "", false
}

func (in *inliner) hasMembers(prefix string) bool {
	for k := range in.arrows {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// abilityName follows assignments of one ability value to another name.
// In a path, A.inner.arrow, each prefix is followed in turn: A may stand
// for an ability a call returned, and A.inner for one it was built from.
func (in *inliner) abilityName(name string) string {
	head, rest, more := strings.Cut(name, ".")
	head = in.followAbility(head)
	for more {
		var field string
		field, rest, more = strings.Cut(rest, ".")
		head = in.followAbility(head + "." + field)
	}
	return head
}

// followAbility follows one name through assignments of ability values.
func (in *inliner) followAbility(name string) string {
	for range 16 {
		v, ok := in.exports[name].(variable)
		if !ok || v.name == name || len(v.props) > 0 {
			return name
		}
		name = v.name
	}
	return name
}

// lookupArrow finds an arrow by the name it is bound to, following
// assignments of arrows to other names.
func (in *inliner) lookupArrow(name string) *funcArrow {
	for range 16 {
		if f, ok := in.arrows[name]; ok {
			return f
		}
		if i := strings.LastIndexByte(name, '.'); i > 0 {
			// A member of an ability value held under another name.
			if f, ok := in.arrows[in.abilityName(name[:i])+name[i:]]; ok {
				return f
			}
		}
		v, ok := in.exports[name].(variable)
		if !ok || v.name == name {
			return nil
		}
		if _, isArrow := v.typ.(*types.Arrow); !isArrow {
			return nil
		}
		name = v.name
	}
	return nil
}

func (in *inliner) findArrow(c rawCall) *funcArrow {
	key := c.name
	if c.ability != "" {
		key = in.abilityName(c.ability) + "." + c.name
	}
	if f := in.lookupArrow(key); f != nil {
		return f
	}
	if c.ability != "" {
		if srv := in.g.service(c.ability); srv != nil {
			return in.g.defaultServiceArrow(srv, c.name)
		}
		if srv := in.idless[in.abilityName(c.ability)]; srv != nil {
			// A service without a default id taken as a value before
			// any id was set: report that, not an unknown arrow.
			return in.g.defaultServiceArrow(srv, c.name)
		}
		return nil
	}
	return in.g.funcArrow(key)
}

// serviceArrow wraps a service arrow as a function whose body calls it
// and returns "ret", as the reference does.
func serviceArrow(name string, srv *types.Service, method string, arrow *types.Arrow, id rawValue) *funcArrow {
	fa := &funcArrow{name: name, arrow: arrow}
	for i, p := range arrow.Params {
		n := p.Name
		if n == "" {
			n = "arg" + itoa(i)
		}
		fa.params = append(fa.params, n)
	}
	if id != nil {
		fa.body = serviceBody(id, method, arrow)
	}
	if len(arrow.Results) > 0 {
		fa.ret = []rawValue{rawVar{name: "ret", typ: arrow.Results[0]}}
	}
	return fa
}

func serviceBody(id rawValue, method string, arrow *types.Arrow) *rawNode {
	var args []rawValue
	for i, p := range arrow.Params {
		n := p.Name
		if n == "" {
			n = "arg" + itoa(i)
		}
		args = append(args, rawVar{name: n, typ: p.Type})
	}
	var exports []export
	if len(arrow.Results) > 0 {
		_, isStream := arrow.Results[0].(*types.Stream)
		exports = []export{{name: "ret", typ: arrow.Results[0], existing: isStream}}
	}
	return rawLeaf(callStmt{exports: exports, call: rawServiceCall{srv: id, fn: method, arrow: arrow, args: args}})
}
