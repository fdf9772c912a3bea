package codegen

import (
	"sort"
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// inl is the work a value needs before it can be used: the reference's
// Inline. Parts in par mode are independent and may run in parallel.
type inl struct {
	predo []*modelNode
	seq   bool
}

func (a inl) add(b inl) inl { // the Monoid combine: par mode
	return inl{predo: append(append([]*modelNode{}, a.predo...), b.predo...)}
}

func (a inl) desugar() inl {
	if len(a.predo) <= 1 {
		return inl{predo: a.predo}
	}
	if a.seq {
		w := seqOf(a.predo...)
		if isEmpty(w) {
			return inl{}
		}
		return inl{predo: []*modelNode{w}}
	}
	return inl{predo: []*modelNode{wrap(parOp{}, a.predo...)}}
}

func (a inl) mergeWith(b inl, seq bool) inl {
	l, r := a.desugar(), b.desugar()
	return inl{predo: append(append([]*modelNode{}, l.predo...), r.predo...), seq: seq}
}

// valueToModel resolves a raw value to an operand and the tree that
// computes it.
func (in *inliner) valueToModel(v rawValue, propsAllowed bool) (value, *modelNode) {
	m, i := in.unfold(v, propsAllowed)
	var ops []*modelNode
	if i.seq {
		ops = []*modelNode{seqOf(i.predo...)}
	} else {
		ops = i.predo
	}
	var keep []*modelNode
	for _, o := range ops {
		if o != nil && !isEmpty(o) {
			keep = append(keep, o)
		}
	}
	return m, parOf(keep)
}

func (in *inliner) unfold(v rawValue, propsAllowed bool) (value, inl) {
	v = optimize(v)
	switch x := v.(type) {
	case rawVar:
		if srv, ok := x.typ.(*types.Service); ok {
			if _, bound := in.exports[x.name]; !bound {
				return in.serviceValue(x.name, srv), inl{}
			}
		}
		if _, ok := x.typ.(*types.Arrow); ok {
			// An arrow of a service, Srv.f, taken as a value keeps the
			// id Srv has here.
			head, member, dotted := strings.Cut(x.name, ".")
			if srv := in.g.service(head); dotted && srv != nil && !strings.Contains(member, ".") {
				if _, bound := in.exports[head]; !bound {
					sv := in.serviceValue(head, srv)
					return variable{name: sv.name + "." + member, typ: x.typ}, inl{}
				}
			}
		}
		return in.resolveVar(variable{name: x.name, typ: x.typ, canon: x.canon}), inl{}
	case rawLiteral:
		return literal(x), inl{}
	case rawConst:
		return in.unfold(x.val, propsAllowed)
	case rawApply:
		return in.applyProps(x, propsAllowed)
	case rawCollection:
		return in.collection(x)
	case rawStruct:
		return in.makeStruct(x)
	case rawBinary:
		return in.binary(x, propsAllowed)
	case rawUnary:
		return in.unary(x, propsAllowed)
	case rawCall:
		name := in.names.findAndForbid(x.name)
		vals, tree := in.arrowCall(x, []export{{name: name, typ: resultOf(x.arrow)}})
		if len(vals) > 0 {
			if l, ok := vals[0].(literal); ok && x.member {
				flat, fi := in.flatLiteral(l, inl{predo: []*modelNode{tree}})
				fi.seq = true
				return flat, fi
			}
			return vals[0], inl{predo: []*modelNode{tree}}
		}
		return variable{name: name, typ: resultOf(x.arrow)}, inl{predo: []*modelNode{tree}}
	case rawStreamLiteral:
		return in.streamLit(x)
	case rawAbility:
		// An ability built where a value is expected (returned): its
		// members live under a fresh name.
		name := in.names.findAndForbid(x.typ.Name + "-ability")
		tree := in.makeAbility(name, x)
		return variable{name: name, typ: x.typ}, inl{predo: []*modelNode{tree}}
	case rawServiceCall:
		name := in.names.findAndForbid(x.fn)
		vals, tree := in.serviceCall(x, []export{{name: name, typ: resultOf(x.arrow)}})
		if len(vals) > 0 {
			return vals[0], inl{predo: []*modelNode{tree}}
		}
		return variable{name: name, typ: resultOf(x.arrow)}, inl{predo: []*modelNode{tree}}
	}
	in.g.failf("cannot generate code for a value")
	return literal{text: `""`}, inl{}
}

// optimize folds literal additions, as the reference does before
// inlining (a gate on s[n - 1] waits for n elements, not n - 1 + 1).
func optimize(v rawValue) rawValue {
	b, ok := v.(rawBinary)
	if !ok || (b.op != "+" && b.op != "-") {
		return v
	}
	lit, rest, has := gather(v)
	if rest == nil {
		return rawLiteral{text: strconv.FormatInt(lit, 10), typ: types.Typ(types.UntypedUnsigned)}
	}
	if !has {
		return rest
	}
	switch {
	case lit > 0:
		return rawBinary{op: "+", l: rest, r: rawLiteral{text: strconv.FormatInt(lit, 10), typ: types.Typ(types.UntypedUnsigned)}, typ: rawType(rest)}
	case lit < 0:
		return rawBinary{op: "-", l: rest, r: rawLiteral{text: strconv.FormatInt(-lit, 10), typ: types.Typ(types.UntypedUnsigned)}, typ: rawType(rest)}
	}
	return rest
}

// gather splits an addition into its literal sum and the rest.
func gather(v rawValue) (lit int64, rest rawValue, has bool) {
	switch x := v.(type) {
	case rawBinary:
		if x.op == "+" {
			ll, lr, lh := gather(x.l)
			rl, rr, rh := gather(x.r)
			return ll + rl, addRest(lr, rr, x.typ), lh || rh
		}
		if x.op == "-" {
			if n, ok := intLit(x.r); ok {
				ll, lr, lh := gather(x.l)
				return ll - n, lr, true || lh
			}
		}
	case rawLiteral:
		if n, ok := intLit(x); ok {
			return n, nil, true
		}
	}
	return 0, v, false
}

func addRest(a, b rawValue, t types.Type) rawValue {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return rawBinary{op: "+", l: a, r: b, typ: t}
}

func intLit(v rawValue) (int64, bool) {
	l, ok := v.(rawLiteral)
	if !ok {
		return 0, false
	}
	return integer(l.text, l.typ)
}

// integer reads the text of a literal of type typ as an integer; it
// reports false for literals of other types.
func integer(text string, typ types.Type) (int64, bool) {
	if b, ok := typ.(*types.Basic); !ok || !b.IsInteger() {
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 64)
	return n, err == nil
}

func (in *inliner) removeProps(v variable) (variable, inl) {
	if len(v.props) == 0 {
		return v, inl{}
	}
	name := in.names.findAndForbid(v.name + "_flat")
	flat := variable{name: name, typ: typeOf(v)}
	return flat, inl{predo: []*modelNode{leaf(flattenOp{val: v, name: name})}}
}

func (in *inliner) applyProps(x rawApply, propsAllowed bool) (value, inl) {
	props := x.props
	// A stream indexed: wait until it has enough elements.
	if bv, ok := x.base.(rawVar); ok && props[0].kind == rawIndexProp && !bv.canon {
		if st, ok := bv.typ.(*types.Stream); ok {
			sv, _ := in.unfold(bv, true)
			svv, _ := sv.(variable)
			gate, gi := in.streamGate(svv.name, st, props[0].idx, props[0].typ)
			return in.unfoldProps(gi, gate, props[1:], propsAllowed)
		}
	}
	if bv, ok := x.base.(rawVar); ok && props[0].kind == rawArrowProp {
		if mt, ok := bv.typ.(*types.StreamMap); ok {
			mv, _ := in.unfold(bv, true)
			m, ok := mv.(variable)
			if !ok {
				in.g.failf("stream map %s is not a variable", bv.name)
				return literal{text: `""`}, inl{}
			}
			return in.mapMethod(m, mt, props[0], props[1:], propsAllowed)
		}
	}
	if bv, ok := x.base.(rawVar); ok && props[0].kind == rawFieldProp {
		if _, ok := bv.typ.(*types.Ability); ok {
			// A data member of an ability: the value it was built with.
			member := rawVar{name: in.abilityName(bv.name) + "." + props[0].name, typ: props[0].typ}
			_, nested := props[0].typ.(*types.Ability)
			_, isMap := props[0].typ.(*types.StreamMap)
			if (nested || isMap) && len(props) > 1 {
				// An ability inside an ability, or a stream map whose
				// method is called: go on from the member.
				return in.applyProps(rawApply{base: member, props: props[1:]}, propsAllowed)
			}
			base, bi := in.unfold(member, true)
			switch b := base.(type) {
			case variable:
				if len(props) == 1 {
					return b, bi
				}
				return in.unfoldProps(bi, b, props[1:], propsAllowed)
			case literal:
				flat, fi := in.flatLiteral(b, bi)
				if len(props) == 1 {
					return flat, fi
				}
				return in.unfoldProps(fi, flat, props[1:], propsAllowed)
			}
			return base, bi
		}
	}
	base, bi := in.unfold(x.base, true)
	switch b := base.(type) {
	case variable:
		return in.unfoldProps(bi, b, props, propsAllowed)
	case literal:
		flat, fi := in.flatLiteral(b, bi)
		return in.unfoldProps(fi, flat, props, propsAllowed)
	}
	return base, bi
}

func (in *inliner) flatLiteral(l literal, prev inl) (variable, inl) {
	ap := in.names.findAndForbid("literal_ap")
	res := in.names.findAndForbid("literal_props")
	tree := seqOf(leaf(flattenOp{val: l, name: ap}), leaf(flattenOp{val: variable{name: ap, typ: l.typ}, name: res}))
	return variable{name: res, typ: l.typ}, prev.add(inl{predo: []*modelNode{tree}})
}

type propModel struct {
	raw   rawProp
	model *property
}

func (in *inliner) unfoldProps(prev inl, v variable, props []rawProp, propsAllowed bool) (value, inl) {
	// Indexes are computed up front, in parallel.
	var pms []propModel
	var opt inl
	for _, p := range props {
		if p.kind != rawIndexProp {
			pms = append(pms, propModel{raw: p})
			continue
		}
		iv, ii := in.unfold(p.idx, false)
		switch i := iv.(type) {
		case variable:
			if len(i.props) > 0 {
				flat, fi := in.removeProps(i)
				ii = inl{predo: append(append([]*modelNode{}, ii.predo...), fi.predo...), seq: true}
				i = flat
			}
			pms = append(pms, propModel{raw: p, model: &property{kind: indexProp, name: i.name, typ: p.typ}})
		case literal:
			pms = append(pms, propModel{raw: p, model: &property{kind: indexProp, name: i.text, typ: p.typ}})
		}
		opt = opt.add(ii)
	}
	cur := v
	acc := prev.mergeWith(opt, true)
	for _, pm := range pms {
		if pm.model != nil {
			cur = cur.withProp(*pm.model)
			continue
		}
		nv, ni := in.unfoldProp(cur, pm.raw)
		if !propsAllowed && len(nv.props) > 0 {
			flat, fi := in.removeProps(nv)
			acc = inl{predo: concat(acc.predo, ni.predo, fi.predo), seq: true}
			cur = flat
			continue
		}
		acc = inl{predo: concat(acc.predo, ni.predo), seq: true}
		cur = nv
	}
	return cur, acc
}

func concat(lists ...[]*modelNode) []*modelNode {
	var out []*modelNode
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func (in *inliner) unfoldProp(v variable, p rawProp) (variable, inl) {
	switch p.kind {
	case rawFieldProp:
		return v.withProp(property{kind: fieldProp, name: p.name, typ: p.typ}), inl{}
	case rawFunctorProp:
		flat, fi := in.removeProps(v)
		nv, ni := in.functor(flat, p)
		return nv, inl{predo: concat(fi.predo, ni.predo), seq: true}
	case rawCopyProp:
		flat, fi := in.removeProps(v)
		nv, ni := in.copyStruct(flat, p)
		return nv, inl{predo: []*modelNode{seqOf(concat(fi.predo, ni.predo)...)}, seq: true}
	}
	in.g.failf("cannot generate code for this property")
	return v, inl{}
}

func (in *inliner) functor(v variable, p rawProp) (variable, inl) {
	ap := in.names.findAndForbid(v.name + "_to_functor")
	res := in.names.findAndForbid(v.name + "_" + p.name)
	fp := property{kind: functorProp, name: p.name, typ: p.typ}
	var apVar variable
	var first *modelNode
	switch {
	case !v.canon && isStreamType(v.typ):
		apVar = variable{name: ap, typ: v.typ, canon: true, props: []property{fp}}
		first = leaf(canonOp{val: v, to: variable{name: ap, typ: v.typ, canon: true}})
	case v.canon:
		st, _ := v.typ.(*types.Stream)
		var elem types.Type = types.Invalid
		if st != nil {
			elem = st.Elem
		}
		apVar = variable{name: ap, typ: &types.Array{Elem: elem}, props: []property{fp}}
		first = leaf(flattenOp{val: v, name: ap})
	default:
		apVar = variable{name: ap, typ: v.typ, props: []property{fp}}
		first = leaf(flattenOp{val: v, name: ap})
	}
	tree := seqOf(first, leaf(flattenOp{val: apVar, name: res}))
	return variable{name: res, typ: p.typ}, inl{predo: []*modelNode{tree}, seq: true}
}

func isStreamType(t types.Type) bool { _, ok := t.(*types.Stream); return ok }

// streamGate waits until a stream has idx+1 elements and reads element
// idx of the snapshot.
func (in *inliner) streamGate(stream string, st *types.Stream, idx rawValue, elemType types.Type) (variable, inl) {
	size := optimize(rawBinary{op: "+", l: idx, r: rawLiteral{text: "1", typ: types.Typ(types.UntypedUnsigned)}, typ: rawType(idx)})
	sizeV, sizeI := in.unfold(size, true)
	var idxV value
	var idxI inl
	if l, ok := sizeV.(literal); ok && isIntText(l.text) {
		n, _ := strconv.ParseInt(l.text, 10, 64)
		idxV = literal{text: strconv.FormatInt(n-1, 10), typ: l.typ}
	} else {
		name := in.names.findAndForbid(stream + "_idx")
		iv := variable{name: name, typ: typeOf(sizeV)}
		idxV = iv
		idxI = inl{predo: []*modelNode{leaf(callOp{srv: quote("math"), fn: "sub", args: []value{sizeV, number(1)}, out: &iv})}}
	}
	canonName := in.names.findAndForbid(stream + "_result_canon")
	result := in.names.findAndForbid(stream + "_gate")
	test := in.names.findAndForbid(stream + "_test")
	iterCanon := in.names.findAndForbid(stream + "_iter_canon")
	iter := in.names.findAndForbid(stream + "_fold_var")
	testVar := variable{name: test, typ: st}
	iterCanonVar := variable{name: iterCanon, typ: st, canon: true}
	resultCanon := variable{name: canonName, typ: st, canon: true}
	gate := wrap(restrictOp{name: test, typ: st},
		wrap(forOp{item: iter, iter: variable{name: stream, typ: st}, never: true},
			leaf(pushOp{val: variable{name: iter, typ: st.Elem}, to: testVar}),
			leaf(canonOp{val: testVar, to: iterCanonVar}),
			xorOf(
				leaf(matchOp{left: iterCanonVar.withProp(property{kind: functorProp, name: "length", typ: types.Typ(types.U32)}), right: sizeV, match: true}),
				leaf(nextOp{item: iter}),
			),
		),
		leaf(canonOp{val: testVar, to: resultCanon}),
		leaf(flattenOp{val: resultCanon, name: result}),
	)
	var ip string
	switch i := idxV.(type) {
	case literal:
		ip = i.text
	case variable:
		ip = i.name
	}
	gv := variable{name: result, typ: &types.Array{Elem: st.Elem}, props: []property{{kind: indexProp, name: ip, typ: elemType}}}
	return gv, inl{predo: concat(sizeI.predo, []*modelNode{gate}, idxI.predo), seq: true}
}

func isIntText(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func (in *inliner) collection(x rawCollection) (value, inl) {
	if len(x.vals) == 0 {
		// The reference writes an empty array or option literal as nil.
		return literal{text: "[]", typ: x.typ}, inl{}
	}
	base := "array-inline"
	if x.kind == ast.OptionColl {
		base = "option-inline"
	}
	stream := in.names.findAndForbid(base)
	st := &types.Stream{Elem: x.elem}
	sv := variable{name: stream, typ: st}
	var vals []*modelNode
	for _, e := range x.vals {
		v, p := in.valueToModel(e, true)
		push := leaf(pushOp{val: v, to: sv})
		if p != nil {
			push = seqOf(p, push)
		}
		vals = append(vals, push)
	}
	canon := in.names.findAndForbid(stream)
	cv := variable{name: canon, typ: st, canon: true}
	var tree *modelNode
	if x.kind == ast.OptionColl {
		tree = wrap(restrictOp{name: stream, typ: st}, seqOf(
			xorOf(append(vals, leaf(nullOp{}))...),
			leaf(canonOp{val: sv, to: cv}),
		))
	} else {
		tree = wrap(restrictOp{name: stream, typ: st}, seqOf(append(vals, leaf(canonOp{val: sv, to: cv}))...))
	}
	return cv, inl{predo: []*modelNode{tree}}
}

// streamLit fills the stream a literal *[a, b] names; the stream lives
// in the enclosing block.
func (in *inliner) streamLit(x rawStreamLiteral) (value, inl) {
	sv := variable{name: x.name, typ: x.typ}
	var inlines, pushes []*modelNode
	for _, e := range x.vals {
		v, p := in.valueToModel(e, true)
		if p != nil {
			inlines = append(inlines, p)
		}
		pushes = append(pushes, leaf(pushOp{val: v, to: sv}))
	}
	in.resolved(x.name, sv)
	return sv, inl{predo: []*modelNode{seqOf(append(inlines, pushes...)...)}}
}

func (in *inliner) makeStruct(x rawStruct) (value, inl) {
	name := in.names.findAndForbid(x.typ.Name + "_obj")
	var vals []value
	var vi inl
	for _, f := range x.fields {
		v, i := in.unfold(f.val, true)
		vals = append(vals, v)
		vi = vi.add(i)
	}
	vi = vi.desugar()
	obj := in.constructThroughMap(name+"_map", variable{name: name, typ: x.typ}, x.fields, vals, nil)
	return variable{name: name, typ: x.typ}, inl{predo: []*modelNode{seqOf(append(vi.predo, obj)...)}}
}

// constructThroughMap builds a struct by putting its fields into a stream
// map and canonicalizing it.
func (in *inliner) constructThroughMap(mapName string, result variable, fields []rawField, vals []value, prefix []*modelNode) *modelNode {
	mt := &types.StreamMap{Elem: types.Top}
	var ops, models []*modelNode
	for i, f := range fields {
		v, p := in.canonIfStream(vals[i], nil)
		if p != nil {
			ops = append(ops, p)
		}
		models = append(models, leaf(insertOp{key: quote(f.name), val: v, m: mapName, typ: mt}))
	}
	kids := concat(ops, prefix, models, []*modelNode{leaf(canonOp{val: variable{name: mapName, typ: mt}, to: result})})
	return wrap(restrictOp{name: mapName, typ: mt}, kids...)
}

func (in *inliner) copyStruct(v variable, p rawProp) (variable, inl) {
	st, _ := p.typ.(*types.Struct)
	name := "copy"
	if st != nil {
		name = st.Name
	}
	res := in.names.findAndForbid(name + "_obj_copy")
	var vals []value
	var vi inl
	for _, f := range p.fields {
		fv, i := in.unfold(f.val, true)
		vals = append(vals, fv)
		vi = vi.add(i)
	}
	vi = vi.desugar()
	mapName := res + "_map"
	mt := &types.StreamMap{Elem: types.Top}
	// Copy the old fields first, then override.
	var old []*modelNode
	if st != nil {
		sorted := append([]types.Field(nil), st.Fields...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
		for _, f := range sorted {
			if hasField(p.fields, f.Name) {
				continue
			}
			old = append(old, leaf(insertOp{key: quote(f.Name), val: v.withProp(property{kind: fieldProp, name: f.Name, typ: f.Type}), m: mapName, typ: mt}))
		}
	}
	obj := in.constructThroughMap(mapName, variable{name: res, typ: p.typ}, p.fields, vals, old)
	return variable{name: res, typ: p.typ}, inl{predo: []*modelNode{seqOf(append(vi.predo, obj)...)}, seq: true}
}

func hasField(fs []rawField, name string) bool {
	for _, f := range fs {
		if f.name == name {
			return true
		}
	}
	return false
}

func (in *inliner) binary(x rawBinary, propsAllowed bool) (value, inl) {
	l, li := in.unfold(x.l, propsAllowed)
	r, ri := in.unfold(x.r, propsAllowed)
	switch x.op {
	case "&&", "||":
		return in.boolOp(x, l, r, li, ri)
	case "==", "!=":
		lv, lp := in.canonIfStream(l, nil)
		if lp != nil {
			li.predo = append(li.predo, lp)
		}
		rv, rp := in.canonIfStream(r, nil)
		if rp != nil {
			ri.predo = append(ri.predo, rp)
		}
		ll, lok := lv.(literal)
		rl, rok := rv.(literal)
		if lok && rok {
			eq := ll.text == rl.text
			if x.op == "!=" {
				eq = !eq
			}
			return boolLit(eq), li.mergeWith(ri, false)
		}
		name, match := "eq", true
		if x.op == "!=" {
			name, match = "neq", false
		}
		res := in.names.findAndForbid(name)
		tree := seqOf(append(concat(li.predo, ri.predo), xorOf(
			wrap(matchOp{left: lv, right: rv, match: match}, leaf(flattenOp{val: trueLit, name: res})),
			leaf(flattenOp{val: falseLit, name: res}),
		))...)
		return variable{name: res, typ: x.typ}, inl{predo: []*modelNode{tree}}
	case "<", "<=", ">", ">=":
		fn := map[string]string{"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}[x.op]
		if a, ok := litInt(l); ok {
			if b, ok := litInt(r); ok {
				var res bool
				switch x.op {
				case "<":
					res = a < b
				case "<=":
					res = a <= b
				case ">":
					res = a > b
				default:
					res = a >= b
				}
				return boolLit(res), inl{predo: concat(li.predo, ri.predo)}
			}
		}
		return in.serviceOp("cmp", fn, x.typ, l, r, li, ri)
	}
	fn := map[string]string{"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "rem", "**": "pow"}[x.op]
	if a, ok := litInt(l); ok {
		if b, ok := litInt(r); ok && canFold(x, a, b) {
			var res int64
			switch x.op {
			case "+":
				res = a + b
			case "-":
				res = a - b
			case "*":
				res = a * b
			case "/":
				res = a / b
			case "%":
				res = a % b
			case "**":
				res = 1
				for range b {
					res *= a
				}
			}
			return literal{text: strconv.FormatInt(res, 10), typ: signedLitType(res)}, inl{predo: concat(li.predo, ri.predo)}
		}
	}
	return in.serviceOp("math", fn, x.typ, l, r, li, ri)
}

func signedLitType(n int64) types.Type {
	if n < 0 {
		return types.Typ(types.UntypedSigned)
	}
	return types.Typ(types.UntypedUnsigned)
}

// canFold reports whether a literal operation can be done at compile
// time: all of them but division by zero and negative powers. As in the
// reference, a subtraction folds whatever the operands' types, so that
// 2 * 3 - 4 ** 2 becomes -10.
func canFold(x rawBinary, a, b int64) bool {
	switch x.op {
	case "/", "%":
		return b != 0
	case "**":
		return b >= 0
	}
	return true
}

func litInt(v value) (int64, bool) {
	l, ok := v.(literal)
	if !ok {
		return 0, false
	}
	return integer(l.text, l.typ)
}

func boolLit(b bool) literal {
	if b {
		return trueLit
	}
	return falseLit
}

func (in *inliner) serviceOp(srv, fn string, t types.Type, l, r value, li, ri inl) (value, inl) {
	res := in.names.findAndForbid(fn)
	out := variable{name: res, typ: t}
	tree := seqOf(append(concat(li.predo, ri.predo), leaf(callOp{srv: quote(srv), fn: fn, args: []value{l, r}, out: &out}))...)
	return out, inl{predo: []*modelNode{tree}}
}

func (in *inliner) boolOp(x rawBinary, l, r value, li, ri inl) (value, inl) {
	and := x.op == "&&"
	if lb, ok := l.(literal); ok && (lb.text == "true" || lb.text == "false") {
		lv := lb.text == "true"
		switch {
		case and && !lv:
			return falseLit, li
		case !and && lv:
			return trueLit, li
		}
		return r, inl{predo: concat(li.predo, ri.predo)}
	}
	if rb, ok := r.(literal); ok && (rb.text == "true" || rb.text == "false") && len(ri.predo) == 0 {
		rv := rb.text == "true"
		switch {
		case and && !rv:
			return falseLit, li
		case !and && rv:
			return trueLit, li
		}
		return l, li
	}
	name, cmp := "or", trueLit
	if and {
		name, cmp = "and", falseLit
	}
	res := in.names.findAndForbid(name)
	tree := seqOf(append(li.predo, xorOf(
		wrap(matchOp{left: l, right: cmp, match: true}, leaf(flattenOp{val: l, name: res})),
		seqOf(append(ri.predo, leaf(flattenOp{val: r, name: res}))...),
	))...)
	return variable{name: res, typ: x.typ}, inl{predo: []*modelNode{tree}}
}

func (in *inliner) unary(x rawUnary, propsAllowed bool) (value, inl) {
	v, vi := in.unfold(x.x, propsAllowed)
	if l, ok := v.(literal); ok && (l.text == "true" || l.text == "false") {
		return boolLit(l.text != "true"), vi
	}
	res := in.names.findAndForbid("not")
	tree := seqOf(append(vi.predo, xorOf(
		wrap(matchOp{left: v, right: trueLit, match: true}, leaf(flattenOp{val: falseLit, name: res})),
		leaf(flattenOp{val: trueLit, name: res}),
	))...)
	return variable{name: res, typ: x.typ}, inl{predo: []*modelNode{tree}}
}

func itoa(i int) string { return strconv.Itoa(i) }
