// Package parser builds Aqua syntax trees.
//
// Parsing has two layers. The lexer (package lexer) finds the logical lines
// and the blocks that indentation forms. Each logical line is then parsed
// on its own by a hand-written recursive-descent parser (line.go), and the
// results are assembled into declarations and statement blocks. Because
// lines are independent, a syntax error costs one line: the parser reports
// it, records a Bad node and carries on, so one run reports every syntax
// error in a file and the tree it returns is as complete as the source
// allows.
//
// The line grammar is written twice. Its specification is a participle
// grammar kept in this package's tests (grammar_test.go, with
// convert_test.go building the same trees from it): one small struct per
// construct, read like the language reference. What runs is the descent
// parser, because it builds those trees fifteen to twenty times faster
// with a twentieth of the allocations: BenchmarkParseFile against
// BenchmarkParseFileParticiple on testdata/program.aqua measured
// 38-62 µs, 27 KB and 407 allocations against 0.77-1.46 ms, 668 KB and
// 8,144 allocations (ranges over several runs on two shared cores). When
// participle was the parser, the front end took 180-280 ms on a
// 5,000-line file (BenchmarkCheck5000Lines in aqua/codegen), over the
// 200 ms the compiler promises; it takes about 8 ms now.
//
// TestParserMatchesGrammar reads every .aqua file of the repository with
// both, and FuzzParserMatchesGrammar any input, each line as every kind
// of line (top-level, member, statement, expression): both must accept
// the same lines and build the same trees, positions included. Only their
// syntax error messages differ, as the descent parser reports the
// furthest point no reading of a line gets past. A change to the language
// goes into the grammar first, then into the descent parser until the
// two agree again.
package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// ParseFile parses one Aqua source file registered in a FileSet. It always
// returns a tree, partial if the source has errors, and the diagnostics.
func ParseFile(f *token.File) (*ast.File, diag.List) {
	return ParsePart(f, false)
}

// ParsePart parses f as a part of a longer file, one that starts at a
// line lexer.TopLines returns; more says that another such part
// follows. A part that holds one top-level declaration parses to the
// declaration and the diagnostics the whole file has there, as a
// declaration's line and the lines under it are parsed without looking
// at the rest of the file.
func ParsePart(f *token.File, more bool) (*ast.File, diag.List) {
	toks, errs := lexer.LexPart(f, more)
	p := &parser{file: f, errs: errs}
	file := p.parseFile(toks)
	return file, p.errs
}

type parser struct {
	file *token.File
	errs diag.List
	lp   lineParser // reused for every line
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

// lines groups tokens into the tree of logical lines. The lexer keeps
// the tokens of a logical line together, ended by a Newline, so each
// line is a slice of toks.
func (p *parser) lines(toks []token.Token) []*line {
	var roots []*line
	stack := []*[]*line{&roots}
	start := -1 // the first token of the current line
	for i, t := range toks {
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
			if start >= 0 {
				*top = append(*top, &line{toks: toks[start:i:i]})
				start = -1
			}
		case token.EOF:
		default:
			if start < 0 {
				start = i
			}
		}
	}
	return roots
}

// syntaxError reports a line that does not parse. A line that already
// has a lexical error (an unclosed bracket, say) gets no second report:
// one mistake, one message.
func (p *parser) syntaxError(e lineError, ln *line) {
	first, last := p.file.Position(ln.pos()).Line, p.file.Position(ln.end()).Line
	for _, d := range p.errs {
		if d.Pos.Filename == p.file.Name() && d.Pos.Line >= first && d.Pos.Line <= last {
			return
		}
	}
	end := e.pos + 1
	for _, t := range ln.toks {
		if t.Pos == e.pos {
			end = t.End
		}
	}
	p.errorf(e.pos, end, "syntax error: %s", e.msg)
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
		if !p.topLine(f, ln) {
			f.Decls = append(f.Decls, &ast.BadDecl{From: ln.pos(), To: ln.end()})
		}
	}
	return f
}

// topLine parses a top-level line, by its first word, and the lines
// under it. It reports false if the line itself does not parse; the
// lines under such a line are not looked at.
func (p *parser) topLine(f *ast.File, ln *line) bool {
	headerOK := func(what string) bool {
		if len(f.Decls) > 0 {
			p.errorf(ln.pos(), ln.end(), "%s must come before the declarations of the file", what)
			return false
		}
		return true
	}
	switch first := ln.toks[0]; {
	case isWord(first, "aqua", "module"):
		m, ok := parseLine(p, ln.toks, ln, (*lineParser).module)
		if !ok {
			return false
		}
		p.noChildren(ln)
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
	case isWord(first, "import", "use"):
		prod := (*lineParser).importLine
		if first.Text == "use" {
			prod = (*lineParser).useLine
		}
		im, ok := parseLine(p, ln.toks, ln, prod)
		if !ok {
			return false
		}
		p.noChildren(ln)
		if headerOK(first.Text) {
			f.Imports = append(f.Imports, im)
		}
	case isWord(first, "export"):
		ex, ok := parseLine(p, ln.toks, ln, (*lineParser).export)
		if !ok {
			return false
		}
		p.noChildren(ln)
		if headerOK("export") {
			f.Exports = append(f.Exports, ex)
		}
	case isWord(first, "data", "ability"):
		h, ok := parseLine(p, ln.toks, ln, (*lineParser).blockHead)
		if !ok {
			return false
		}
		f.Decls = append(f.Decls, p.dataOrAbility(h, ln))
	case isWord(first, "alias", "const"):
		prod := (*lineParser).alias
		if first.Text == "const" {
			prod = (*lineParser).constDecl
		}
		d, ok := parseLine(p, ln.toks, ln, prod)
		if !ok {
			return false
		}
		p.noChildren(ln)
		f.Decls = append(f.Decls, d)
	case isWord(first, "service"):
		d, ok := parseLine(p, ln.toks, ln, (*lineParser).service)
		if !ok {
			return false
		}
		fields, arrows := p.members(ln)
		for _, f := range fields {
			p.errorf(f.Pos(), f.End(), "service member %s must be an arrow, like %s(arg: string) -> string", f.Name.Name, f.Name.Name)
		}
		d.Arrows = arrows
		f.Decls = append(f.Decls, d)
	case isWord(first, "func"):
		d, ok := parseLine(p, ln.toks, ln, (*lineParser).funcHead)
		if !ok {
			return false
		}
		d.Body = p.block(ln)
		f.Decls = append(f.Decls, d)
	default:
		p.errorf(first.Pos, first.End, "syntax error: unexpected %s: expected a declaration (func, service, data, ability, alias, const) or a header line (aqua, import, use, export)", quoteTok(first))
		return false
	}
	return true
}

// members parses the lines of a data, service or ability block.
func (p *parser) members(ln *line) (fields []*ast.Field, arrows []*ast.Field) {
	if len(ln.children) == 0 {
		p.errorf(ln.pos(), ln.end(), "block has no body: declare its members on indented lines")
	}
	for _, c := range ln.children {
		f, ok := p.memberLineOf(c)
		if !ok {
			continue
		}
		p.noChildren(c)
		if _, ok := f.Type.(*ast.ArrowType); ok {
			arrows = append(arrows, f)
		} else {
			fields = append(fields, f)
		}
	}
	return fields, arrows
}

func (p *parser) dataOrAbility(h blockHead, ln *line) ast.Decl {
	fields, arrows := p.members(ln)
	if h.keyword.Text == "ability" {
		return &ast.AbilityDecl{Keyword: h.keyword.Pos, Name: h.name, Fields: mergeByPos(fields, arrows)}
	}
	for _, a := range arrows {
		p.errorf(a.Pos(), a.End(), "data field %s cannot have an arrow type: data holds values only", a.Name.Name)
	}
	return &ast.DataDecl{Keyword: h.keyword.Pos, Name: h.name, Fields: fields}
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

// addStmt finishes a statement line and appends it to b, attaching else,
// catch and otherwise to the statement they continue.
func (p *parser) addStmt(b *ast.Block, sl stmtLine, ln *line) {
	var prev ast.Stmt
	if n := len(b.Stmts); n > 0 {
		prev = b.Stmts[n-1]
	}
	switch sl.clause {
	case "else":
		body := p.block(ln)
		if s, ok := prev.(*ast.IfStmt); ok && s.Else == nil {
			s.Else = body
			return
		}
		p.errorf(ln.pos(), ln.end(), "else without a preceding if")
	case "catch":
		cc := sl.catch
		cc.Body = p.block(ln)
		if s, ok := prev.(*ast.TryStmt); ok && !s.Implicit && s.Catch == nil && s.Otherwise == nil {
			s.Catch = cc
			return
		}
		p.errorf(ln.pos(), ln.end(), "catch without a preceding try")
	case "otherwise":
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
		b.Stmts = append(b.Stmts, p.finish(sl, ln))
	}
}

func isBad(s ast.Stmt) bool {
	_, ok := s.(*ast.BadStmt)
	return ok
}

// finish completes a parsed statement with the block under its line, or
// reports a block under a line that opens none.
func (p *parser) finish(sl stmtLine, ln *line) ast.Stmt {
	switch s := sl.stmt.(type) {
	case nil:
		// Only reachable after "par" or "co", which cannot prefix these.
		p.errorf(ln.pos(), ln.end(), "par and co cannot prefix else, catch or otherwise")
		return &ast.BadStmt{From: ln.pos(), To: ln.end()}
	case *ast.ParStmt:
		s.Stmt = p.finish(*sl.inner, ln)
	case *ast.CoStmt:
		s.Stmt = p.finish(*sl.inner, ln)
	case *ast.OnStmt:
		s.Body = p.block(ln)
	case *ast.ForStmt:
		s.Body = p.block(ln)
	case *ast.ParSeqStmt:
		s.Body = p.block(ln)
	case *ast.IfStmt:
		s.Body = p.block(ln)
	case *ast.TryStmt:
		s.Body = p.block(ln)
	case *ast.AssignStmt:
		if fn, ok := s.Value.(*ast.FuncLit); ok {
			fn.Body = p.block(ln)
		} else {
			p.noChildren(ln)
		}
	default:
		p.noChildren(ln)
	}
	return sl.stmt
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
	x, ok := parseLine(p, ln.toks, ln, (*lineParser).expr)
	if !ok {
		return &ast.BadExpr{From: ln.pos(), To: ln.end()}, p.errs
	}
	return x, p.errs
}
