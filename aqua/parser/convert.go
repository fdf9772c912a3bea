package parser

import (
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// This file turns the grammar's parse structures into the ast package's
// nodes: operator chains become binary trees, and positions become
// token.Pos values.

func (p *parser) pos(pos plexer.Position) token.Pos { return p.file.Pos(pos.Offset) }

// tokensEnd returns the end of the last of a node's tokens.
func (p *parser) tokensEnd(toks []plexer.Token) token.Pos {
	if len(toks) == 0 {
		return token.NoPos
	}
	t := toks[len(toks)-1]
	return p.file.Pos(t.Pos.Offset + len(t.Value))
}

func (p *parser) ident(g *gIdent) *ast.Ident {
	return &ast.Ident{NamePos: p.pos(g.Pos), Name: g.Name}
}

func (p *parser) qual(g *gQual) *ast.QualName {
	q := &ast.QualName{}
	for _, part := range g.Parts {
		q.Parts = append(q.Parts, p.ident(part))
	}
	return q
}

func (p *parser) str(g *gString) *ast.BasicLit {
	return &ast.BasicLit{ValuePos: p.pos(g.Pos), Kind: ast.StringLit, Value: g.Value}
}

// Types.

func (p *parser) sig(g *gArrowSig) *ast.ArrowType {
	t := &ast.ArrowType{Start: p.pos(g.Pos), Finish: p.tokensEnd(g.Tokens)}
	for _, a := range g.Abilities {
		t.Abilities = append(t.Abilities, &ast.NamedType{Name: p.qual(a)})
	}
	for _, prm := range g.Params {
		t.Params = append(t.Params, p.param(prm))
	}
	for _, r := range g.Results {
		t.Results = append(t.Results, p.resType(r))
	}
	return t
}

func (p *parser) param(g *gParam) *ast.Field {
	return &ast.Field{Name: p.ident(g.Name), Type: p.resType(g.Type)}
}

func (p *parser) resType(g *gResType) ast.Type {
	if g.Paren != nil {
		return p.typ(g.Paren)
	}
	return p.typ(g.Type)
}

func (p *parser) typ(g *gType) ast.Type {
	if g.Basic != nil {
		return p.basicType(g.Basic)
	}
	a := g.Arrow
	t := &ast.ArrowType{Start: p.pos(a.Pos), Finish: p.tokensEnd(a.Tokens)}
	for _, ab := range a.Abilities {
		t.Abilities = append(t.Abilities, &ast.NamedType{Name: p.qual(ab)})
	}
	for _, prm := range a.Params {
		t.Params = append(t.Params, &ast.Field{Type: p.basicType(prm)})
	}
	for _, r := range a.Results {
		t.Results = append(t.Results, p.resType(r))
	}
	return t
}

func (p *parser) basicType(g *gBasicType) ast.Type {
	at := p.pos(g.Pos)
	switch {
	case g.Top, g.Bottom:
		return &ast.TopBottomType{At: at, Top: g.Top}
	case g.Array != nil:
		return &ast.ArrayType{Lbrack: at, Elem: p.basicType(g.Array)}
	case g.Option != nil:
		return &ast.OptionType{Quest: at, Elem: p.basicType(g.Option)}
	case g.Stream != nil:
		return &ast.StreamType{Star: at, Elem: p.basicType(g.Stream)}
	case g.Map != nil:
		return &ast.StreamMapType{Percent: at, Elem: p.basicType(g.Map)}
	case g.Scalar != nil:
		return &ast.NamedType{Name: &ast.QualName{Parts: []*ast.Ident{{NamePos: at, Name: g.Scalar.Name}}}}
	}
	q := &ast.QualName{}
	for _, c := range g.Named {
		q.Parts = append(q.Parts, &ast.Ident{NamePos: p.pos(c.Pos), Name: c.Name})
	}
	return &ast.NamedType{Name: q}
}

// Statements.

// block parses the lines under a block header. A header without an
// indented body is an error: Aqua has no empty blocks.
func (p *parser) block(ln *line) *ast.Block {
	b := &ast.Block{Colon: ln.toks[len(ln.toks)-1].Pos}
	if len(ln.children) == 0 {
		p.errorf(ln.pos(), ln.end(), "block has no body: indent its statements under this line")
		return b
	}
	for _, c := range ln.children {
		sl, ok := p.stmtLineOf(c.toks, c)
		if !ok {
			b.Stmts = append(b.Stmts, &ast.BadStmt{From: c.pos(), To: c.end()})
			continue
		}
		p.addStmt(b, sl, c)
	}
	return b
}

// addStmt converts a statement line and appends it to b, attaching else,
// catch and otherwise to the statement they continue.
func (p *parser) addStmt(b *ast.Block, sl *stmtLine, ln *line) {
	var prev ast.Stmt
	if n := len(b.Stmts); n > 0 {
		prev = b.Stmts[n-1]
	}
	switch {
	case sl.Else != nil:
		body := p.block(ln)
		if s, ok := prev.(*ast.IfStmt); ok && s.Else == nil {
			s.Else = body
			return
		}
		p.errorf(ln.pos(), ln.end(), "else without a preceding if")
	case sl.Catch != nil:
		cc := &ast.CatchClause{Catch: p.pos(sl.Catch.Pos), Name: p.ident(sl.Catch.Name), Body: p.block(ln)}
		if s, ok := prev.(*ast.TryStmt); ok && !s.Implicit && s.Catch == nil && s.Otherwise == nil {
			s.Catch = cc
			return
		}
		p.errorf(ln.pos(), ln.end(), "catch without a preceding try")
	case sl.Otherwise != nil:
		body := p.block(ln)
		if s, ok := prev.(*ast.TryStmt); ok && s.Otherwise == nil {
			s.Otherwise = body
			return
		}
		if prev == nil || isBad(prev) {
			if prev == nil {
				p.errorf(ln.pos(), ln.end(), "otherwise must follow the statement it guards")
			}
			return
		}
		b.Stmts[len(b.Stmts)-1] = &ast.TryStmt{
			Implicit:  true,
			Body:      &ast.Block{Colon: prev.Pos(), Stmts: []ast.Stmt{prev}},
			Otherwise: body,
		}
	default:
		b.Stmts = append(b.Stmts, p.stmt(sl, ln))
	}
}

func isBad(s ast.Stmt) bool {
	_, ok := s.(*ast.BadStmt)
	return ok
}

func (p *parser) stmt(sl *stmtLine, ln *line) ast.Stmt {
	switch {
	case sl.Return != nil:
		p.noChildren(ln)
		s := &ast.ReturnStmt{Arrow: p.pos(sl.Return.Pos)}
		for _, v := range sl.Return.Values {
			s.Results = append(s.Results, p.expr(v))
		}
		return s
	case sl.On != nil:
		return &ast.OnStmt{On: p.pos(sl.On.Pos), Peer: p.expr(sl.On.Peer), Via: p.exprs(sl.On.Via), Body: p.block(ln)}
	case sl.Par != nil:
		inner := p.stmt(sl.Par.Stmt, ln)
		if sl.Par.Keyword == "co" {
			return &ast.CoStmt{Co: p.pos(sl.Par.Pos), Stmt: inner}
		}
		return &ast.ParStmt{Par: p.pos(sl.Par.Pos), Stmt: inner}
	case sl.Join != nil:
		p.noChildren(ln)
		return &ast.JoinStmt{Join: p.pos(sl.Join.Pos), Args: p.exprs(sl.Join.Args)}
	case sl.For != nil:
		g := sl.For
		s := &ast.ForStmt{For: p.pos(g.Pos), Value: p.ident(g.First), Iter: p.expr(g.Iter)}
		if g.Value != nil {
			s.Key, s.Value = s.Value, p.ident(g.Value)
		}
		switch g.Mode {
		case "par":
			s.Mode = ast.ForPar
		case "try":
			s.Mode = ast.ForTry
		case "rec":
			s.Mode = ast.ForRec
		}
		s.Body = p.block(ln)
		return s
	case sl.Parseq != nil:
		g := sl.Parseq
		return &ast.ParSeqStmt{
			Parseq: p.pos(g.Pos), Value: p.ident(g.Value), Iter: p.expr(g.Iter),
			Peer: p.expr(g.Peer), Via: p.exprs(g.Via), Body: p.block(ln),
		}
	case sl.If != nil:
		return &ast.IfStmt{If: p.pos(sl.If.Pos), Cond: p.expr(sl.If.Cond), Body: p.block(ln)}
	case sl.Try != nil:
		return &ast.TryStmt{Try: p.pos(sl.Try.Pos), Body: p.block(ln)}
	case sl.Else != nil, sl.Catch != nil, sl.Otherwise != nil:
		// Only reachable after "par" or "co", which cannot prefix these.
		p.errorf(ln.pos(), ln.end(), "par and co cannot prefix else, catch or otherwise")
		return &ast.BadStmt{From: ln.pos(), To: ln.end()}
	case sl.Decl != nil:
		p.noChildren(ln)
		f := p.param(sl.Decl)
		return &ast.DeclStmt{Name: f.Name, Type: f.Type}
	case sl.Push != nil:
		p.noChildren(ln)
		g := sl.Push
		s := &ast.PushStmt{Stream: p.ident(g.Stream), Arrow: p.pos(g.Pos), Value: p.expr(g.First)}
		if g.Second != nil {
			s.Key, s.Value = s.Value, p.expr(g.Second)
		}
		return s
	case sl.Closure != nil:
		g := sl.Closure
		fn := &ast.FuncLit{Start: p.pos(g.Pos), Detached: g.Detached, Type: p.sig(g.Sig)}
		fn.Body = p.block(ln)
		return &ast.AssignStmt{Name: p.ident(g.Name), Value: fn}
	case sl.Assign != nil:
		p.noChildren(ln)
		return &ast.AssignStmt{Name: p.ident(sl.Assign.Name), Value: p.expr(sl.Assign.Value)}
	case sl.Arrow != nil:
		p.noChildren(ln)
		s := &ast.CallStmt{Arrow: p.pos(sl.Arrow.Pos), Call: p.expr(sl.Arrow.Call)}
		for _, r := range sl.Arrow.Results {
			s.Results = append(s.Results, p.ident(r))
		}
		return s
	case sl.ServiceID != nil:
		p.noChildren(ln)
		q := &ast.QualName{}
		for _, c := range sl.ServiceID.Service {
			q.Parts = append(q.Parts, &ast.Ident{NamePos: p.pos(c.Pos), Name: c.Name})
		}
		return &ast.ServiceIDStmt{Service: q, ID: p.expr(sl.ServiceID.ID)}
	default:
		p.noChildren(ln)
		return &ast.CallStmt{Call: p.expr(sl.Call)}
	}
}

// Expressions.

func (p *parser) exprs(gs []*gExpr) []ast.Expr {
	out := make([]ast.Expr, 0, len(gs))
	for _, g := range gs {
		out = append(out, p.expr(g))
	}
	return out
}

func (p *parser) binary(x ast.Expr, pos plexer.Position, op string, y ast.Expr) ast.Expr {
	return &ast.BinaryExpr{X: x, OpPos: p.pos(pos), Op: op, Y: y}
}

func (p *parser) expr(g *gExpr) ast.Expr {
	i := 0
	return p.climb(p.unary(g.Left), g.Rest, &i, 0)
}

// precedence of the binary operators, loosest first.
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
func (p *parser) climb(lhs ast.Expr, ops []*gBinOp, i *int, minPrec int) ast.Expr {
	lastCmp := false
	for *i < len(ops) {
		op := ops[*i]
		prec := precedence(op.Op)
		if prec < minPrec {
			break
		}
		*i++
		if prec == precCompare && lastCmp {
			p.errorf(p.pos(op.Pos), p.pos(op.Pos)+token.Pos(len(op.Op)),
				"syntax error: comparisons do not chain: write a < b && b < c")
		}
		lastCmp = prec == precCompare
		rhs := p.unary(op.Right)
		for *i < len(ops) {
			next := precedence(ops[*i].Op)
			if next > prec {
				rhs = p.climb(rhs, ops, i, prec+1)
			} else if next == prec && op.Op == "**" {
				rhs = p.climb(rhs, ops, i, prec)
			} else {
				break
			}
		}
		lhs = p.binary(lhs, op.Pos, op.Op, rhs)
	}
	return lhs
}

func (p *parser) unary(g *gUnary) ast.Expr {
	if g.Not != nil {
		return &ast.UnaryExpr{OpPos: p.pos(g.Pos), Op: "!", X: p.unary(g.Not)}
	}
	x := p.atom(g.Postfix.Atom)
	for _, op := range g.Postfix.Ops {
		x = p.postOp(x, op)
	}
	return x
}

func (p *parser) postOp(x ast.Expr, op *gPostOp) ast.Expr {
	end := p.tokensEnd(op.Tokens)
	switch {
	case op.Member != nil:
		return p.ref(&ast.SelectorExpr{X: x, Sel: p.ident(op.Member.Name)}, op.Member, end)
	case op.Index != nil:
		return &ast.IndexExpr{X: x, Lbrack: p.pos(op.Pos), Index: p.expr(op.Index), Rbrack: end - 1}
	}
	b := &ast.BangExpr{X: x, Bang: p.pos(op.Pos)}
	if op.BangN != nil {
		b.Index = &ast.BasicLit{ValuePos: b.Bang + 1, Kind: ast.IntLit, Value: *op.BangN}
	}
	return b
}

// lparen finds the first "(" among a node's tokens.
func (p *parser) lparen(toks []plexer.Token) token.Pos {
	for _, t := range toks {
		if t.Value == "(" {
			return p.pos(t.Pos)
		}
	}
	return token.NoPos
}

func (p *parser) abilityArgs(gs []*gQual) []ast.Expr {
	var out []ast.Expr
	for _, g := range gs {
		q := p.qual(g)
		var x ast.Expr = q.Parts[0]
		for _, part := range q.Parts[1:] {
			x = &ast.SelectorExpr{X: x, Sel: part}
		}
		out = append(out, x)
	}
	return out
}

func (p *parser) args(gs []*gArg) []ast.Expr {
	out := make([]ast.Expr, 0, len(gs))
	for _, g := range gs {
		v := p.expr(g.Value)
		if g.Key != nil {
			v = &ast.KeyValueExpr{Key: p.ident(g.Key), Value: v}
		}
		out = append(out, v)
	}
	return out
}

func (p *parser) atom(g *gAtom) ast.Expr {
	at := p.pos(g.Pos)
	end := p.tokensEnd(g.Tokens)
	switch {
	case g.Ref != nil:
		if name := g.Ref.Name.Name; (name == "true" || name == "false") && !g.Ref.Call && len(g.Ref.Abilities) == 0 {
			return &ast.BasicLit{ValuePos: at, Kind: ast.BoolLit, Value: name}
		}
		return p.ref(p.ident(g.Ref.Name), g.Ref, end)
	case g.Lit != nil:
		return p.lit(g.Lit)
	case g.InitPeer:
		return &ast.BasicLit{ValuePos: at, Kind: ast.InitPeerLit, Value: "%init_peer_id%"}
	case g.Coll != nil:
		c := &ast.CollectionLit{Start: at, Elems: p.exprs(g.Coll.Elems), Rbrack: end - 1}
		switch g.Coll.Kind {
		case "?":
			c.Kind = ast.OptionColl
		case "*":
			c.Kind = ast.StreamColl
		}
		return c
	}
	return &ast.ParenExpr{Lparen: at, X: p.expr(g.Paren), Rparen: end - 1}
}

// ref converts a name or a call of it; fun is the name as an expression
// (an identifier, or a selector after a dot) and end where the operand
// ends.
func (p *parser) ref(fun ast.Expr, g *gRef, end token.Pos) ast.Expr {
	if !g.Call {
		if len(g.Abilities) > 0 {
			p.errorf(fun.Pos(), end, "syntax error: abilities {...} must be followed by arguments (...)")
		}
		return fun
	}
	return &ast.CallExpr{
		Fun:       fun,
		Abilities: p.abilityArgs(g.Abilities),
		Lparen:    p.lparen(g.Tokens),
		Args:      p.args(g.Args),
		Rparen:    end - 1,
	}
}

func (p *parser) lit(g *gLit) *ast.BasicLit {
	l := &ast.BasicLit{ValuePos: p.pos(g.Pos)}
	sign := ""
	if g.Neg {
		sign = "-"
	}
	switch {
	case g.Int != nil:
		l.Kind, l.Value = ast.IntLit, sign+*g.Int
	case g.Float != nil:
		l.Kind, l.Value = ast.FloatLit, sign+*g.Float
	default:
		l.Kind, l.Value = ast.StringLit, *g.String
	}
	return l
}
