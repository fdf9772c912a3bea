package parser

import (
	"slices"
	"strings"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// This file picks the grammar for a line, by the rules dispatch.go
// follows for the descent parser (written out again here, so that the
// tests hold the descent parser's choice to them too), and turns what
// the grammar parsed into the ast package's nodes: operator chains become binary trees, and positions
// become token.Pos values. What it builds for a line is what the descent
// parser builds for it before the lines under it are read: a header, a
// declaration without members or body, a member, a statement line, an
// expression.

// lineKind is where a line stands, which decides how it is read.
type lineKind int

const (
	kindTop    lineKind = iota // a header or the first line of a declaration
	kindMember                 // a line of a data, service or ability block
	kindStmt                   // a line of a function body
	kindExpr                   // an expression alone, as ParseExpr reads
)

func (k lineKind) String() string {
	return [...]string{"top-level line", "member line", "statement line", "expression"}[k]
}

// specParser reads lines with the grammar.
type specParser struct {
	file *token.File
	toks []token.Token // the line being read
	// errs holds problems found in lines that parse, such as comparisons
	// that chain.
	errs diag.List
}

// line parses the tokens of one line as a line of kind k.
func (s *specParser) line(toks []token.Token, k lineKind) (any, bool) {
	s.toks = toks
	switch k {
	case kindTop:
		return s.top(toks)
	case kindMember:
		return s.member(toks)
	case kindStmt:
		return s.stmt(toks)
	}
	return parseWith(s, exprParser, toks, s.expr)
}

// parseWith runs gp over all of toks and converts the result with conv.
func parseWith[G, T any](s *specParser, gp *participle.Parser[G], toks []token.Token, conv func(*G) T) (T, bool) {
	var zero T
	lex, err := plexer.Upgrade(&sliceLexer{file: s.file, toks: toks})
	if err != nil {
		return zero, false
	}
	g, err := gp.ParseFromLexer(lex)
	if err != nil {
		return zero, false
	}
	return conv(g), true
}

// top parses a top-level line by its first word.
func (s *specParser) top(toks []token.Token) (any, bool) {
	switch first := toks[0]; {
	case isWord(first, "aqua", "module"):
		return parseWith(s, moduleParser, toks, s.module)
	case isWord(first, "import"):
		return parseWith(s, importParser, toks, s.importLine)
	case isWord(first, "use"):
		return parseWith(s, useParser, toks, s.useLine)
	case isWord(first, "export"):
		return parseWith(s, exportParser, toks, s.export)
	case isWord(first, "data", "ability"):
		return parseWith(s, blockHdParser, toks, s.blockHead)
	case isWord(first, "alias"):
		return parseWith(s, aliasParser, toks, s.alias)
	case isWord(first, "const"):
		return parseWith(s, constParser, toks, s.constDecl)
	case isWord(first, "service"):
		return parseWith(s, serviceParser, toks, s.service)
	case isWord(first, "func"):
		return parseWith(s, funcParser, toks, s.funcHead)
	}
	return nil, false
}

// member parses a line of a data, service or ability block: an arrow
// "name(params) -> results" or a field "name: Type".
func (s *specParser) member(toks []token.Token) (*ast.Field, bool) {
	if len(toks) > 1 && isWord(toks[1], "(", "{") {
		return parseWith(s, arrowMemParser, toks, s.arrowMember)
	}
	return parseWith(s, paramParser, toks, s.param)
}

// stmt parses one statement: keywords decide at once; otherwise the
// punctuation at bracket depth zero tells a push (<<-), a declaration
// (name: T), an assignment or closure (name = ...), a call with results
// (a, b <- f()), a service id (Srv "id") and a plain call apart.
func (s *specParser) stmt(toks []token.Token) (stmtLine, bool) {
	first := toks[0]
	if len(toks) > 1 && first.Kind == token.Ident {
		// Keywords are contextual: "on = f()" assigns to a name on.
		switch {
		case isWord(toks[1], ":") && len(toks) > 2:
			return parseStmt(s, paramParser, toks, s.declStmt)
		case isWord(toks[1], "<<-"):
			return parseStmt(s, pushParser, toks, s.pushStmt)
		case isWord(toks[1], "="):
			if isWord(toks[len(toks)-1], ":") {
				return parseStmt(s, closureParser, toks, s.closureStmt)
			}
			return parseStmt(s, assignParser, toks, s.assignStmt)
		case isWord(toks[1], ",", "<-"):
			return parseStmt(s, arrowCallParser, toks, s.arrowCallStmt)
		}
	}
	switch {
	case isWord(first, "<-"):
		return parseStmt(s, returnParser, toks, s.returnStmt)
	case isWord(first, "on"):
		return parseStmt(s, onParser, toks, s.onStmt)
	case isWord(first, "par", "co"):
		if len(toks) == 1 {
			return stmtLine{}, false
		}
		inner, ok := s.stmt(toks[1:])
		if !ok {
			return stmtLine{}, false
		}
		if first.Text == "co" {
			return stmtLine{stmt: &ast.CoStmt{Co: first.Pos}, inner: &inner}, true
		}
		return stmtLine{stmt: &ast.ParStmt{Par: first.Pos}, inner: &inner}, true
	case isWord(first, "join"):
		return parseStmt(s, joinParser, toks, s.joinStmt)
	case isWord(first, "for"):
		return parseStmt(s, forParser, toks, s.forStmt)
	case isWord(first, "parseq"):
		return parseStmt(s, parseqParser, toks, s.parseqStmt)
	case isWord(first, "if"):
		return parseStmt(s, ifParser, toks, s.ifStmt)
	case isWord(first, "else", "otherwise"):
		return parseWith(s, clauseParser, toks, func(g *gClause) stmtLine { return stmtLine{clause: g.Kw} })
	case isWord(first, "try"):
		return parseStmt(s, tryParser, toks, s.tryStmt)
	case isWord(first, "catch"):
		return parseWith(s, catchParser, toks, s.catchLine)
	}
	if hasTopLevel(toks, "<-") {
		return parseStmt(s, arrowCallParser, toks, s.arrowCallStmt)
	}
	if isServiceID(toks) {
		return parseStmt(s, serviceIDParser, toks, s.serviceIDStmt)
	}
	return parseStmt(s, exprParser, toks, func(g *gExpr) ast.Stmt { return &ast.CallStmt{Call: s.expr(g)} })
}

// parseStmt parses a line that is a statement.
func parseStmt[G any](s *specParser, gp *participle.Parser[G], toks []token.Token, conv func(*G) ast.Stmt) (stmtLine, bool) {
	st, ok := parseWith(s, gp, toks, conv)
	return stmtLine{stmt: st}, ok
}

func (s *specParser) pos(p plexer.Position) token.Pos { return s.file.Pos(p.Offset) }

// tokensEnd returns where the last of a node's tokens ends in the
// source. That is not always its start and the length of its text: the
// lexer closes a string left open at the end of a line.
func (s *specParser) tokensEnd(toks []plexer.Token) token.Pos {
	last := s.pos(toks[len(toks)-1].Pos)
	i := slices.IndexFunc(s.toks, func(t token.Token) bool { return t.Pos == last })
	return s.toks[i].End
}

func (s *specParser) errorf(pos, end token.Pos, format string, args ...any) {
	s.errs.Errorf(s.file.Position(pos), s.file.Position(end), format, args...)
}

func (s *specParser) ident(g *gIdent) *ast.Ident {
	return &ast.Ident{NamePos: s.pos(g.Pos), Name: g.Name}
}

func (s *specParser) qual(g *gQual) *ast.QualName {
	q := &ast.QualName{}
	for _, part := range g.Parts {
		q.Parts = append(q.Parts, s.ident(part))
	}
	return q
}

func (s *specParser) classes(gs []*gClass) *ast.QualName {
	q := &ast.QualName{}
	for _, c := range gs {
		q.Parts = append(q.Parts, &ast.Ident{NamePos: s.pos(c.Pos), Name: c.Name})
	}
	return q
}

func (s *specParser) str(g *gString) *ast.BasicLit {
	return &ast.BasicLit{ValuePos: s.pos(g.Pos), Kind: ast.StringLit, Value: g.Value}
}

// Header lines and the first lines of declarations.

func (s *specParser) module(g *gModule) *ast.ModuleClause {
	return &ast.ModuleClause{
		Keyword:     s.pos(g.Pos),
		Deprecated:  g.Keyword == "module",
		Name:        s.qual(g.Name),
		DeclaresAll: g.All,
		Declares:    s.items(g.Declares),
		Finish:      s.tokensEnd(g.Tokens),
	}
}

func (s *specParser) importLine(g *gImport) *ast.Import {
	return &ast.Import{Keyword: s.pos(g.Pos), Items: s.items(g.Items), Path: s.str(g.Path), Finish: s.tokensEnd(g.Tokens)}
}

func (s *specParser) useLine(g *gUse) *ast.Import {
	im := &ast.Import{Keyword: s.pos(g.Pos), Use: true, Items: s.items(g.Items), Path: s.str(g.Path), Finish: s.tokensEnd(g.Tokens)}
	if g.As != nil {
		im.As = s.qual(g.As)
	}
	return im
}

func (s *specParser) items(gs []*gItem) []*ast.ImportItem {
	var out []*ast.ImportItem
	for _, g := range gs {
		it := &ast.ImportItem{Name: s.qual(g.Name)}
		if g.As != nil {
			it.As = s.ident(g.As)
		}
		out = append(out, it)
	}
	return out
}

func (s *specParser) export(g *gExport) *ast.Export {
	return &ast.Export{Keyword: s.pos(g.Pos), Items: s.items(g.Items)}
}

func (s *specParser) blockHead(g *gBlockHd) ast.Decl {
	if g.Keyword == "ability" {
		return &ast.AbilityDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name)}
	}
	return &ast.DataDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name)}
}

func (s *specParser) alias(g *gAlias) ast.Decl {
	return &ast.AliasDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name), Type: s.typ(g.Type)}
}

func (s *specParser) constDecl(g *gConst) ast.Decl {
	return &ast.ConstDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name), Overridable: g.Op == "?=", Value: s.expr(g.Value)}
}

func (s *specParser) service(g *gService) ast.Decl {
	d := &ast.ServiceDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name), Finish: s.tokensEnd(g.Tokens)}
	if g.ID != nil {
		d.DefaultID = s.expr(g.ID)
	}
	return d
}

func (s *specParser) funcHead(g *gFunc) ast.Decl {
	return &ast.FuncDecl{Keyword: s.pos(g.Pos), Name: s.ident(g.Name), Type: s.sig(g.Sig)}
}

func (s *specParser) arrowMember(g *gArrowMember) *ast.Field {
	return &ast.Field{Name: s.ident(g.Name), Type: s.sig(g.Sig)}
}

// Types.

func (s *specParser) sig(g *gArrowSig) *ast.ArrowType {
	t := &ast.ArrowType{Start: s.pos(g.Pos), Abilities: s.abilityTypes(g.Abilities), Finish: s.tokensEnd(g.Tokens)}
	for _, prm := range g.Params {
		t.Params = append(t.Params, s.param(prm))
	}
	for _, r := range g.Results {
		t.Results = append(t.Results, s.resType(r))
	}
	return t
}

func (s *specParser) abilityTypes(gs []*gQual) []*ast.NamedType {
	var out []*ast.NamedType
	for _, g := range gs {
		out = append(out, &ast.NamedType{Name: s.qual(g)})
	}
	return out
}

func (s *specParser) param(g *gParam) *ast.Field {
	return &ast.Field{Name: s.ident(g.Name), Type: s.resType(g.Type)}
}

func (s *specParser) resType(g *gResType) ast.Type {
	if g.Paren != nil {
		return s.typ(g.Paren)
	}
	return s.typ(g.Type)
}

func (s *specParser) typ(g *gType) ast.Type {
	if g.Basic != nil {
		return s.basicType(g.Basic)
	}
	a := g.Arrow
	t := &ast.ArrowType{Start: s.pos(a.Pos), Abilities: s.abilityTypes(a.Abilities), Finish: s.tokensEnd(a.Tokens)}
	for _, prm := range a.Params {
		t.Params = append(t.Params, &ast.Field{Type: s.basicType(prm)})
	}
	for _, r := range a.Results {
		t.Results = append(t.Results, s.resType(r))
	}
	return t
}

func (s *specParser) basicType(g *gBasicType) ast.Type {
	at := s.pos(g.Pos)
	switch {
	case g.Top, g.Bottom:
		return &ast.TopBottomType{At: at, Top: g.Top}
	case g.Array != nil:
		return &ast.ArrayType{Lbrack: at, Elem: s.basicType(g.Array)}
	case g.Option != nil:
		return &ast.OptionType{Quest: at, Elem: s.basicType(g.Option)}
	case g.Stream != nil:
		return &ast.StreamType{Star: at, Elem: s.basicType(g.Stream)}
	case g.Map != nil:
		return &ast.StreamMapType{Percent: at, Elem: s.basicType(g.Map)}
	case g.Scalar != nil:
		return &ast.NamedType{Name: &ast.QualName{Parts: []*ast.Ident{{NamePos: at, Name: g.Scalar.Name}}}}
	}
	return &ast.NamedType{Name: s.classes(g.Named)}
}

// Statements.

func (s *specParser) returnStmt(g *gReturn) ast.Stmt {
	return &ast.ReturnStmt{Arrow: s.pos(g.Pos), Results: s.exprs(g.Values)}
}

func (s *specParser) onStmt(g *gOn) ast.Stmt {
	return &ast.OnStmt{On: s.pos(g.Pos), Peer: s.expr(g.Peer), Via: s.exprs(g.Via)}
}

func (s *specParser) joinStmt(g *gJoin) ast.Stmt {
	return &ast.JoinStmt{Join: s.pos(g.Pos), Args: s.exprs(g.Args)}
}

func (s *specParser) forStmt(g *gFor) ast.Stmt {
	f := &ast.ForStmt{For: s.pos(g.Pos), Value: s.ident(g.First), Iter: s.expr(g.Iter)}
	if g.Value != nil {
		f.Key, f.Value = f.Value, s.ident(g.Value)
	}
	switch g.Mode {
	case "par":
		f.Mode = ast.ForPar
	case "try":
		f.Mode = ast.ForTry
	case "rec":
		f.Mode = ast.ForRec
	}
	return f
}

func (s *specParser) parseqStmt(g *gParseq) ast.Stmt {
	return &ast.ParSeqStmt{
		Parseq: s.pos(g.Pos), Value: s.ident(g.Value), Iter: s.expr(g.Iter),
		Peer: s.expr(g.Peer), Via: s.exprs(g.Via),
	}
}

func (s *specParser) ifStmt(g *gIf) ast.Stmt {
	return &ast.IfStmt{If: s.pos(g.Pos), Cond: s.expr(g.Cond)}
}

func (s *specParser) tryStmt(g *gTry) ast.Stmt {
	return &ast.TryStmt{Try: s.pos(g.Pos)}
}

func (s *specParser) catchLine(g *gCatch) stmtLine {
	return stmtLine{clause: "catch", catch: &ast.CatchClause{Catch: s.pos(g.Pos), Name: s.ident(g.Name)}}
}

func (s *specParser) declStmt(g *gParam) ast.Stmt {
	f := s.param(g)
	return &ast.DeclStmt{Name: f.Name, Type: f.Type}
}

func (s *specParser) pushStmt(g *gPush) ast.Stmt {
	p := &ast.PushStmt{Stream: s.ident(g.Stream), Arrow: s.pos(g.Arrow.Pos), Value: s.expr(g.First)}
	if g.Second != nil {
		p.Key, p.Value = p.Value, s.expr(g.Second)
	}
	return p
}

func (s *specParser) closureStmt(g *gClosure) ast.Stmt {
	name := s.ident(g.Name)
	fn := &ast.FuncLit{Start: name.NamePos, Detached: g.Detached, Type: s.sig(g.Sig)}
	return &ast.AssignStmt{Name: name, Value: fn}
}

func (s *specParser) assignStmt(g *gAssign) ast.Stmt {
	return &ast.AssignStmt{Name: s.ident(g.Name), Value: s.expr(g.Value)}
}

func (s *specParser) arrowCallStmt(g *gArrowCall) ast.Stmt {
	c := &ast.CallStmt{Arrow: s.pos(g.Arrow.Pos), Call: s.expr(g.Call)}
	for _, r := range g.Results {
		c.Results = append(c.Results, s.ident(r))
	}
	return c
}

func (s *specParser) serviceIDStmt(g *gServiceID) ast.Stmt {
	return &ast.ServiceIDStmt{Service: s.classes(g.Service), ID: s.expr(g.ID)}
}

// Expressions.

func (s *specParser) exprs(gs []*gExpr) []ast.Expr {
	out := make([]ast.Expr, 0, len(gs))
	for _, g := range gs {
		out = append(out, s.expr(g))
	}
	return out
}

func (s *specParser) expr(g *gExpr) ast.Expr {
	xs := []ast.Expr{s.unary(g.Left)}
	for _, op := range g.Rest {
		xs = append(xs, s.unary(op.Right))
	}
	return s.binary(xs, g.Rest)
}

// level is the precedence of a binary operator, loosest first.
func level(op string) int {
	for i, ops := range [...]string{"||", "&&", "== !=", "< <= > >=", "+ -", "* / %", "**"} {
		if slices.Contains(strings.Fields(ops), op) {
			return i
		}
	}
	panic("not a binary operator: " + op)
}

const levelCompare = 3 // < <= > >=

// binary builds the tree of xs[0] ops[0] xs[1] ... ops[n-1] xs[n]. The
// loosest operator applies last, so the tree splits there: at the last
// of them, as operators bind left to right, or at the first for **,
// which binds right to left. Comparisons do not chain: "a < b < c" is
// reported at the second "<".
func (s *specParser) binary(xs []ast.Expr, ops []*gBinOp) ast.Expr {
	if len(ops) == 0 {
		return xs[0]
	}
	at := 0
	for i, op := range ops {
		if l, loosest := level(op.Op), level(ops[at].Op); l < loosest || l == loosest && op.Op != "**" {
			at = i
		}
	}
	op := ops[at]
	x := s.binary(xs[:at+1], ops[:at])
	if level(op.Op) == levelCompare && slices.ContainsFunc(ops[:at], func(o *gBinOp) bool { return level(o.Op) == levelCompare }) {
		s.errorf(s.pos(op.Pos), s.pos(op.Pos)+token.Pos(len(op.Op)), "syntax error: comparisons do not chain: write a < b && b < c")
	}
	y := s.binary(xs[at+1:], ops[at+1:])
	return &ast.BinaryExpr{X: x, OpPos: s.pos(op.Pos), Op: op.Op, Y: y}
}

func (s *specParser) unary(g *gUnary) ast.Expr {
	if g.Not != nil {
		return &ast.UnaryExpr{OpPos: s.pos(g.Pos), Op: "!", X: s.unary(g.Not)}
	}
	x := s.atom(g.Postfix.Atom)
	for _, op := range g.Postfix.Ops {
		x = s.postOp(x, op)
	}
	return x
}

func (s *specParser) postOp(x ast.Expr, op *gPostOp) ast.Expr {
	end := s.tokensEnd(op.Tokens)
	switch {
	case op.Member != nil:
		return s.ref(&ast.SelectorExpr{X: x, Sel: s.ident(op.Member.Name)}, op.Member, end)
	case op.Index != nil:
		return &ast.IndexExpr{X: x, Lbrack: s.pos(op.Pos), Index: s.expr(op.Index), Rbrack: end - 1}
	}
	b := &ast.BangExpr{X: x, Bang: s.pos(op.Pos)}
	if op.BangN != nil {
		b.Index = &ast.BasicLit{ValuePos: b.Bang + 1, Kind: ast.IntLit, Value: *op.BangN}
	}
	return b
}

func (s *specParser) atom(g *gAtom) ast.Expr {
	at, end := s.pos(g.Pos), s.tokensEnd(g.Tokens)
	switch {
	case g.Ref != nil:
		if name := g.Ref.Name.Name; (name == "true" || name == "false") && g.Ref.Lparen == nil && len(g.Ref.Abilities) == 0 {
			return &ast.BasicLit{ValuePos: at, Kind: ast.BoolLit, Value: name}
		}
		return s.ref(s.ident(g.Ref.Name), g.Ref, end)
	case g.Lit != nil:
		return s.lit(g.Lit)
	case g.InitPeer:
		return &ast.BasicLit{ValuePos: at, Kind: ast.InitPeerLit, Value: "%init_peer_id%"}
	case g.Coll != nil:
		c := &ast.CollectionLit{Start: at, Elems: s.exprs(g.Coll.Elems), Rbrack: end - 1}
		switch g.Coll.Kind {
		case "?":
			c.Kind = ast.OptionColl
		case "*":
			c.Kind = ast.StreamColl
		}
		return c
	}
	return &ast.ParenExpr{Lparen: at, X: s.expr(g.Paren), Rparen: end - 1}
}

// ref converts a name or a call of it; fun is the name as an expression
// (an identifier, or a selector after a dot) and end where the operand
// ends.
func (s *specParser) ref(fun ast.Expr, g *gRef, end token.Pos) ast.Expr {
	if g.Lparen == nil {
		if len(g.Abilities) > 0 {
			s.errorf(fun.Pos(), end, "syntax error: abilities {...} must be followed by arguments (...)")
		}
		return fun
	}
	call := &ast.CallExpr{Fun: fun, Lparen: s.pos(g.Lparen.Pos), Args: make([]ast.Expr, 0, len(g.Args)), Rparen: end - 1}
	for _, q := range g.Abilities {
		var x ast.Expr = s.ident(q.Parts[0])
		for _, part := range q.Parts[1:] {
			x = &ast.SelectorExpr{X: x, Sel: s.ident(part)}
		}
		call.Abilities = append(call.Abilities, x)
	}
	for _, a := range g.Args {
		v := s.expr(a.Value)
		if a.Key != nil {
			v = &ast.KeyValueExpr{Key: s.ident(a.Key), Value: v}
		}
		call.Args = append(call.Args, v)
	}
	return call
}

func (s *specParser) lit(g *gLit) *ast.BasicLit {
	l := &ast.BasicLit{ValuePos: s.pos(g.Pos)}
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
