package parser

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// lineParser parses the tokens of one logical line by recursive descent.
//
// The grammar is a parsing expression grammar: alternatives are tried in
// order and the first that matches wins, repetitions take as much as they
// can, and an optional part (or one more repetition) that starts to
// match but fails is undone as if it were absent. Productions return ok
// = false without reporting anything when they do not match; where a part
// is required, the caller records the failure with want.
//
// A line that does not parse is reported at its furthest failure, the
// point the parser could not get past by any route, as
// `unexpected token "x"` or `unexpected end of line`, followed by what
// had to come there when one thing names it: a kind of thing (a type, an
// expression, a name) or the punctuation that closes the construct.
type lineParser struct {
	file *token.File
	toks []token.Token
	i    int // the next token

	failAt   int    // index of the furthest failure; -1 if none
	failWant string // what was expected there; "" to say nothing

	// errs holds problems found in a line that parses (comparisons that
	// chain, say); they are reported only if the whole line parses, so a
	// broken line gets one message, its syntax error.
	errs diag.List
}

// parseLine runs prod over toks, which must all be consumed. On failure
// it reports the furthest failure as a syntax error of ln.
func parseLine[T any](p *parser, toks []token.Token, ln *line, prod func(*lineParser) (T, bool)) (T, bool) {
	lp := &p.lp
	lp.file, lp.toks, lp.i, lp.failAt, lp.failWant, lp.errs = p.file, toks, 0, -1, "", lp.errs[:0]
	v, ok := prod(lp)
	if ok && lp.i == len(toks) {
		p.errs = append(p.errs, lp.errs...)
		return v, true
	}
	if ok {
		lp.want(lp.i, "") // tokens left over
	} else {
		lp.want(0, "")
	}
	p.syntaxError(lp.failure(), ln)
	var zero T
	return zero, false
}

// want records that what was expected at token index at is missing.
// Later failures win ties: a construct records what it expects after
// the optional parts tried inside it have recorded theirs, and what it
// expects is what the line lacks.
func (lp *lineParser) want(at int, what string) {
	if at >= lp.failAt {
		lp.failAt, lp.failWant = at, what
	}
}

// failure describes the furthest failure.
func (lp *lineParser) failure() lineError {
	e := lineError{}
	if lp.failAt < len(lp.toks) {
		t := lp.toks[lp.failAt]
		e.pos, e.msg = t.Pos, fmt.Sprintf("unexpected token %q", t.Text)
	} else {
		e.pos, e.msg = lp.eol(), "unexpected end of line"
	}
	if lp.failWant != "" {
		e.msg += ": expected " + lp.failWant
	}
	return e
}

// lineError is a syntax error in a line.
type lineError struct {
	pos token.Pos
	msg string
}

// eol is the position of the end of the line: the end of its last token.
func (lp *lineParser) eol() token.Pos {
	if n := len(lp.toks); n > 0 {
		return lp.toks[n-1].End
	}
	return lp.file.Pos(lp.file.Size())
}

// errorf records a problem in a line that parses.
func (lp *lineParser) errorf(pos, end token.Pos, format string, args ...any) {
	lp.errs.Errorf(lp.file.Position(pos), lp.file.Position(end), format, args...)
}

// peek returns the next token; past the end it returns an EOF token.
func (lp *lineParser) peek() token.Token {
	if lp.i < len(lp.toks) {
		return lp.toks[lp.i]
	}
	return token.Token{Kind: token.EOF, Pos: lp.eol(), End: lp.eol()}
}

// is reports whether the next token is text. Keywords are not reserved,
// so "on" matches a name spelled on as well as the keyword.
func (lp *lineParser) is(text string) bool {
	return lp.i < len(lp.toks) && lp.toks[lp.i].Text == text
}

// accept consumes the next token if it is text.
func (lp *lineParser) accept(text string) (token.Token, bool) {
	if !lp.is(text) {
		return token.Token{}, false
	}
	return lp.next(), true
}

// expect consumes text, which the construct requires here. closes says
// whether text ends the construct, which makes it worth naming in the
// error when it is missing.
func (lp *lineParser) expect(text string, closes bool) (token.Token, bool) {
	t, ok := lp.accept(text)
	if !ok {
		what := ""
		if closes {
			what = `"` + text + `"`
		}
		lp.want(lp.i, what)
	}
	return t, ok
}

// end is the end of the last token consumed.
func (lp *lineParser) end() token.Pos { return lp.toks[lp.i-1].End }

// required runs a production for a part of a construct that must be
// there, recording what was wanted if it does not match.
func required[T any](lp *lineParser, prod func(*lineParser) (T, bool), what string) (T, bool) {
	at := lp.i
	v, ok := prod(lp)
	if !ok {
		lp.want(at, what)
	}
	return v, ok
}

// optional runs a production that may be absent: when it does not match,
// the tokens it read are given back.
func optional[T any](lp *lineParser, prod func(*lineParser) (T, bool)) (T, bool) {
	at := lp.i
	v, ok := prod(lp)
	if !ok {
		lp.i = at
	}
	return v, ok
}

// list parses "elem (, elem)*": one element, then one more after each
// comma that is followed by one. A comma without an element is left for
// the caller. what names the element for errors after a comma.
func list[T any](lp *lineParser, elem func(*lineParser) (T, bool), what string) ([]T, bool) {
	return separated(lp, ",", elem, what)
}

// separated parses elements separated by sep, as list does.
func separated[T any](lp *lineParser, sep string, elem func(*lineParser) (T, bool), what string) ([]T, bool) {
	first, ok := elem(lp)
	if !ok {
		return nil, false
	}
	out := []T{first}
	for lp.is(sep) {
		at := lp.i
		lp.i++
		v, ok := required(lp, elem, what)
		if !ok {
			lp.i = at
			break
		}
		out = append(out, v)
	}
	return out, true
}

// next consumes the next token, which the caller has looked at.
func (lp *lineParser) next() token.Token {
	lp.i++
	return lp.toks[lp.i-1]
}

// Names.

// ident parses a name: a variable, a function, a type, a keyword used
// as a name.
func (lp *lineParser) ident() (*ast.Ident, bool) {
	if lp.i >= len(lp.toks) || lp.toks[lp.i].Kind != token.Ident {
		return nil, false
	}
	t := lp.next()
	return &ast.Ident{NamePos: t.Pos, Name: t.Text}, true
}

// class parses a name that starts with a capital letter.
func (lp *lineParser) class() (*ast.Ident, bool) {
	if lp.i >= len(lp.toks) || !isClass(lp.toks[lp.i]) {
		return nil, false
	}
	return lp.ident()
}

// qual parses a dotted name such as Lib.Sub.Name.
func (lp *lineParser) qual() (*ast.QualName, bool) {
	return dotted(lp, (*lineParser).ident, "a name")
}

// dotted parses "part (. part)*".
func dotted(lp *lineParser, part func(*lineParser) (*ast.Ident, bool), what string) (*ast.QualName, bool) {
	parts, ok := separated(lp, ".", part, what)
	if !ok {
		return nil, false
	}
	return &ast.QualName{Parts: parts}, true
}

// str parses a string literal, such as an import path.
func (lp *lineParser) str() (*ast.BasicLit, bool) {
	if lp.i >= len(lp.toks) || lp.toks[lp.i].Kind != token.String {
		return nil, false
	}
	t := lp.next()
	return &ast.BasicLit{ValuePos: t.Pos, Kind: ast.StringLit, Value: t.Text}, true
}
