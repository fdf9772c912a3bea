package types

import (
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
)

// expr checks an expression and records its type.
func (c *checker) expr(x ast.Expr, scope *Scope) Type {
	t := c.exprType(x, scope)
	c.info.Types[x] = t
	return t
}

func (c *checker) exprType(x ast.Expr, scope *Scope) Type {
	switch x := x.(type) {
	case *ast.Ident:
		o := c.lookup(x, scope)
		if o == nil {
			return Invalid
		}
		return c.valueOf(x, o)
	case *ast.BasicLit:
		return litType(x)
	case *ast.ParenExpr:
		return c.expr(x.X, scope)
	case *ast.UnaryExpr:
		t := c.expr(x.X, scope)
		if !AssignableTo(t, Typ(Bool)) {
			c.errorf(x.X, "operator ! needs a bool, not %s", t)
		}
		return Typ(Bool)
	case *ast.BinaryExpr:
		return c.binary(x, scope)
	case *ast.CollectionLit:
		return c.collection(x, scope)
	case *ast.KeyValueExpr:
		c.expr(x.Value, scope)
		c.errorf(x, "a named argument %s = ... is only allowed when constructing a struct or ability, or in .copy", x.Key.Name)
		return Invalid
	case *ast.CallExpr:
		results := c.call(x, scope)
		switch {
		case results == nil:
			return Invalid
		case len(results) == 0:
			return NoValue
		case len(results) > 1:
			c.errorf(x, "%s returns %d values; use 'a, b <- %s' to bind them", ast.ExprString(x.Fun), len(results), ast.ExprString(x))
			return Invalid
		}
		return results[0]
	case *ast.SelectorExpr:
		return c.selector(x, scope)
	case *ast.IndexExpr:
		t := c.expr(x.X, scope)
		it := c.expr(x.Index, scope)
		if b, ok := it.(*Basic); !ok || !b.IsInteger() {
			if it != Invalid {
				c.errorf(x.Index, "index must be an unsigned integer, not %s", it)
			}
		} else if lit, ok := x.Index.(*ast.BasicLit); ok && strings.HasPrefix(lit.Value, "-") {
			c.errorf(x.Index, "index must not be negative")
		}
		return c.element(x.X, t, "index")
	case *ast.BangExpr:
		return c.element(x.X, c.expr(x.X, scope), "take an element (!) from")
	case *ast.FuncLit:
		c.errorf(x, "a closure must be assigned to a name: f = (x: T) -> R:")
		return Invalid
	}
	return Invalid
}

// valueOf is the type of a name used as a value.
func (c *checker) valueOf(id *ast.Ident, o *Object) Type {
	switch o.Kind {
	case NamespaceObj:
		c.errorf(id, "module %s is not a value; name one of its members, as in %s.name", id.Name, id.Name)
		return Invalid
	case TypeObj:
		if _, ok := o.Type.(*Ability); !ok {
			c.errorf(id, "%s is a type, not a value", id.Name)
			return Invalid
		}
		c.errorf(id, "%s is an ability type, not a value; construct one with %s(...)", id.Name, id.Name)
		return Invalid
	}
	return o.Type
}

func litType(x *ast.BasicLit) Type {
	switch x.Kind {
	case ast.IntLit:
		if strings.HasPrefix(x.Value, "-") {
			return Typ(UntypedSigned)
		}
		return Typ(UntypedUnsigned)
	case ast.FloatLit:
		return Typ(UntypedFloat)
	case ast.BoolLit:
		return Typ(Bool)
	}
	return Typ(String)
}

func (c *checker) element(x ast.Expr, t Type, what string) Type {
	if e, ok := readOnlyElem(t); ok {
		return e
	}
	if t != Invalid {
		c.errorf(x, "cannot %s %s: it is %s, not an array, option or stream", what, ast.ExprString(x), t)
	}
	return Invalid
}

func (c *checker) binary(x *ast.BinaryExpr, scope *Scope) Type {
	l, r := c.expr(x.X, scope), c.expr(x.Y, scope)
	if l == Invalid || r == Invalid {
		if isComparison(x.Op) || x.Op == "&&" || x.Op == "||" {
			return Typ(Bool)
		}
		return Invalid
	}
	switch x.Op {
	case "&&", "||":
		for _, side := range []struct {
			e ast.Expr
			t Type
		}{{x.X, l}, {x.Y, r}} {
			if !AssignableTo(side.t, Typ(Bool)) {
				c.errorf(side.e, "operator %s needs bool operands, not %s", x.Op, side.t)
			}
		}
		return Typ(Bool)
	case "==", "!=":
		le, lcoll := readOnlyElem(l)
		re, rcoll := readOnlyElem(r)
		if lcoll && rcoll && (AssignableTo(le, re) || AssignableTo(re, le)) {
			return Typ(Bool)
		}
		// Numbers of any kinds compare by value, as the reference allows.
		lb, lnum := l.(*Basic)
		rb, rnum := r.(*Basic)
		if lnum && rnum && lb.IsNumber() && rb.IsNumber() {
			return Typ(Bool)
		}
		if !AssignableTo(l, r) && !AssignableTo(r, l) {
			c.errorf(x, "cannot compare %s with %s", l, r)
		}
		return Typ(Bool)
	}
	// Arithmetic and ordering take integers only, as in the reference:
	// the math and cmp services they compile to work on i64.
	lb, lok := l.(*Basic)
	rb, rok := r.(*Basic)
	if !lok || !rok || !lb.IsInteger() || !rb.IsInteger() {
		bad, bt := x.X, l
		if lok && lb.IsInteger() {
			bad, bt = x.Y, r
		}
		c.errorf(bad, "operator %s needs integers, not %s", x.Op, bt)
		if isComparison(x.Op) {
			return Typ(Bool)
		}
		return Invalid
	}
	if isComparison(x.Op) {
		return Typ(Bool)
	}
	return mathResult(lb, rb)
}

func isComparison(op string) bool {
	switch op {
	case "<", "<=", ">", ">=", "==", "!=":
		return true
	}
	return false
}

func (c *checker) collection(x *ast.CollectionLit, scope *Scope) Type {
	var elem Type = Bottom
	for _, e := range x.Elems {
		t := c.expr(e, scope)
		if !IsData(t) {
			c.errorf(e, "collection elements must be data, not %s", t)
			continue
		}
		switch {
		case AssignableTo(elem, t):
			elem = t
		case AssignableTo(t, elem):
		default:
			eb, ok1 := elem.(*Basic)
			tb, ok2 := t.(*Basic)
			if ok1 && ok2 && eb.IsNumber() && tb.IsNumber() {
				elem = mathResult(eb, tb)
				continue
			}
			c.errorf(e, "collection elements must have one type: %s does not match %s", t, elem)
		}
	}
	switch x.Kind {
	case ast.OptionColl:
		return &Option{Elem: elem}
	case ast.StreamColl:
		return &Stream{Elem: elem}
	}
	return &Array{Elem: elem}
}

// nsMember resolves X.Sel when X names a module namespace. ok is false
// when X is not a namespace path.
func (c *checker) nsMember(x *ast.SelectorExpr, scope *Scope) (o *Object, ok bool) {
	var ns *Object
	switch base := x.X.(type) {
	case *ast.Ident:
		ns = scope.Lookup(base.Name)
		if ns == nil || ns.Kind != NamespaceObj {
			return nil, false
		}
		c.info.Uses[base] = ns
	case *ast.SelectorExpr:
		inner, isNS := c.nsMember(base, scope)
		if !isNS {
			return nil, false
		}
		if inner == nil {
			return nil, true
		}
		if inner.Kind != NamespaceObj {
			return nil, false
		}
		ns = inner
	default:
		return nil, false
	}
	m := ns.Members.LookupLocal(x.Sel.Name)
	if m == nil {
		c.suggest(x.Sel, closest(x.Sel.Name, ns.Members.Names()), "module %s has no %s", ns.Name, x.Sel.Name)
		return nil, true
	}
	c.info.Uses[x.Sel] = m
	return m, true
}

func (c *checker) selector(x *ast.SelectorExpr, scope *Scope) Type {
	if o, ok := c.nsMember(x, scope); ok {
		if o == nil {
			return Invalid
		}
		return c.valueOf(x.Sel, o)
	}
	t := c.expr(x.X, scope)
	name := x.Sel.Name
	switch t := t.(type) {
	case *Struct:
		if ft, ok := fieldOf(t.Fields, name); ok {
			return ft
		}
		c.suggest(x.Sel, closest(name, fieldNames(t.Fields)), "%s has no field %s", t.Name, name)
	case *Ability:
		if ft, ok := fieldOf(t.Fields, name); ok {
			return ft
		}
		c.suggest(x.Sel, closest(name, fieldNames(t.Fields)), "ability %s has no member %s", t.Name, name)
	case *Service:
		if ft, ok := fieldOf(t.Arrows, name); ok {
			return ft
		}
		c.suggest(x.Sel, closest(name, fieldNames(t.Arrows)), "service %s has no arrow %s", t.Name, name)
	case *Array, *Option, *Stream:
		if name == "length" {
			return Typ(U32)
		}
		c.errorf(x.Sel, "%s has no field %s; collections have only .length", ast.ExprString(x.X), name)
	default:
		if t != Invalid {
			c.errorf(x.Sel, "%s is %s, which has no field %s", ast.ExprString(x.X), t, name)
		}
	}
	return Invalid
}

func fieldNames(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// call checks a call expression and returns its result types, or nil if
// the callee could not be resolved (already reported).
func (c *checker) call(x *ast.CallExpr, scope *Scope) []Type {
	switch fun := x.Fun.(type) {
	case *ast.Ident:
		o := c.lookup(fun, scope)
		if o == nil {
			c.skipArgs(x, scope)
			return nil
		}
		if _, isArrow := o.Type.(*Arrow); !isArrow && o.Kind != TypeObj {
			// An ability value named like its type, as the parameter
			// of func f{Ab}(), leaves the type's constructor callable.
			if t := typeNamed(fun.Name, scope); t != nil {
				c.info.Uses[fun] = t
				o = t
			}
		}
		return c.callObject(x, fun, o, scope)
	case *ast.SelectorExpr:
		if o, ok := c.nsMember(fun, scope); ok {
			if o == nil {
				c.skipArgs(x, scope)
				return nil
			}
			return c.callObject(x, fun.Sel, o, scope)
		}
		return c.method(x, fun, scope)
	}
	c.skipArgs(x, scope)
	c.errorf(x.Fun, "cannot call %s", ast.ExprString(x.Fun))
	return nil
}

// typeNamed finds the struct or ability type a value of the same name
// shadows.
func typeNamed(name string, scope *Scope) *Object {
	for s := scope; s != nil; s = s.Parent() {
		o := s.LookupLocal(name)
		if o == nil || o.Kind != TypeObj {
			continue
		}
		switch o.Type.(type) {
		case *Struct, *Ability:
			return o
		}
	}
	return nil
}

// skipArgs checks the arguments of a call whose callee is unknown, so that
// errors inside them are still found.
func (c *checker) skipArgs(x *ast.CallExpr, scope *Scope) {
	for _, a := range x.Args {
		if kv, ok := a.(*ast.KeyValueExpr); ok {
			a = kv.Value
		}
		c.expr(a, scope)
	}
}

func (c *checker) callObject(x *ast.CallExpr, id *ast.Ident, o *Object, scope *Scope) []Type {
	switch t := o.Type.(type) {
	case *Arrow:
		kind := CallArrow
		if o.Kind == FuncObj {
			kind = CallFunc
		}
		c.info.Calls[x] = &Call{Kind: kind, Callee: o, Arrow: t}
		c.args(x, id.Name, t, scope)
		return t.Results
	case *Struct:
		if o.Kind == TypeObj {
			c.info.Calls[x] = &Call{Kind: CallStruct, Callee: o, Result: t}
			c.construct(x, t.Name, t.Fields, scope, true)
			return []Type{t}
		}
	case *Ability:
		if o.Kind == TypeObj {
			c.info.Calls[x] = &Call{Kind: CallAbility, Callee: o, Result: t}
			c.construct(x, t.Name, t.Fields, scope, true)
			return []Type{t}
		}
	case *Service:
		c.skipArgs(x, scope)
		c.errorf(x.Fun, "service %s cannot be called; call one of its arrows, as in %s.%s()", o.Name, o.Name, firstName(t.Arrows))
		return nil
	}
	c.skipArgs(x, scope)
	if o.Type != Invalid {
		c.errorf(x.Fun, "cannot call %s: it is a %s of type %s", id.Name, o.Kind, o.Type)
	}
	return nil
}

func firstName(fs []Field) string {
	if len(fs) == 0 {
		return "arrow"
	}
	return fs[0].Name
}

// method checks X.name(args): a service or ability arrow, a stream-map
// method, or .copy on a struct.
func (c *checker) method(x *ast.CallExpr, fun *ast.SelectorExpr, scope *Scope) []Type {
	recv := c.expr(fun.X, scope)
	name := fun.Sel.Name
	var callee *Object
	switch rx := fun.X.(type) {
	case *ast.Ident:
		callee = c.info.Uses[rx]
	case *ast.SelectorExpr:
		// A member of a module, as in Module.Srv.f(): nsMember has
		// recorded the object; other selectors (fields) record none.
		callee = c.info.Uses[rx.Sel]
	}
	switch t := recv.(type) {
	case *Service:
		at, ok := fieldOf(t.Arrows, name)
		if !ok {
			c.skipArgs(x, scope)
			c.suggest(fun.Sel, closest(name, fieldNames(t.Arrows)), "service %s has no arrow %s", t.Name, name)
			return nil
		}
		arrow, _ := at.(*Arrow)
		if arrow == nil {
			c.skipArgs(x, scope)
			return nil
		}
		c.info.Calls[x] = &Call{Kind: CallService, Callee: callee, Member: name, Arrow: arrow}
		c.args(x, t.Name+"."+name, arrow, scope)
		return arrow.Results
	case *Ability:
		ft, ok := fieldOf(t.Fields, name)
		if !ok {
			c.skipArgs(x, scope)
			c.suggest(fun.Sel, closest(name, fieldNames(t.Fields)), "ability %s has no member %s", t.Name, name)
			return nil
		}
		switch ft := ft.(type) {
		case *Arrow:
			c.info.Calls[x] = &Call{Kind: CallArrow, Callee: callee, Member: name, Arrow: ft}
			c.args(x, t.Name+"."+name, ft, scope)
			return ft.Results
		case *Service:
			// A service held in an ability: Ab.Srv.f() is handled by the
			// receiver being the service; here it is called directly.
			c.skipArgs(x, scope)
			c.errorf(fun.Sel, "service %s cannot be called; call one of its arrows", name)
			return nil
		}
		c.skipArgs(x, scope)
		c.errorf(fun.Sel, "%s.%s is %s, not an arrow", t.Name, name, ft)
		return nil
	case *Struct:
		if name == "copy" {
			c.info.Calls[x] = &Call{Kind: CallCopy, Callee: callee, Member: name, Result: t}
			c.construct(x, t.Name, t.Fields, scope, false)
			return []Type{t}
		}
	case *StreamMap:
		return c.mapMethod(x, fun, t, callee, scope)
	}
	c.skipArgs(x, scope)
	if recv != Invalid {
		c.errorf(fun.Sel, "%s is %s, which has no method %s", ast.ExprString(fun.X), recv, name)
	}
	return nil
}

func (c *checker) mapMethod(x *ast.CallExpr, fun *ast.SelectorExpr, m *StreamMap, callee *Object, scope *Scope) []Type {
	str := Typ(String)
	var arrow *Arrow
	switch fun.Sel.Name {
	case "get":
		arrow = &Arrow{Params: []Field{{"key", str}}, Results: []Type{&Array{Elem: m.Elem}}}
	case "getStream":
		arrow = &Arrow{Params: []Field{{"key", str}}, Results: []Type{&Stream{Elem: m.Elem}}}
	case "keys":
		arrow = &Arrow{Results: []Type{&Array{Elem: str}}}
	case "keysStream":
		arrow = &Arrow{Results: []Type{&Stream{Elem: str}}}
	case "contains":
		arrow = &Arrow{Params: []Field{{"key", str}}, Results: []Type{Typ(Bool)}}
	default:
		c.skipArgs(x, scope)
		c.suggest(fun.Sel, closest(fun.Sel.Name, []string{"get", "getStream", "keys", "keysStream", "contains"}),
			"stream maps have no method %s (they have get, getStream, keys, keysStream and contains)", fun.Sel.Name)
		return nil
	}
	c.info.Calls[x] = &Call{Kind: CallMapMethod, Callee: callee, Member: fun.Sel.Name, Arrow: arrow}
	c.args(x, fun.Sel.Name, arrow, scope)
	return arrow.Results
}

// args checks the ability arguments and the positional arguments of a
// call against the callee's arrow type.
func (c *checker) args(x *ast.CallExpr, name string, arrow *Arrow, scope *Scope) {
	if len(x.Abilities) != len(arrow.Abilities) {
		at := ast.Node(x.Fun)
		if len(x.Abilities) > 0 {
			at = x.Abilities[0]
		}
		c.errorf(at, "%s takes %d abilit(ies) in {...}, got %d", name, len(arrow.Abilities), len(x.Abilities))
	}
	for i, a := range x.Abilities {
		t := c.expr(a, scope)
		if i < len(arrow.Abilities) && !AssignableTo(t, arrow.Abilities[i].Type) {
			c.errorf(a, "cannot pass %s as ability %s", t, arrow.Abilities[i].Type)
		}
	}
	if len(x.Args) != len(arrow.Params) {
		c.skipArgs(x, scope)
		c.errorf(x, "%s takes %d argument(s), got %d", name, len(arrow.Params), len(x.Args))
		return
	}
	for i, a := range x.Args {
		t := c.expr(a, scope)
		p := arrow.Params[i]
		if t == NoValue {
			c.errorf(a, "%s returns no value", ast.ExprString(a))
			continue
		}
		if !AssignableTo(t, p.Type) {
			what := "argument"
			if p.Name != "" {
				what += " " + p.Name
			}
			c.errorf(a, "cannot use %s (%s) as %s in %s of %s", ast.ExprString(a), t, p.Type, what, name)
		}
	}
}

// construct checks the named arguments of a struct or ability
// construction (all fields required) or of .copy (any subset).
func (c *checker) construct(x *ast.CallExpr, typeName string, fields []Field, scope *Scope, all bool) {
	if len(x.Abilities) > 0 {
		c.errorf(x.Abilities[0], "%s takes no abilities", typeName)
	}
	set := map[string]bool{}
	for _, a := range x.Args {
		var key *ast.Ident
		var value ast.Expr
		switch a := a.(type) {
		case *ast.KeyValueExpr:
			key, value = a.Key, a.Value
		case *ast.Ident:
			key, value = a, a // the short form: "g" means "g = g"
		default:
			c.expr(a, scope)
			c.errorf(a, "%s is built from named fields, as in %s(field = value)", typeName, typeName)
			continue
		}
		t := c.expr(value, scope)
		ft, ok := fieldOf(fields, key.Name)
		if !ok {
			c.suggest(key, closest(key.Name, fieldNames(fields)), "%s has no field %s", typeName, key.Name)
			continue
		}
		if set[key.Name] {
			c.errorf(key, "field %s is set twice", key.Name)
		}
		set[key.Name] = true
		if !AssignableTo(t, ft) {
			c.errorf(value, "cannot use %s (%s) as %s in field %s of %s", ast.ExprString(value), t, ft, key.Name, typeName)
		}
	}
	if !all {
		return
	}
	var missing []string
	for _, f := range fields {
		// Option fields too: the reference compiler requires every field.
		if !set[f.Name] {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		c.errorf(x, "missing field(s) of %s: %s", typeName, strings.Join(missing, ", "))
	}
}
