package codegen

import (
	"fmt"
	"sort"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// funcRaw is a function after lowering: its body as raw statements and
// the values it returns.
type funcRaw struct {
	name   string
	arrow  *types.Arrow
	params []string
	body   *rawNode
	ret    []rawValue
}

// lowerer turns one file's syntax into raw trees, as the reference
// compiler's semantic pass does. Its mangler numbers the names it makes
// (-s-fix-0, -return-fix-0) across the whole file.
type lowerer struct {
	g     *generator
	info  *types.Info
	names *mangler
	err   error
}

func (l *lowerer) fail(n ast.Node, format string, args ...any) {
	if l.err == nil {
		l.err = &Error{Pos: l.g.fset.Position(n.Pos()), Msg: fmt.Sprintf(format, args...)}
	}
}

func (l *lowerer) funcDecl(d *ast.FuncDecl, arrow *types.Arrow) *funcRaw {
	fr := &funcRaw{name: d.Name.Name, arrow: arrow}
	for _, p := range d.Type.Params {
		if p.Name != nil {
			fr.params = append(fr.params, p.Name.Name)
		}
	}
	body, ret := l.arrowBody(d.Body, arrow)
	fr.body, fr.ret = body, ret
	return fr
}

// arrowBody lowers a function or closure body, fixing returned values the
// way the reference does: a stream returned as a collection is
// canonicalized and flattened, a computed value is assigned to a name.
func (l *lowerer) arrowBody(b *ast.Block, arrow *types.Arrow) (*rawNode, []rawValue) {
	var stmts []ast.Stmt
	var retStmt *ast.ReturnStmt
	if b != nil {
		stmts = b.Stmts
	}
	if n := len(stmts); n > 0 {
		if r, ok := stmts[n-1].(*ast.ReturnStmt); ok {
			retStmt = r
		}
	}
	body := l.block(stmts)
	var fixes []*rawNode
	var rets []rawValue
	if retStmt != nil {
		for i, x := range retStmt.Results {
			v := l.expr(x)
			var want types.Type
			if i < len(arrow.Results) {
				want = arrow.Results[i]
			}
			rv, isVar := v.(rawVar)
			st, isStream := rawType(v).(*types.Stream)
			_, wantStream := want.(*types.Stream)
			switch {
			case isVar && isStream && wantStream:
				rets = append(rets, v)
			case isVar && isStream && !rv.canon:
				canon := l.names.forbidAndRename("-" + rv.name + "-fix")
				flat := l.names.forbidAndRename("-" + rv.name + "-flat")
				fixes = append(fixes,
					rawLeaf(canonStmt{val: rv, to: export{name: canon, typ: st, canon: true}}),
					rawLeaf(flattenStmt{val: rawVar{name: canon, typ: st, canon: true}, name: flat}))
				rets = append(rets, rawVar{name: flat, typ: &types.Array{Elem: st.Elem}})
			case isApply(v):
				name := l.names.forbidAndRename("-return-fix")
				fixes = append(fixes, rawLeaf(assignStmt{val: v, name: name}))
				rets = append(rets, rawVar{name: name, typ: rawType(v)})
			default:
				rets = append(rets, v)
			}
		}
	}
	return rawSeq(append([]*rawNode{body}, fixes...)...), rets
}

// block lowers statements, combining them as the reference does: par
// joins the previous statement, else/catch/otherwise attach to theirs.
func (l *lowerer) block(stmts []ast.Stmt) *rawNode {
	var acc *rawNode
	for _, s := range stmts {
		if _, ok := s.(*ast.ReturnStmt); ok {
			continue
		}
		if p, ok := s.(*ast.ParStmt); ok && acc != nil {
			next := l.stmt(p.Stmt)
			last, rest := splitLast(acc)
			if _, isPar := last.stmt.(parStmt); isPar {
				last = &rawNode{stmt: parStmt{}, kids: append(append([]*rawNode{}, last.kids...), next)}
			} else {
				last = &rawNode{stmt: parStmt{}, kids: []*rawNode{last, next}}
			}
			acc = joinLast(rest, last)
			continue
		}
		n := l.stmt(s)
		if acc == nil {
			acc = n
		} else {
			acc = combine(acc, n)
		}
	}
	if acc == nil {
		return rawLeaf(emptyStmt{})
	}
	return acc
}

// splitLast separates the last statement of a combined block.
func splitLast(acc *rawNode) (last *rawNode, rest []*rawNode) {
	if _, ok := acc.stmt.(seqStmt); ok {
		return acc.kids[len(acc.kids)-1], acc.kids[:len(acc.kids)-1]
	}
	return acc, nil
}

func joinLast(rest []*rawNode, last *rawNode) *rawNode {
	if len(rest) == 0 {
		return last
	}
	return &rawNode{stmt: seqStmt{}, kids: append(append([]*rawNode{}, rest...), last)}
}

func (l *lowerer) stmt(s ast.Stmt) *rawNode {
	switch s := s.(type) {
	case *ast.CallStmt:
		return l.callStatement(s)
	case *ast.AssignStmt:
		if lit, ok := s.Value.(*ast.FuncLit); ok {
			return l.closure(s.Name.Name, lit)
		}
		return rawLeaf(assignStmt{val: l.expr(s.Value), name: s.Name.Name})
	case *ast.PushStmt:
		o := l.info.ObjectOf(s.Stream)
		to := export{name: s.Stream.Name, typ: o.Type}
		if s.Key != nil {
			return rawLeaf(pushMapStmt{key: l.expr(s.Key), val: l.expr(s.Value), to: to})
		}
		return rawLeaf(pushStmt{val: l.expr(s.Value), to: to})
	case *ast.DeclStmt:
		return rawLeaf(declStmt{name: s.Name.Name, typ: l.info.ObjectOf(s.Name).Type})
	case *ast.OnStmt:
		var via []rawValue
		for _, v := range s.Via {
			via = append(via, l.expr(v))
		}
		return &rawNode{stmt: onStmt{peer: l.expr(s.Peer), via: via}, kids: []*rawNode{l.block(s.Body.Stmts)}}
	case *ast.ParStmt:
		return l.stmt(s.Stmt) // a par with nothing before it
	case *ast.CoStmt:
		return &rawNode{stmt: detachStmt{}, kids: []*rawNode{l.stmt(s.Stmt)}}
	case *ast.JoinStmt:
		var vals []rawValue
		seen := map[string]bool{}
		for _, a := range s.Args {
			key := ast.ExprString(a)
			if !seen[key] {
				seen[key] = true
				vals = append(vals, l.expr(a))
			}
		}
		return rawLeaf(joinStmt{vals: vals})
	case *ast.ForStmt:
		return l.forLoop(s)
	case *ast.ParSeqStmt:
		var via []rawValue
		for _, v := range s.Via {
			via = append(via, l.expr(v))
		}
		on := &rawNode{stmt: onStmt{peer: l.expr(s.Peer), via: via, relayRet: true}, kids: []*rawNode{l.block(s.Body.Stmts)}}
		inner := &rawNode{stmt: parStmt{}, kids: []*rawNode{on, rawLeaf(nextStmt{item: s.Value.Name})}}
		return &rawNode{stmt: forStmt{item: s.Value.Name, iter: l.expr(s.Iter), mode: ast.ForPar}, kids: []*rawNode{inner}}
	case *ast.IfStmt:
		kids := []*rawNode{l.block(s.Body.Stmts)}
		if s.Else != nil {
			kids = append(kids, l.block(s.Else.Stmts))
		}
		return &rawNode{stmt: ifStmt{cond: l.expr(s.Cond)}, kids: kids}
	case *ast.TryStmt:
		var kids []*rawNode
		if s.Implicit {
			kids = append(kids, l.block(s.Body.Stmts))
		} else {
			kids = append(kids, l.block(s.Body.Stmts))
		}
		if s.Catch != nil {
			assign := rawLeaf(assignStmt{val: rawVar{name: ":error:", typ: types.ErrorType}, name: s.Catch.Name.Name})
			kids = append(kids, rawSeq(assign, l.block(s.Catch.Body.Stmts)))
		}
		if s.Otherwise != nil {
			kids = append(kids, l.block(s.Otherwise.Stmts))
		}
		return &rawNode{stmt: tryStmt{}, kids: kids}
	case *ast.ServiceIDStmt:
		o := l.info.Uses[s.Service.Last()]
		srv, _ := o.Type.(*types.Service)
		if srv == nil {
			l.fail(s, "%s is not a service", s.Service)
			return rawLeaf(emptyStmt{})
		}
		return rawLeaf(serviceIDStmt{id: l.expr(s.ID), srv: srv, name: o.Name})
	}
	l.fail(s, "cannot generate code for this statement")
	return rawLeaf(emptyStmt{})
}

// closure lowers "name = (params) -> results: body".
func (l *lowerer) closure(name string, lit *ast.FuncLit) *rawNode {
	arrow, _ := l.exprType(lit).(*types.Arrow)
	if arrow == nil {
		l.fail(lit, "closure %s has no type", name)
		return rawLeaf(emptyStmt{})
	}
	fn := &funcArrow{name: name, arrow: arrow, params: labelled(arrow)}
	fn.body, fn.ret = l.arrowBody(lit.Body, arrow)
	return rawLeaf(closureStmt{name: name, fn: fn, detached: lit.Detached})
}

// forLoop lowers a for statement.
func (l *lowerer) forLoop(s *ast.ForStmt) *rawNode {
	item, key, val := s.Value.Name, "", ""
	if s.Key != nil {
		item, key, val = "-iterable-", s.Key.Name, s.Value.Name
	}
	body := l.block(s.Body.Stmts)
	next := rawLeaf(nextStmt{item: item})
	var inner *rawNode
	switch s.Mode {
	case ast.ForPar, ast.ForRec:
		inner = &rawNode{stmt: parStmt{}, kids: []*rawNode{body, next}}
	case ast.ForTry:
		inner = &rawNode{stmt: tryStmt{}, kids: []*rawNode{body, next}}
	default:
		inner = &rawNode{stmt: seqStmt{}, kids: []*rawNode{body, next}}
	}
	f := &rawNode{stmt: forStmt{item: item, iter: l.expr(s.Iter), mode: s.Mode, key: key, val: val}, kids: []*rawNode{inner}}
	if s.Mode == ast.ForPar || s.Mode == ast.ForRec {
		return &rawNode{stmt: detachStmt{}, kids: []*rawNode{f}}
	}
	return f
}

// callStatement lowers a call statement.
func (l *lowerer) callStatement(s *ast.CallStmt) *rawNode {
	call, ok := s.Call.(*ast.CallExpr)
	if !ok {
		l.fail(s, "only calls can stand alone")
		return rawLeaf(emptyStmt{})
	}
	var exports []export
	for _, r := range s.Results {
		if o := l.info.Uses[r]; o != nil && o.IsStream() {
			exports = append(exports, export{name: r.Name, typ: o.Type, existing: true})
			continue
		}
		t := types.Type(types.Invalid)
		if o := l.info.Defs[r]; o != nil {
			t = o.Type
		}
		exports = append(exports, export{name: r.Name, typ: t})
	}
	v := l.expr(call)
	switch v.(type) {
	case rawCall, rawServiceCall:
		return rawLeaf(callStmt{exports: exports, call: v})
	case rawApply:
		// A method on a value: an ability arrow or a map method.
		return rawLeaf(callStmt{exports: exports, call: v})
	}
	l.fail(s, "%s is not a call", ast.ExprString(call))
	return rawLeaf(emptyStmt{})
}

func (l *lowerer) exprType(x ast.Expr) types.Type {
	if t, ok := l.info.Types[x]; ok {
		return t
	}
	return types.Invalid
}

// expr lowers a value expression.
func (l *lowerer) expr(x ast.Expr) rawValue {
	switch x := x.(type) {
	case *ast.Ident:
		return l.ident(x, l.info.ObjectOf(x))
	case *ast.BasicLit:
		text := x.Value
		if x.Kind == ast.InitPeerLit {
			text = "%init_peer_id%"
		}
		return rawLiteral{text: text, typ: l.exprType(x)}
	case *ast.ParenExpr:
		return l.expr(x.X)
	case *ast.UnaryExpr:
		return rawUnary{op: x.Op, x: l.expr(x.X), typ: l.exprType(x)}
	case *ast.BinaryExpr:
		return rawBinary{op: x.Op, l: l.expr(x.X), r: l.expr(x.Y), typ: l.exprType(x)}
	case *ast.CollectionLit:
		t := l.exprType(x)
		elem, _ := types.Elem(t)
		c := rawCollection{kind: x.Kind, elem: elem, typ: t}
		for _, e := range x.Elems {
			c.vals = append(c.vals, l.expr(e))
		}
		if x.Kind == ast.StreamColl {
			st, _ := t.(*types.Stream)
			if st == nil {
				st = &types.Stream{Elem: elem}
			}
			return rawStreamLiteral{name: l.names.forbidAndRename("stream-anon"), typ: st, vals: c.vals}
		}
		return c
	case *ast.CallExpr:
		return l.call(x)
	case *ast.SelectorExpr:
		if o := l.info.Uses[x.Sel]; o != nil && (o.Kind == types.FuncObj || o.Kind == types.ConstObj || o.Kind == types.ServiceObj) {
			return l.ident(x.Sel, o)
		}
		base := l.expr(x.X)
		t := l.exprType(x)
		if bv, ok := base.(rawVar); ok {
			_, isAbility := bv.typ.(*types.Ability)
			_, isService := bv.typ.(*types.Service)
			_, isArrow := t.(*types.Arrow)
			if (isAbility || isService) && isArrow {
				// An arrow of an ability or service value is a name of
				// its own.
				return rawVar{name: bv.name + "." + x.Sel.Name, typ: t}
			}
		}
		if x.Sel.Name == "length" {
			switch rawType(base).(type) {
			case *types.Array, *types.Option, *types.Stream:
				return applyProp(base, rawProp{kind: rawFunctorProp, name: "length", typ: t})
			}
		}
		return applyProp(base, rawProp{kind: rawFieldProp, name: x.Sel.Name, typ: t})
	case *ast.IndexExpr:
		return applyProp(l.expr(x.X), rawProp{kind: rawIndexProp, idx: l.expr(x.Index), typ: l.exprType(x)})
	case *ast.BangExpr:
		idx := "0"
		if x.Index != nil {
			idx = x.Index.Value
		}
		return applyProp(l.expr(x.X), rawProp{kind: rawIndexProp, idx: rawLiteral{text: idx, typ: types.Typ(types.UntypedUnsigned)}, typ: l.exprType(x)})
	}
	l.fail(x, "cannot generate code for %s", ast.ExprString(x))
	return rawLiteral{text: `""`, typ: types.Invalid}
}

func applyProp(base rawValue, p rawProp) rawValue {
	if a, ok := base.(rawApply); ok {
		return rawApply{base: a.base, props: append(append([]rawProp{}, a.props...), p)}
	}
	return rawApply{base: base, props: []rawProp{p}}
}

func (l *lowerer) ident(x *ast.Ident, o *types.Object) rawValue {
	if o == nil {
		l.fail(x, "unresolved name %s", x.Name)
		return rawLiteral{text: `""`, typ: types.Invalid}
	}
	switch o.Kind {
	case types.BuiltinObj:
		switch o.Name {
		case "INIT_PEER_ID":
			return rawLiteral{text: "%init_peer_id%", typ: o.Type}
		case "HOST_PEER_ID":
			if l.g.opts.NoRelay {
				return rawLiteral{text: "%init_peer_id%", typ: o.Type}
			}
			return rawVar{name: "-relay-", typ: o.Type}
		case "PARTICLE_TTL":
			return rawLiteral{text: "%ttl%", typ: o.Type}
		case "PARTICLE_TIMESTAMP":
			return rawLiteral{text: "%timestamp%", typ: o.Type}
		case "LAST_ERROR":
			return rawVar{name: ":error:", typ: o.Type}
		case "nil":
			return rawLiteral{text: "[]", typ: o.Type}
		}
	case types.ConstObj:
		d, ok := o.Decl.(*ast.ConstDecl)
		if !ok {
			break
		}
		value := d.Value
		if ov, ok := l.g.constants[o.Name]; ok && d.Overridable {
			value = ov
		}
		return rawConst{val: l.g.constValue(o, value)}
	case types.FuncObj:
		return rawVar{name: l.g.funcKey(o), typ: o.Type}
	}
	return rawVar{name: x.Name, typ: o.Type}
}

func (l *lowerer) call(x *ast.CallExpr) rawValue {
	c := l.info.Calls[x]
	if c == nil {
		l.fail(x, "unresolved call %s", ast.ExprString(x))
		return rawLiteral{text: `""`, typ: types.Invalid}
	}
	args := func() []rawValue {
		var out []rawValue
		for _, a := range x.Args {
			out = append(out, l.expr(a))
		}
		return out
	}
	named := func() []rawField {
		var fs []rawField
		for _, a := range x.Args {
			switch a := a.(type) {
			case *ast.KeyValueExpr:
				fs = append(fs, rawField{a.Key.Name, l.expr(a.Value)})
			case *ast.Ident:
				fs = append(fs, rawField{a.Name, l.expr(a)})
			}
		}
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].name < fs[j].name })
		return fs
	}
	switch c.Kind {
	case types.CallFunc:
		var abilities []rawValue
		for _, a := range x.Abilities {
			abilities = append(abilities, l.expr(a))
		}
		return rawCall{name: l.g.funcKey(c.Callee), arrow: c.Arrow, args: args(), abilities: abilities}
	case types.CallService:
		name := ""
		if c.Callee != nil {
			name = c.Callee.Name
		} else if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			name = ast.ExprString(sel.X)
		}
		// A service held by a name (Renamed = Srv, an ability argument)
		// is called through that name: the inliner binds its arrows
		// with the ids they had where the service was taken.
		return rawCall{ability: name, name: c.Member, arrow: c.Arrow, args: args()}
	case types.CallArrow:
		if c.Member != "" {
			if c.Callee == nil {
				// An arrow of an ability nested in another: its members
				// are bound under the whole path, A.inner.arrow.
				sel, ok := x.Fun.(*ast.SelectorExpr)
				if !ok {
					l.fail(x, "cannot generate code for %s", ast.ExprString(x))
					return rawLiteral{text: `""`, typ: types.Invalid}
				}
				return rawCall{ability: ast.ExprString(sel.X), name: c.Member, arrow: c.Arrow, args: args(), member: true}
			}
			return rawCall{ability: c.Callee.Name, name: c.Member, arrow: c.Arrow, args: args(), member: true}
		}
		return rawCall{name: c.Callee.Name, arrow: c.Arrow, args: args()}
	case types.CallStruct:
		st, _ := c.Result.(*types.Struct)
		return rawStruct{typ: st, fields: named()}
	case types.CallAbility:
		ab, _ := c.Result.(*types.Ability)
		return rawAbility{typ: ab, fields: named()}
	case types.CallCopy:
		sel := x.Fun.(*ast.SelectorExpr)
		return applyProp(l.expr(sel.X), rawProp{kind: rawCopyProp, fields: named(), typ: c.Result})
	case types.CallMapMethod:
		sel := x.Fun.(*ast.SelectorExpr)
		return applyProp(l.expr(sel.X), rawProp{kind: rawArrowProp, name: c.Member, arrow: c.Arrow, args: args(), typ: resultOf(c.Arrow)})
	}
	l.fail(x, "cannot generate code for %s", ast.ExprString(x))
	return rawLiteral{text: `""`, typ: types.Invalid}
}

func resultOf(a *types.Arrow) types.Type {
	if a != nil && len(a.Results) > 0 {
		return a.Results[0]
	}
	return types.NoValue
}
