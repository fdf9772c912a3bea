package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// The first tokens of a line decide what kind of line it is (topLine,
// memberLineOf, stmtLineOf), so each line runs the one production for
// its kind. The same text means different things in different blocks:
// "f()" is a call in a function body but an arrow declaration in a
// service.

func isWord(t token.Token, words ...string) bool {
	if t.Kind != token.Ident && t.Kind != token.Punct {
		return false
	}
	for _, w := range words {
		if t.Text == w {
			return true
		}
	}
	return false
}

func quoteTok(t token.Token) string {
	return `"` + t.Text + `"`
}

// memberLineOf parses a line of a data, service or ability block: an arrow
// "name(params) -> results" or a field "name: Type".
func (p *parser) memberLineOf(ln *line) (*ast.Field, bool) {
	toks := ln.toks
	if len(toks) > 1 && isWord(toks[1], "(", "{") {
		return parseLine(p, toks, ln, (*lineParser).arrowMember)
	}
	return parseLine(p, toks, ln, (*lineParser).param)
}

// stmtLine is one parsed statement line: a statement, whose block (if it
// opens one) is parsed next, or a clause that continues the statement
// before it.
type stmtLine struct {
	// stmt is the statement. For "par S" and "co S" it is the ParStmt or
	// CoStmt, and inner is S.
	stmt  ast.Stmt
	inner *stmtLine
	// clause is "else", "catch" or "otherwise" for a line that continues
	// the statement before it; catch is the catch clause, still without
	// its body.
	clause string
	catch  *ast.CatchClause
}

// stmtOf parses a statement line with prod.
func (p *parser) stmtOf(toks []token.Token, ln *line, prod func(*lineParser) (ast.Stmt, bool)) (stmtLine, bool) {
	s, ok := parseLine(p, toks, ln, prod)
	return stmtLine{stmt: s}, ok
}

// stmtLineOf parses one statement: keywords decide at once; otherwise
// the punctuation at bracket depth zero tells a push (<<-), a declaration
// (name: T), an assignment or closure (name = ...), a call with results
// (a, b <- f()), a service id (Srv "id") and a plain call apart.
func (p *parser) stmtLineOf(toks []token.Token, ln *line) (stmtLine, bool) {
	first := toks[0]
	if len(toks) > 1 && first.Kind == token.Ident {
		// Keywords are contextual: "on = f()" assigns to a name on.
		switch {
		case isWord(toks[1], ":") && len(toks) > 2:
			return p.stmtOf(toks, ln, (*lineParser).declStmt)
		case isWord(toks[1], "<<-"):
			return p.stmtOf(toks, ln, (*lineParser).pushStmt)
		case isWord(toks[1], "="):
			if isWord(toks[len(toks)-1], ":") {
				return p.stmtOf(toks, ln, (*lineParser).closureStmt)
			}
			return p.stmtOf(toks, ln, (*lineParser).assignStmt)
		case isWord(toks[1], ",", "<-"):
			return p.stmtOf(toks, ln, (*lineParser).arrowCallStmt)
		}
	}
	switch {
	case isWord(first, "<-"):
		return p.stmtOf(toks, ln, (*lineParser).returnStmt)
	case isWord(first, "on"):
		return p.stmtOf(toks, ln, (*lineParser).onStmt)
	case isWord(first, "par", "co"):
		if len(toks) == 1 {
			p.errorf(first.End, first.End, "syntax error: unexpected end of line: expected a statement after %s", first.Text)
			return stmtLine{}, false
		}
		inner, ok := p.stmtLineOf(toks[1:], ln)
		if !ok {
			return stmtLine{}, false
		}
		if first.Text == "co" {
			return stmtLine{stmt: &ast.CoStmt{Co: first.Pos}, inner: &inner}, true
		}
		return stmtLine{stmt: &ast.ParStmt{Par: first.Pos}, inner: &inner}, true
	case isWord(first, "join"):
		return p.stmtOf(toks, ln, (*lineParser).joinStmt)
	case isWord(first, "for"):
		return p.stmtOf(toks, ln, (*lineParser).forStmt)
	case isWord(first, "parseq"):
		return p.stmtOf(toks, ln, (*lineParser).parseqStmt)
	case isWord(first, "if"):
		return p.stmtOf(toks, ln, (*lineParser).ifStmt)
	case isWord(first, "else", "otherwise"):
		return parseLine(p, toks, ln, (*lineParser).clauseLine)
	case isWord(first, "try"):
		return p.stmtOf(toks, ln, (*lineParser).tryStmt)
	case isWord(first, "catch"):
		return parseLine(p, toks, ln, (*lineParser).catchLine)
	}
	if hasTopLevel(toks, "<-") {
		return p.stmtOf(toks, ln, (*lineParser).arrowCallStmt)
	}
	if isServiceID(toks) {
		return p.stmtOf(toks, ln, (*lineParser).serviceIDStmt)
	}
	return p.stmtOf(toks, ln, (*lineParser).callStmt)
}

// hasTopLevel reports whether punctuation text occurs outside brackets.
func hasTopLevel(toks []token.Token, text string) bool {
	depth := 0
	for _, t := range toks {
		if t.Kind != token.Punct {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		default:
			if depth == 0 && t.Text == text {
				return true
			}
		}
	}
	return false
}

// isServiceID recognises "Srv id" and "Ab.Srv id": a dotted chain of
// Class names followed by something other than a call or member.
func isServiceID(toks []token.Token) bool {
	i := 0
	for {
		if i >= len(toks) || !isClass(toks[i]) {
			return false
		}
		i++
		if i < len(toks) && isWord(toks[i], ".") && i+1 < len(toks) && isClass(toks[i+1]) {
			i++
			continue
		}
		break
	}
	return i < len(toks) && !isWord(toks[i], "(", "{", ".", "[", "!")
}

func isClass(t token.Token) bool {
	return t.Kind == token.Ident && t.Text[0] >= 'A' && t.Text[0] <= 'Z'
}
