package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Expressions. An expression is read as a flat list of operands and
// binary operators; climb then builds the tree by precedence.

// binOp is an operator and the operand after it.
type binOp struct {
	pos token.Pos
	op  string
	y   ast.Expr
}

func (lp *lineParser) expr() (ast.Expr, bool) {
	x, ok := lp.unary()
	if !ok {
		return nil, false
	}
	var ops []binOp
	for lp.i < len(lp.toks) && precedence(lp.toks[lp.i].Text) > 0 {
		at := lp.i
		t := lp.next()
		y, ok := required(lp, (*lineParser).unary, "")
		if !ok {
			lp.i = at
			break
		}
		ops = append(ops, binOp{t.Pos, t.Text, y})
	}
	if len(ops) == 0 {
		return x, true
	}
	i := 0
	return lp.climb(x, ops, &i, 0), true
}

// exprList parses "e1, e2, ...".
func exprList(lp *lineParser) ([]ast.Expr, bool) {
	return list(lp, (*lineParser).expr, "an expression")
}

// precedence of the binary operators, loosest first; 0 for anything
// else.
func precedence(op string) int {
	switch op {
	case "||":
		return 1
	case "&&":
		return 2
	case "==", "!=":
		return 3
	case "<", "<=", ">", ">=":
		return 4
	case "+", "-":
		return 5
	case "*", "/", "%":
		return 6
	case "**":
		return 7
	}
	return 0
}

const precCompare = 4

// climb builds the operator tree by precedence climbing: operators bind
// left to right, except "**", which binds right to left; comparisons do
// not chain ("a < b < c" is an error).
func (lp *lineParser) climb(lhs ast.Expr, ops []binOp, i *int, minPrec int) ast.Expr {
	lastCmp := false
	for *i < len(ops) {
		op := ops[*i]
		prec := precedence(op.op)
		if prec < minPrec {
			break
		}
		*i++
		if prec == precCompare && lastCmp {
			lp.errorf(op.pos, op.pos+token.Pos(len(op.op)), "syntax error: comparisons do not chain: write a < b && b < c")
		}
		lastCmp = prec == precCompare
		rhs := op.y
		for *i < len(ops) {
			next := precedence(ops[*i].op)
			if next > prec {
				rhs = lp.climb(rhs, ops, i, prec+1)
			} else if next == prec && op.op == "**" {
				rhs = lp.climb(rhs, ops, i, prec)
			} else {
				break
			}
		}
		lhs = &ast.BinaryExpr{X: lhs, OpPos: op.pos, Op: op.op, Y: rhs}
	}
	return lhs
}

// unary parses "!x" or an operand with its postfix operators.
func (lp *lineParser) unary() (ast.Expr, bool) {
	if t, ok := lp.accept("!"); ok {
		x, ok := required(lp, (*lineParser).unary, "")
		if !ok {
			return nil, false
		}
		return &ast.UnaryExpr{OpPos: t.Pos, Op: "!", X: x}, true
	}
	x, ok := lp.atom()
	if !ok {
		return nil, false
	}
	for lp.i < len(lp.toks) {
		at := lp.i
		y, ok := lp.postfix(x)
		if !ok {
			lp.i = at
			break
		}
		x = y
	}
	return x, true
}

// postfix parses one of ".member", ".method(args)", "[index]", "!" and
// "!N" after x.
func (lp *lineParser) postfix(x ast.Expr) (ast.Expr, bool) {
	t := lp.toks[lp.i]
	switch t.Text {
	case ".":
		lp.i++
		r, ok := required(lp, (*lineParser).ref, "")
		if !ok {
			return nil, false
		}
		return lp.refExpr(&ast.SelectorExpr{X: x, Sel: r.name}, r), true
	case "[":
		lp.i++
		index, ok := required(lp, (*lineParser).expr, "an expression")
		if !ok {
			return nil, false
		}
		rbrack, ok := lp.expect("]", true)
		if !ok {
			return nil, false
		}
		return &ast.IndexExpr{X: x, Lbrack: t.Pos, Index: index, Rbrack: rbrack.Pos}, true
	case "!":
		lp.i++
		b := &ast.BangExpr{X: x, Bang: t.Pos}
		if n := lp.peek(); n.Kind == token.Int {
			lp.i++
			b.Index = &ast.BasicLit{ValuePos: t.Pos + 1, Kind: ast.IntLit, Value: n.Text}
		}
		return b, true
	}
	return nil, false
}

// ref is a name that may be called: "x", "f(a)", "f{A}(a)"; after a dot,
// a field or a method.
type ref struct {
	name      *ast.Ident
	abilities []*ast.QualName
	call      bool
	lparen    token.Pos
	args      []ast.Expr
	end       token.Pos // end of the last token
}

func (lp *lineParser) ref() (ref, bool) {
	name, ok := lp.ident()
	if !ok {
		return ref{}, false
	}
	r := ref{name: name}
	r.abilities, _ = optional(lp, (*lineParser).abilities)
	if lparen, ok := lp.accept("("); ok {
		at := lp.i - 1
		args, _ := optional(lp, argList)
		if _, ok := lp.expect(")", true); ok {
			r.call, r.lparen, r.args = true, lparen.Pos, args
		} else {
			lp.i = at
		}
	}
	r.end = lp.end()
	return r, true
}

// refExpr makes the expression a ref stands for; fun is its name as an
// expression, an identifier or a selector.
func (lp *lineParser) refExpr(fun ast.Expr, r ref) ast.Expr {
	if !r.call {
		if len(r.abilities) > 0 {
			lp.errorf(fun.Pos(), r.end, "syntax error: abilities {...} must be followed by arguments (...)")
		}
		return fun
	}
	call := &ast.CallExpr{Fun: fun, Lparen: r.lparen, Args: r.args, Rparen: r.end - 1}
	if call.Args == nil {
		call.Args = []ast.Expr{}
	}
	for _, q := range r.abilities {
		var x ast.Expr = q.Parts[0]
		for _, part := range q.Parts[1:] {
			x = &ast.SelectorExpr{X: x, Sel: part}
		}
		call.Abilities = append(call.Abilities, x)
	}
	return call
}

func argList(lp *lineParser) ([]ast.Expr, bool) {
	return list(lp, (*lineParser).arg, "")
}

// arg parses an argument, which may be named: "x = 1" in a construction
// or a copy.
func (lp *lineParser) arg() (ast.Expr, bool) {
	key, _ := optional(lp, argKey)
	v, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	if key != nil {
		return &ast.KeyValueExpr{Key: key, Value: v}, true
	}
	return v, true
}

// argKey parses the "name =" of a named argument.
func argKey(lp *lineParser) (*ast.Ident, bool) {
	key, ok := lp.ident()
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect("=", true); !ok {
		return nil, false
	}
	return key, true
}

// atom parses an operand: a name or call, a literal, %init_peer_id%, a
// collection or a parenthesised expression.
func (lp *lineParser) atom() (ast.Expr, bool) {
	if lp.i >= len(lp.toks) {
		return nil, false
	}
	t := lp.toks[lp.i]
	switch {
	case t.Kind == token.Ident:
		r, _ := lp.ref()
		if name := r.name.Name; (name == "true" || name == "false") && !r.call && len(r.abilities) == 0 {
			return &ast.BasicLit{ValuePos: t.Pos, Kind: ast.BoolLit, Value: name}, true
		}
		return lp.refExpr(r.name, r), true
	case t.Kind == token.String:
		lp.i++
		return &ast.BasicLit{ValuePos: t.Pos, Kind: ast.StringLit, Value: t.Text}, true
	case t.Kind == token.Int, t.Kind == token.Float, t.Text == "-":
		return lp.number()
	case t.Kind == token.InitPeer:
		lp.i++
		return &ast.BasicLit{ValuePos: t.Pos, Kind: ast.InitPeerLit, Value: "%init_peer_id%"}, true
	case t.Text == "?", t.Text == "*", t.Text == "[":
		return lp.collection()
	case t.Text == "(":
		lp.i++
		x, ok := required(lp, (*lineParser).expr, "an expression")
		if !ok {
			return nil, false
		}
		rparen, ok := lp.expect(")", true)
		if !ok {
			return nil, false
		}
		return &ast.ParenExpr{Lparen: t.Pos, X: x, Rparen: rparen.Pos}, true
	}
	return nil, false
}

// number parses an integer or a float, possibly negative.
func (lp *lineParser) number() (ast.Expr, bool) {
	start := lp.toks[lp.i]
	sign := ""
	if _, ok := lp.accept("-"); ok {
		sign = "-"
	}
	t := lp.peek()
	var kind ast.LitKind
	switch t.Kind {
	case token.Int:
		kind = ast.IntLit
	case token.Float:
		kind = ast.FloatLit
	default:
		lp.want(lp.i, "a number")
		return nil, false
	}
	lp.i++
	return &ast.BasicLit{ValuePos: start.Pos, Kind: kind, Value: sign + t.Text}, true
}

// collection parses "[a, b]", "?[a]" or "*[a, b]".
func (lp *lineParser) collection() (ast.Expr, bool) {
	start := lp.toks[lp.i]
	c := &ast.CollectionLit{Start: start.Pos}
	switch start.Text {
	case "?":
		c.Kind = ast.OptionColl
		lp.i++
	case "*":
		c.Kind = ast.StreamColl
		lp.i++
	}
	if _, ok := lp.expect("[", false); !ok {
		return nil, false
	}
	c.Elems, _ = optional(lp, exprList)
	if c.Elems == nil {
		c.Elems = []ast.Expr{}
	}
	rbrack, ok := lp.expect("]", true)
	if !ok {
		return nil, false
	}
	c.Rbrack = rbrack.Pos
	return c, true
}
