package parser

import (
	"github.com/alecthomas/participle/v2"

	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// One small participle parser per kind of line. The first tokens of a
// line choose among them (topLineOf, memberLineOf, stmtLineOf), so each
// line runs one grammar instead of trying every alternative in turn.
var (
	moduleParser    = build[gModule]()
	importParser    = build[gImport]()
	useParser       = build[gUse]()
	exportParser    = build[gExport]()
	blockHdParser   = build[gBlockHd]()
	aliasParser     = build[gAlias]()
	constParser     = build[gConst]()
	serviceParser   = build[gService]()
	funcParser      = build[gFunc]()
	arrowMemParser  = build[gArrowMember]()
	paramParser     = build[gParam]()
	returnParser    = build[gReturn]()
	onParser        = build[gOn]()
	joinParser      = build[gJoin]()
	forParser       = build[gFor]()
	parseqParser    = build[gParseq]()
	ifParser        = build[gIf]()
	elseParser      = build[gKeyword]()
	tryParser       = build[gTry]()
	catchParser     = build[gCatch]()
	otherwiseParser = build[gOtherwise]()
	pushParser      = build[gPush]()
	closureParser   = build[gClosure]()
	assignParser    = build[gAssign]()
	arrowCallParser = build[gArrowCall]()
	serviceIDParser = build[gServiceID]()
	exprParser      = build[gExpr]()
)

// into parses toks with gp and stores the result through set.
func into[G any](p *parser, gp *participle.Parser[G], toks []token.Token, ln *line, set func(*G)) bool {
	g, ok := parseToks(p, gp, toks, ln)
	if ok {
		set(g)
	}
	return ok
}

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

// topLineOf parses a top-level line by its first word.
func (p *parser) topLineOf(ln *line) (*topLine, bool) {
	tl := &topLine{}
	toks := ln.toks
	var ok bool
	switch first := toks[0]; {
	case isWord(first, "aqua", "module"):
		ok = into(p, moduleParser, toks, ln, func(g *gModule) { tl.Module = g })
	case isWord(first, "import"):
		ok = into(p, importParser, toks, ln, func(g *gImport) { tl.Import = g })
	case isWord(first, "use"):
		ok = into(p, useParser, toks, ln, func(g *gUse) { tl.Use = g })
	case isWord(first, "export"):
		ok = into(p, exportParser, toks, ln, func(g *gExport) { tl.Export = g })
	case isWord(first, "data", "ability"):
		ok = into(p, blockHdParser, toks, ln, func(g *gBlockHd) { tl.Data = g })
	case isWord(first, "alias"):
		ok = into(p, aliasParser, toks, ln, func(g *gAlias) { tl.Alias = g })
	case isWord(first, "const"):
		ok = into(p, constParser, toks, ln, func(g *gConst) { tl.Const = g })
	case isWord(first, "service"):
		ok = into(p, serviceParser, toks, ln, func(g *gService) { tl.Service = g })
	case isWord(first, "func"):
		ok = into(p, funcParser, toks, ln, func(g *gFunc) { tl.Func = g })
	default:
		p.errorf(first.Pos, first.End, "syntax error: unexpected %s: expected a declaration (func, service, data, ability, alias, const) or a header line (aqua, import, use, export)", quoteTok(first))
	}
	return tl, ok
}

func quoteTok(t token.Token) string {
	return `"` + t.Text + `"`
}

// memberLineOf parses a line of a data, service or ability block: an arrow
// "name(params) -> results" or a field "name: Type".
func (p *parser) memberLineOf(ln *line) (*memberLine, bool) {
	m := &memberLine{}
	toks := ln.toks
	if len(toks) > 1 && isWord(toks[1], "(", "{") {
		return m, into(p, arrowMemParser, toks, ln, func(g *gArrowMember) { m.Arrow = g })
	}
	return m, into(p, paramParser, toks, ln, func(g *gParam) { m.Field = g })
}

// stmtLineOf parses one statement: keywords decide at once; otherwise
// the punctuation at bracket depth zero tells a push (<<-), a declaration
// (name: T), an assignment or closure (name = ...), a call with results
// (a, b <- f()), a service id (Srv "id") and a plain call apart.
func (p *parser) stmtLineOf(toks []token.Token, ln *line) (*stmtLine, bool) {
	sl := &stmtLine{}
	first := toks[0]
	if len(toks) > 1 && first.Kind == token.Ident {
		// Keywords are contextual: "on = f()" assigns to a name on.
		switch {
		case isWord(toks[1], ":") && len(toks) > 2:
			return sl, into(p, paramParser, toks, ln, func(g *gParam) { sl.Decl = g })
		case isWord(toks[1], "<<-"):
			return sl, into(p, pushParser, toks, ln, func(g *gPush) { sl.Push = g })
		case isWord(toks[1], "="):
			if isWord(toks[len(toks)-1], ":") {
				return sl, into(p, closureParser, toks, ln, func(g *gClosure) { sl.Closure = g })
			}
			return sl, into(p, assignParser, toks, ln, func(g *gAssign) { sl.Assign = g })
		case isWord(toks[1], ",", "<-"):
			return sl, into(p, arrowCallParser, toks, ln, func(g *gArrowCall) { sl.Arrow = g })
		}
	}
	switch {
	case isWord(first, "<-"):
		return sl, into(p, returnParser, toks, ln, func(g *gReturn) { sl.Return = g })
	case isWord(first, "on"):
		return sl, into(p, onParser, toks, ln, func(g *gOn) { sl.On = g })
	case isWord(first, "par", "co"):
		if len(toks) == 1 {
			p.errorf(first.End, first.End, "syntax error: unexpected end of line: expected a statement after %s", first.Text)
			return sl, false
		}
		inner, ok := p.stmtLineOf(toks[1:], ln)
		if ok {
			sl.Par = &gPrefixed{Pos: position(p.file, first.Pos), Keyword: first.Text, Stmt: inner}
		}
		return sl, ok
	case isWord(first, "join"):
		return sl, into(p, joinParser, toks, ln, func(g *gJoin) { sl.Join = g })
	case isWord(first, "for"):
		return sl, into(p, forParser, toks, ln, func(g *gFor) { sl.For = g })
	case isWord(first, "parseq"):
		return sl, into(p, parseqParser, toks, ln, func(g *gParseq) { sl.Parseq = g })
	case isWord(first, "if"):
		return sl, into(p, ifParser, toks, ln, func(g *gIf) { sl.If = g })
	case isWord(first, "else"):
		return sl, into(p, elseParser, toks, ln, func(g *gKeyword) { sl.Else = g })
	case isWord(first, "try"):
		return sl, into(p, tryParser, toks, ln, func(g *gTry) { sl.Try = g })
	case isWord(first, "catch"):
		return sl, into(p, catchParser, toks, ln, func(g *gCatch) { sl.Catch = g })
	case isWord(first, "otherwise"):
		return sl, into(p, otherwiseParser, toks, ln, func(g *gOtherwise) { sl.Otherwise = g })
	}
	if hasTopLevel(toks, "<-") {
		return sl, into(p, arrowCallParser, toks, ln, func(g *gArrowCall) { sl.Arrow = g })
	}
	if isServiceID(toks) {
		return sl, into(p, serviceIDParser, toks, ln, func(g *gServiceID) { sl.ServiceID = g })
	}
	return sl, into(p, exprParser, toks, ln, func(g *gExpr) { sl.Call = g })
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
