// Package parser builds Aqua syntax trees.
//
// Parsing has two layers. The lexer (package lexer) finds the logical lines
// and the blocks that indentation forms. Each logical line is then parsed
// on its own with a participle grammar (grammar.go), and the results are
// assembled into declarations and statement blocks. Because lines are
// independent, a syntax error costs one line: the parser reports it,
// records a Bad node and carries on, so one run reports every syntax error
// in a file and the tree it returns is as complete as the source allows.
package parser

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

func build[G any]() *participle.Parser[G] {
	return participle.MustBuild[G](
		participle.Lexer(definition{}),
		participle.UseLookahead(64),
	)
}

// ParseFile parses one Aqua source file registered in a FileSet. It always
// returns a tree, partial if the source has errors, and the diagnostics.
func ParseFile(f *token.File) (*ast.File, diag.List) {
	toks, errs := lexer.Lex(f)
	p := &parser{file: f, errs: errs}
	file := p.parseFile(toks)
	return file, p.errs
}

type parser struct {
	file *token.File
	errs diag.List
}

// line is one logical line and the lines indented under it.
type line struct {
	toks     []token.Token
	children []*line
}

func (l *line) pos() token.Pos { return l.toks[0].Pos }
func (l *line) end() token.Pos { return l.toks[len(l.toks)-1].End }

func (p *parser) errorf(pos, end token.Pos, format string, args ...any) {
	p.errs.Errorf(p.file.Position(pos), p.file.Position(end), format, args...)
}

func (p *parser) warnf(pos, end token.Pos, format string, args ...any) {
	p.errs.Warnf(p.file.Position(pos), p.file.Position(end), format, args...)
}

// lines groups tokens into the tree of logical lines.
func (p *parser) lines(toks []token.Token) []*line {
	var roots []*line
	stack := []*[]*line{&roots}
	var cur *line
	for _, t := range toks {
		top := stack[len(stack)-1]
		switch t.Kind {
		case token.Indent:
			if len(*top) == 0 {
				p.errorf(t.Pos, t.Pos, "unexpected indentation")
				stack = append(stack, top)
				continue
			}
			last := (*top)[len(*top)-1]
			stack = append(stack, &last.children)
		case token.Dedent:
			stack = stack[:len(stack)-1]
		case token.Newline:
			if cur != nil {
				*top = append(*top, cur)
				cur = nil
			}
		case token.EOF:
		default:
			if cur == nil {
				cur = &line{}
			}
			cur.toks = append(cur.toks, t)
		}
	}
	return roots
}

// parseToks runs one of the line grammars on tokens of the line ln.
func parseToks[G any](p *parser, gp *participle.Parser[G], toks []token.Token, ln *line) (*G, bool) {
	lex, err := plexer.Upgrade(&sliceLexer{file: p.file, toks: toks})
	if err == nil {
		var g *G
		if g, err = gp.ParseFromLexer(lex); err == nil {
			return g, true
		}
	}
	p.syntaxError(err, ln)
	return nil, false
}

// syntaxError turns a participle error into a diagnostic. A line that
// already has a lexical error (an unclosed bracket, say) gets no second
// report: one mistake, one message.
func (p *parser) syntaxError(err error, ln *line) {
	first, last := p.file.Position(ln.pos()).Line, p.file.Position(ln.end()).Line
	for _, d := range p.errs {
		if d.Pos.Filename == p.file.Name() && d.Pos.Line >= first && d.Pos.Line <= last {
			return
		}
	}
	pos, end := ln.pos(), ln.end()
	msg := err.Error()
	var perr participle.Error
	if errors.As(err, &perr) {
		msg = friendly(perr.Message())
		pos = p.file.Pos(perr.Position().Offset)
		end = pos + 1
		for _, t := range ln.toks {
			if t.Pos == pos {
				end = t.End
			}
		}
	}
	p.errorf(pos, end, "syntax error: %s", msg)
}

// expectWords names the grammar productions that can appear in
// participle's "expected" lists.
var expectWords = map[string]string{
	"GResType": "a type", "GType": "a type", "GBasicType": "a type", "GExpr": "an expression",
	"GIdent": "a name", "GClass": "a Class name", "GQual": "a name", "GString": "a quoted path",
	"GArrowSig": "(parameters)", "GParam": "name: Type",
}

// friendly rewrites participle's message in user terms: EOF is the end of
// the line, and the list of expected things is kept only when it is short
// enough to help (a single token or production).
func friendly(msg string) string {
	msg = strings.ReplaceAll(msg, `unexpected token "<EOF>"`, "unexpected end of line")
	head, expect, ok := strings.Cut(msg, " (expected ")
	if !ok {
		return msg
	}
	expect = strings.TrimSuffix(expect, ")")
	if w, ok := expectWords[expect]; ok {
		return head + ": expected " + w
	}
	if strings.Count(expect, `"`) == 2 && strings.HasPrefix(expect, `"`) && strings.HasSuffix(expect, `"`) {
		return head + ": expected " + expect
	}
	for _, fields := range strings.Fields(expect) {
		if w, ok := expectWords[strings.Trim(fields, "()*?")]; ok && fields == strings.Fields(expect)[0] {
			return head + ": expected " + w
		}
	}
	return head
}

// noChildren reports an indented block under a line that opens none.
func (p *parser) noChildren(ln *line) {
	if len(ln.children) > 0 {
		c := ln.children[0]
		p.errorf(c.pos(), c.end(), "unexpected indentation: only a line ending in ':' opens a block")
	}
}

func (p *parser) parseFile(toks []token.Token) *ast.File {
	f := &ast.File{Name: p.file.Name(), Start: p.file.Pos(0), Finish: p.file.Pos(p.file.Size())}
	for _, ln := range p.lines(toks) {
		tl, ok := p.topLineOf(ln)
		if !ok {
			f.Decls = append(f.Decls, &ast.BadDecl{From: ln.pos(), To: ln.end()})
			continue
		}
		p.topLine(f, tl, ln)
	}
	return f
}

func (p *parser) topLine(f *ast.File, tl *topLine, ln *line) {
	headerOK := func(what string) bool {
		if len(f.Decls) > 0 {
			p.errorf(ln.pos(), ln.end(), "%s must come before the declarations of the file", what)
			return false
		}
		return true
	}
	switch {
	case tl.Module != nil:
		p.noChildren(ln)
		m := p.module(tl.Module)
		switch {
		case f.Header != nil:
			p.errorf(ln.pos(), ln.end(), "duplicate module header (the first is at %s)", p.file.Position(f.Header.Pos()))
		case len(f.Imports) > 0 || len(f.Exports) > 0 || len(f.Decls) > 0:
			p.errorf(ln.pos(), ln.end(), "the module header must be the first line of the file")
		default:
			f.Header = m
		}
		if m.Deprecated {
			p.warnf(m.Keyword, m.Keyword+token.Pos(len("module")), "'module' is deprecated; write 'aqua %s'", m.Name)
		}
	case tl.Import != nil:
		p.noChildren(ln)
		if headerOK("import") {
			f.Imports = append(f.Imports, p.imp(tl.Import.Pos, tl.Import.Tokens, false, tl.Import.Items, tl.Import.Path, nil))
		}
	case tl.Use != nil:
		p.noChildren(ln)
		if headerOK("use") {
			f.Imports = append(f.Imports, p.imp(tl.Use.Pos, tl.Use.Tokens, true, tl.Use.Items, tl.Use.Path, tl.Use.As))
		}
	case tl.Export != nil:
		p.noChildren(ln)
		if headerOK("export") {
			f.Exports = append(f.Exports, &ast.Export{Keyword: p.pos(tl.Export.Pos), Items: p.items(tl.Export.Items)})
		}
	case tl.Data != nil:
		f.Decls = append(f.Decls, p.dataOrAbility(tl.Data, ln))
	case tl.Alias != nil:
		p.noChildren(ln)
		f.Decls = append(f.Decls, &ast.AliasDecl{Keyword: p.pos(tl.Alias.Pos), Name: p.ident(tl.Alias.Name), Type: p.typ(tl.Alias.Type)})
	case tl.Const != nil:
		p.noChildren(ln)
		f.Decls = append(f.Decls, &ast.ConstDecl{
			Keyword: p.pos(tl.Const.Pos), Name: p.ident(tl.Const.Name),
			Overridable: tl.Const.Op == "?=", Value: p.expr(tl.Const.Value),
		})
	case tl.Service != nil:
		f.Decls = append(f.Decls, p.service(tl.Service, ln))
	case tl.Func != nil:
		d := &ast.FuncDecl{Keyword: p.pos(tl.Func.Pos), Name: p.ident(tl.Func.Name), Type: p.sig(tl.Func.Sig)}
		d.Body = p.block(ln)
		f.Decls = append(f.Decls, d)
	}
}

func (p *parser) module(g *gModule) *ast.ModuleClause {
	return &ast.ModuleClause{
		Keyword:     p.pos(g.Pos),
		Deprecated:  g.Keyword == "module",
		Name:        p.qual(g.Name),
		DeclaresAll: g.All,
		Declares:    p.items(g.Declares),
		Finish:      p.tokensEnd(g.Tokens),
	}
}

func (p *parser) imp(pos plexer.Position, toks []plexer.Token, use bool, items []*gItem, path *gString, as *gQual) *ast.Import {
	im := &ast.Import{Keyword: p.pos(pos), Use: use, Items: p.items(items), Path: p.str(path), Finish: p.tokensEnd(toks)}
	if as != nil {
		im.As = p.qual(as)
	}
	return im
}

func (p *parser) items(gs []*gItem) []*ast.ImportItem {
	var out []*ast.ImportItem
	for _, g := range gs {
		it := &ast.ImportItem{Name: p.qual(g.Name)}
		if g.As != nil {
			it.As = p.ident(g.As)
		}
		out = append(out, it)
	}
	return out
}

func (p *parser) members(ln *line) (fields []*ast.Field, arrows []*ast.Field) {
	if len(ln.children) == 0 {
		p.errorf(ln.pos(), ln.end(), "block has no body: declare its members on indented lines")
	}
	for _, c := range ln.children {
		m, ok := p.memberLineOf(c)
		if !ok {
			continue
		}
		p.noChildren(c)
		if m.Arrow != nil {
			arrows = append(arrows, &ast.Field{Name: p.ident(m.Arrow.Name), Type: p.sig(m.Arrow.Sig)})
			continue
		}
		f := p.param(m.Field)
		if _, ok := f.Type.(*ast.ArrowType); ok {
			arrows = append(arrows, f)
		} else {
			fields = append(fields, f)
		}
	}
	return fields, arrows
}

func (p *parser) dataOrAbility(g *gBlockHd, ln *line) ast.Decl {
	fields, arrows := p.members(ln)
	if g.Keyword == "ability" {
		return &ast.AbilityDecl{Keyword: p.pos(g.Pos), Name: p.ident(g.Name), Fields: mergeByPos(fields, arrows)}
	}
	for _, a := range arrows {
		p.errorf(a.Pos(), a.End(), "data field %s cannot have an arrow type: data holds values only", a.Name.Name)
	}
	return &ast.DataDecl{Keyword: p.pos(g.Pos), Name: p.ident(g.Name), Fields: fields}
}

// mergeByPos merges two field lists that are each in source order.
func mergeByPos(a, b []*ast.Field) []*ast.Field {
	out := make([]*ast.Field, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || len(a) > 0 && a[0].Pos() < b[0].Pos() {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

func (p *parser) service(g *gService, ln *line) *ast.ServiceDecl {
	d := &ast.ServiceDecl{Keyword: p.pos(g.Pos), Name: p.ident(g.Name), Finish: p.tokensEnd(g.Tokens)}
	if g.ID != nil {
		d.DefaultID = p.expr(g.ID)
	}
	fields, arrows := p.members(ln)
	for _, f := range fields {
		p.errorf(f.Pos(), f.End(), "service member %s must be an arrow, like %s(arg: string) -> string", f.Name.Name, f.Name.Name)
	}
	d.Arrows = arrows
	return d
}

// sliceLexer feeds the tokens of one line to participle.
type sliceLexer struct {
	file *token.File
	toks []token.Token
	i    int
}

func (l *sliceLexer) Next() (plexer.Token, error) {
	if l.i >= len(l.toks) {
		end := l.file.Size()
		if n := len(l.toks); n > 0 {
			end = l.file.Offset(l.toks[n-1].End)
		}
		return plexer.EOFToken(position(l.file, l.file.Pos(end))), nil
	}
	t := l.toks[l.i]
	l.i++
	return plexer.Token{Type: tokenType(t), Value: t.Text, Pos: position(l.file, t.Pos)}, nil
}

func position(f *token.File, p token.Pos) plexer.Position {
	pos := f.Position(p)
	return plexer.Position{Filename: pos.Filename, Offset: pos.Offset, Line: pos.Line, Column: pos.Column}
}

// Participle token types for the Aqua token kinds.
const (
	ttName plexer.TokenType = -(iota + 2)
	ttClass
	ttInt
	ttFloat
	ttString
	ttInitPeer
	ttPunct
	ttIllegal
)

func tokenType(t token.Token) plexer.TokenType {
	switch t.Kind {
	case token.Ident:
		if c := t.Text[0]; c >= 'A' && c <= 'Z' {
			return ttClass
		}
		return ttName
	case token.Int:
		return ttInt
	case token.Float:
		return ttFloat
	case token.String:
		return ttString
	case token.InitPeer:
		return ttInitPeer
	case token.Punct:
		return ttPunct
	}
	return ttIllegal
}

// definition makes the Aqua lexer usable as a participle lexer. The
// parser feeds lines through sliceLexer; Lex exists so the grammar can also
// be exercised on whole inputs (layout tokens are dropped).
type definition struct{}

// Symbols returns a fresh map: the parsers are built during package
// initialisation, before any package-level map would be guaranteed to be.
func (definition) Symbols() map[string]plexer.TokenType {
	return map[string]plexer.TokenType{
		"EOF": plexer.EOF, "Name": ttName, "Class": ttClass, "Int": ttInt, "Float": ttFloat,
		"String": ttString, "InitPeer": ttInitPeer, "Punct": ttPunct, "Illegal": ttIllegal,
	}
}

func (definition) Lex(filename string, r io.Reader) (plexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	f := token.NewFileSet().AddFile(filename, src)
	toks, errs := lexer.Lex(f)
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("lex %s: %w", filename, err)
	}
	var real []token.Token
	for _, t := range toks {
		if t.Kind != token.Newline && t.Kind != token.Indent && t.Kind != token.Dedent && t.Kind != token.EOF {
			real = append(real, t)
		}
	}
	return &sliceLexer{file: f, toks: real}, nil
}

// ParseExpr parses a single expression, such as the value of a constant
// given on the command line ("NAME=value").
func ParseExpr(f *token.File) (ast.Expr, diag.List) {
	toks, errs := lexer.Lex(f)
	p := &parser{file: f, errs: errs}
	ln := &line{}
	for _, t := range toks {
		switch t.Kind {
		case token.Newline, token.Indent, token.Dedent, token.EOF:
		default:
			ln.toks = append(ln.toks, t)
		}
	}
	if len(ln.toks) == 0 {
		p.errorf(f.Pos(0), f.Pos(0), "empty expression")
		return &ast.BadExpr{From: f.Pos(0), To: f.Pos(0)}, p.errs
	}
	g, ok := parseToks(p, exprParser, ln.toks, ln)
	if !ok {
		return &ast.BadExpr{From: ln.pos(), To: ln.end()}, p.errs
	}
	return p.expr(g), p.errs
}
