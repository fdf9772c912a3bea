package types

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
)

// funcContext is the function or closure whose body is being checked.
type funcContext struct {
	name    string
	results []Type
}

func (c *checker) funcDecl(d *ast.FuncDecl) {
	if r := d.Name.Name[0]; r < 'a' || r > 'z' {
		c.errorf(d.Name, "function name %s must start with a lower-case letter", d.Name.Name)
	}
	arrow := c.arrowType(d.Type, c.top)
	obj := &Object{Kind: FuncObj, Name: d.Name.Name, Type: arrow, Decl: d}
	c.body(d.Name.Name, d.Type, arrow, d.Body, c.top)
	// Defined after its body: Aqua functions cannot call themselves.
	c.define(d.Name, obj)
}

// body checks a function or closure body in a new scope holding its
// abilities and parameters.
func (c *checker) body(name string, t *ast.ArrowType, arrow *Arrow, b *ast.Block, outer *Scope) {
	scope := NewScope(outer)
	for i, ab := range t.Abilities {
		id := ab.Name.Last()
		o := &Object{Kind: ParamObj, Name: id.Name, Type: arrow.Abilities[i].Type, Pos: id.Pos(), Decl: t}
		scope.Insert(o)
	}
	for i, p := range t.Params {
		if p.Name == nil {
			continue
		}
		if scope.LookupLocal(p.Name.Name) != nil {
			c.errorf(p.Name, "duplicate parameter %s", p.Name.Name)
		}
		o := &Object{Kind: ParamObj, Name: p.Name.Name, Type: arrow.Params[i].Type, Pos: p.Name.Pos(), Decl: t}
		c.info.Defs[p.Name] = o
		scope.Insert(o)
	}
	saved := c.fn
	c.fn = &funcContext{name: name, results: arrow.Results}
	defer func() { c.fn = saved }()
	if b == nil || len(b.Stmts) == 0 {
		return // the parser reported the empty block
	}
	c.stmts(b.Stmts, scope, true)
	if len(arrow.Results) > 0 && !hasReturnOrBad(b.Stmts) {
		c.errorf(t, "%s must return %s: end its body with '<- value'", name, resultList(arrow.Results))
	}
}

// hasReturnOrBad reports whether a body has a return (misplaced ones are
// reported elsewhere) or an unparsable line that might have been one.
func hasReturnOrBad(stmts []ast.Stmt) bool {
	for _, s := range stmts {
		if _, ok := s.(*ast.ReturnStmt); ok || isBad(s) {
			return true
		}
	}
	return false
}

func isBad(s ast.Stmt) bool {
	_, ok := s.(*ast.BadStmt)
	return ok
}

func resultList(ts []Type) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return s
}

// stmts checks a statement list. top is set for the function body itself,
// the only place a return may appear.
func (c *checker) stmts(list []ast.Stmt, scope *Scope, top bool) {
	for i, s := range list {
		if r, ok := s.(*ast.ReturnStmt); ok {
			switch {
			case !top:
				c.errorf(r, "return must be at the top level of the function body, not inside a block")
			case i != len(list)-1:
				c.errorf(list[i+1], "unreachable code: nothing may follow the return")
			}
		}
		c.stmt(s, scope)
	}
}

func (c *checker) block(b *ast.Block, scope *Scope) {
	if b != nil {
		c.stmts(b.Stmts, NewScope(scope), false)
	}
}

func (c *checker) stmt(s ast.Stmt, scope *Scope) {
	switch s := s.(type) {
	case *ast.CallStmt:
		c.callStmt(s, scope)
	case *ast.AssignStmt:
		if fn, ok := s.Value.(*ast.FuncLit); ok {
			arrow := c.arrowType(fn.Type, scope)
			c.info.Types[fn] = arrow
			// Closures see the enclosing scope but not themselves.
			c.body(s.Name.Name, fn.Type, arrow, fn.Body, scope)
			c.defineLocal(s.Name, arrow, scope, s)
			return
		}
		t := c.expr(s.Value, scope)
		if cl, ok := s.Value.(*ast.CollectionLit); ok && len(cl.Elems) == 0 {
			c.emptyAssign(s.Name.Name, cl)
			t = Invalid
		}
		if t == NoValue {
			c.errorf(s.Value, "%s returns no value", ast.ExprString(s.Value))
			t = Invalid
		}
		c.defineLocal(s.Name, t, scope, s)
	case *ast.PushStmt:
		c.push(s, scope)
	case *ast.DeclStmt:
		t := c.typ(s.Type, scope)
		switch t.(type) {
		case *Stream, *StreamMap:
		default:
			if t != Invalid {
				c.errorf(s.Type, "only streams (*T) and stream maps (%%T) can be declared without a value, not %s", t)
			}
		}
		c.defineLocal(s.Name, t, scope, s)
	case *ast.ReturnStmt:
		c.returnStmt(s, scope)
	case *ast.OnStmt:
		c.peer(s.Peer, scope)
		for _, v := range s.Via {
			c.via(v, scope)
		}
		// Unlike if, for and try, on opens no scope: values defined on
		// another peer are used after the block.
		c.stmts(s.Body.Stmts, scope, false)
	case *ast.ParStmt:
		c.prefixed(s.Stmt, scope)
	case *ast.CoStmt:
		c.prefixed(s.Stmt, scope)
	case *ast.JoinStmt:
		for _, a := range s.Args {
			c.expr(a, scope)
		}
	case *ast.ForStmt:
		c.forStmt(s, scope)
	case *ast.ParSeqStmt:
		inner := NewScope(scope)
		elem := c.iterable(s.Iter, c.expr(s.Iter, scope), false)
		c.defineIter(s.Value, elem, inner, s)
		c.peer(s.Peer, inner)
		for _, v := range s.Via {
			c.via(v, inner)
		}
		c.stmts(s.Body.Stmts, inner, false)
	case *ast.IfStmt:
		t := c.expr(s.Cond, scope)
		if !AssignableTo(t, Typ(Bool)) {
			c.errorf(s.Cond, "if condition must be bool, not %s", t)
		}
		c.block(s.Body, scope)
		c.block(s.Else, scope)
	case *ast.TryStmt:
		if s.Implicit {
			c.stmts(s.Body.Stmts, scope, false)
		} else {
			c.block(s.Body, scope)
		}
		if s.Catch != nil {
			inner := NewScope(scope)
			c.defineIter(s.Catch.Name, ErrorType, inner, s)
			c.stmts(s.Catch.Body.Stmts, inner, false)
		}
		c.block(s.Otherwise, scope)
	case *ast.ServiceIDStmt:
		o := c.qualified(s.Service, scope)
		if o != nil && o.Kind != ServiceObj {
			c.errorf(s.Service, "%s is a %s, not a service", s.Service, o.Kind)
		}
		t := c.expr(s.ID, scope)
		if !AssignableTo(t, Typ(String)) {
			c.errorf(s.ID, "service id must be a string, not %s", t)
		}
	}
}

// prefixed checks the statement after par or co.
func (c *checker) prefixed(s ast.Stmt, scope *Scope) {
	switch s.(type) {
	case *ast.ReturnStmt, *ast.DeclStmt, *ast.AssignStmt, *ast.PushStmt, *ast.ParStmt, *ast.CoStmt, *ast.ServiceIDStmt:
		c.errorf(s, "par and co apply to calls, on, for, join, if and try blocks, not to this statement")
	}
	c.stmt(s, scope)
}

// defineLocal introduces a value in scope. Aqua does not allow a name to
// be redefined while it is visible.
func (c *checker) defineLocal(id *ast.Ident, t Type, scope *Scope, decl ast.Node) *Object {
	if prev := scope.Lookup(id.Name); prev != nil && prev.Kind != BuiltinObj && prev.Module == nil {
		c.errorf(id, "%s is already defined at %s: choose another name", id.Name, c.fset.Position(prev.Pos))
	}
	o := &Object{Kind: VarObj, Name: id.Name, Type: t, Pos: id.Pos(), Decl: decl}
	c.info.Defs[id] = o
	scope.Insert(o)
	return o
}

func (c *checker) defineIter(id *ast.Ident, t Type, scope *Scope, decl ast.Node) {
	o := c.defineLocal(id, t, scope, decl)
	o.Kind = IterObj
}

func (c *checker) callStmt(s *ast.CallStmt, scope *Scope) {
	call, ok := s.Call.(*ast.CallExpr)
	if !ok {
		t := c.expr(s.Call, scope)
		if len(s.Results) > 0 {
			c.errorf(s.Call, "only a call can appear after '<-'; to copy a value write %s = %s", s.Results[0].Name, ast.ExprString(s.Call))
		} else if t != Invalid {
			c.errorf(s.Call, "%s is not a statement: only calls can stand alone", ast.ExprString(s.Call))
		}
		for _, r := range s.Results {
			c.defineLocal(r, Invalid, scope, s)
		}
		return
	}
	results := c.call(call, scope)
	if results == nil {
		for _, r := range s.Results {
			c.bindResult(r, Invalid, scope, s)
		}
		return
	}
	if len(s.Results) == 1 && len(results) == 2 && c.insertResults(s.Results[0], call, results, scope) {
		return
	}
	switch {
	case len(s.Results) == 0 && len(results) > 0:
		c.warnf(call, "result of %s is not used", ast.ExprString(call.Fun))
	case len(s.Results) > len(results):
		c.errorf(s.Results[len(results)], "%s returns %d value(s), but %d name(s) are bound", ast.ExprString(call.Fun), len(results), len(s.Results))
	case len(s.Results) < len(results):
		c.errorf(call, "%s returns %d values, but only %d name(s) are bound", ast.ExprString(call.Fun), len(results), len(s.Results))
	}
	for i, r := range s.Results {
		t := Type(Invalid)
		if i < len(results) {
			t = results[i]
		}
		c.bindResult(r, t, scope, s)
	}
}

// emptyAssign rejects "x = []", "x = ?[]" and "x = *[]", as the reference
// compiler does: an empty literal has no element type for x to take.
func (c *checker) emptyAssign(name string, cl *ast.CollectionLit) {
	switch cl.Kind {
	case ast.OptionColl:
		c.errorf(cl, "cannot assign an empty option to %s: its element type is unknown; use nil, or write ?[] where the option is used", name)
	case ast.StreamColl:
		c.errorf(cl, "cannot assign an empty stream to %s: declare the stream instead, as in %s: *T", name, name)
	default:
		c.errorf(cl, "cannot assign an empty array to %s: its element type is unknown; use nil, or write [] where the array is used", name)
	}
}

// insertResults handles "m <- f()" where m is a stream map and f returns
// a key and a value: the pair is pushed into the map. It reports whether
// id names a stream map.
func (c *checker) insertResults(id *ast.Ident, call *ast.CallExpr, results []Type, scope *Scope) bool {
	o := scope.Lookup(id.Name)
	if o == nil {
		return false
	}
	m, ok := o.Type.(*StreamMap)
	if !ok {
		return false
	}
	c.info.Uses[id] = o
	if !AssignableTo(results[0], Typ(String)) || !AssignableTo(results[1], m.Elem) {
		c.errorf(call, "%s <- %s pushes a key and a value into stream map %s of %s: %s must return string, %s, not %s, %s",
			id.Name, ast.ExprString(call.Fun), id.Name, m.Elem, ast.ExprString(call.Fun), m.Elem, results[0], results[1])
	}
	return true
}

// bindResult binds a call result: appended to an existing stream, or a
// new value.
func (c *checker) bindResult(id *ast.Ident, t Type, scope *Scope, s ast.Stmt) {
	if o := scope.Lookup(id.Name); o != nil {
		if st, ok := o.Type.(*Stream); ok {
			c.info.Uses[id] = o
			if !AssignableTo(t, st.Elem) {
				c.errorf(id, "cannot append %s to stream %s of %s", t, id.Name, st.Elem)
			}
			return
		}
		if m, ok := o.Type.(*StreamMap); ok && t != Invalid {
			c.info.Uses[id] = o
			c.errorf(id, "%s is a stream map: a call bound to it must return a key and a value (string, %s), not %s", id.Name, m.Elem, t)
			return
		}
	}
	c.defineLocal(id, t, scope, s)
}

func (c *checker) push(s *ast.PushStmt, scope *Scope) {
	o := c.lookup(s.Stream, scope)
	vt := c.expr(s.Value, scope)
	var kt Type
	if s.Key != nil {
		kt = c.expr(s.Key, scope)
	}
	if o == nil {
		return
	}
	switch st := o.Type.(type) {
	case *Stream:
		if s.Key != nil {
			c.errorf(s.Key, "%s is a stream: push one value, not a key and a value", s.Stream.Name)
		} else if !AssignableTo(vt, st.Elem) {
			c.errorf(s.Value, "cannot push %s to stream %s of %s", vt, s.Stream.Name, st.Elem)
		}
	case *StreamMap:
		if s.Key == nil {
			c.errorf(s.Value, "%s is a stream map: push a key and a value, as in %s <<- \"key\", value", s.Stream.Name, s.Stream.Name)
			return
		}
		if !AssignableTo(kt, Typ(String)) {
			c.errorf(s.Key, "stream map keys are strings, not %s", kt)
		}
		if !AssignableTo(vt, st.Elem) {
			c.errorf(s.Value, "cannot push %s to stream map %s of %s", vt, s.Stream.Name, st.Elem)
		}
	default:
		if o.Type != Invalid {
			c.errorf(s.Stream, "cannot push to %s: it is %s, not a stream", s.Stream.Name, o.Type)
		}
	}
}

func (c *checker) returnStmt(s *ast.ReturnStmt, scope *Scope) {
	var types []Type
	for _, r := range s.Results {
		types = append(types, c.expr(r, scope))
	}
	want := c.fn.results
	if len(types) != len(want) {
		if len(want) == 0 {
			c.errorf(s, "%s declares no results, but the return gives %d", c.fn.name, len(types))
		} else {
			c.errorf(s, "%s returns %s, but the return gives %d value(s)", c.fn.name, resultList(want), len(types))
		}
		return
	}
	for i, t := range types {
		if !AssignableTo(t, want[i]) {
			c.errorf(s.Results[i], "cannot return %s as %s", t, want[i])
		}
	}
}

func (c *checker) peer(x ast.Expr, scope *Scope) {
	t := c.expr(x, scope)
	if !AssignableTo(t, Typ(String)) {
		c.errorf(x, "a peer id must be a string, not %s", t)
	}
}

func (c *checker) via(x ast.Expr, scope *Scope) {
	t := c.expr(x, scope)
	if e, ok := readOnlyElem(t); ok {
		t = e
	}
	if !AssignableTo(t, Typ(String)) {
		c.errorf(x, "via takes a peer id or a collection of them, not %s", c.info.Types[x])
	}
}

// iterable checks the collection of a for or parseq and returns the
// element type.
func (c *checker) iterable(x ast.Expr, t Type, rec bool) Type {
	if t == Invalid {
		return Invalid
	}
	if rec {
		if st, ok := t.(*Stream); ok {
			return st.Elem
		}
		c.errorf(x, "for ... rec iterates a stream, not %s", t)
		return Invalid
	}
	if e, ok := readOnlyElem(t); ok {
		return e
	}
	c.errorf(x, "cannot iterate over %s: expected an array, option or stream", t)
	return Invalid
}

func (c *checker) forStmt(s *ast.ForStmt, scope *Scope) {
	inner := NewScope(scope)
	it := c.expr(s.Iter, scope)
	if m, ok := it.(*StreamMap); ok {
		if s.Mode == ast.ForRec {
			c.errorf(s.Iter, "for ... rec iterates a stream, not a stream map")
		}
		if s.Key != nil {
			c.defineIter(s.Key, Typ(String), inner, s)
			c.defineIter(s.Value, m.Elem, inner, s)
		} else {
			c.defineIter(s.Value, MapPair(m), inner, s)
		}
		c.stmts(s.Body.Stmts, inner, false)
		return
	}
	if s.Key != nil {
		c.errorf(s.Key, "for k, v <- ... iterates a stream map; %s is not one", ast.ExprString(s.Iter))
	}
	elem := c.iterable(s.Iter, it, s.Mode == ast.ForRec)
	c.defineIter(s.Value, elem, inner, s)
	c.stmts(s.Body.Stmts, inner, false)
}
