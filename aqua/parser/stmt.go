package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Statement lines. Each production parses one line; a statement that
// opens a block gets its Body when the lines under it are parsed
// (parser.finish).

func (lp *lineParser) returnStmt() (ast.Stmt, bool) {
	arrow, results, ok := lp.keywordExprs()
	if !ok {
		return nil, false
	}
	return &ast.ReturnStmt{Arrow: arrow.Pos, Results: results}, true
}

// keywordExprs parses a keyword and the expressions after it, as in
// "<- a, b" and "join a, b".
func (lp *lineParser) keywordExprs() (token.Token, []ast.Expr, bool) {
	kw := lp.next()
	xs, ok := required(lp, exprList, "an expression")
	return kw, xs, ok
}

// onStmt parses "on peer via r1 via r2:".
func (lp *lineParser) onStmt() (ast.Stmt, bool) {
	kw := lp.next()
	peer, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	via := lp.via()
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	return &ast.OnStmt{On: kw.Pos, Peer: peer, Via: via}, true
}

// via parses any number of "via relay".
func (lp *lineParser) via() []ast.Expr {
	out := []ast.Expr{}
	for lp.is("via") {
		at := lp.i
		lp.i++
		r, ok := required(lp, (*lineParser).expr, "an expression")
		if !ok {
			lp.i = at
			break
		}
		out = append(out, r)
	}
	return out
}

func (lp *lineParser) joinStmt() (ast.Stmt, bool) {
	kw, args, ok := lp.keywordExprs()
	if !ok {
		return nil, false
	}
	return &ast.JoinStmt{Join: kw.Pos, Args: args}, true
}

// forStmt parses "for x <- xs par:" or "for k, v <- m:".
func (lp *lineParser) forStmt() (ast.Stmt, bool) {
	kw := lp.next()
	first, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	s := &ast.ForStmt{For: kw.Pos, Value: first}
	if second, ok := optional(lp, commaIdent); ok {
		s.Key, s.Value = first, second
	}
	if _, ok := lp.expect("<-", false); !ok {
		return nil, false
	}
	if s.Iter, ok = required(lp, (*lineParser).expr, "an expression"); !ok {
		return nil, false
	}
	switch lp.peek().Text {
	case "par":
		s.Mode = ast.ForPar
	case "try":
		s.Mode = ast.ForTry
	case "rec":
		s.Mode = ast.ForRec
	}
	if s.Mode != ast.ForSeq {
		lp.i++
	}
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	return s, true
}

// commaIdent parses ", name".
func commaIdent(lp *lineParser) (*ast.Ident, bool) {
	if _, ok := lp.accept(","); !ok {
		return nil, false
	}
	return required(lp, (*lineParser).ident, "a name")
}

// parseqStmt parses "parseq x <- xs on peer via r:".
func (lp *lineParser) parseqStmt() (ast.Stmt, bool) {
	kw := lp.next()
	s := &ast.ParSeqStmt{Parseq: kw.Pos}
	var ok bool
	if s.Value, ok = required(lp, (*lineParser).ident, "a name"); !ok {
		return nil, false
	}
	if _, ok := lp.expect("<-", false); !ok {
		return nil, false
	}
	if s.Iter, ok = required(lp, (*lineParser).expr, "an expression"); !ok {
		return nil, false
	}
	if _, ok := lp.expect("on", false); !ok {
		return nil, false
	}
	if s.Peer, ok = required(lp, (*lineParser).expr, "an expression"); !ok {
		return nil, false
	}
	s.Via = lp.via()
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	return s, true
}

func (lp *lineParser) ifStmt() (ast.Stmt, bool) {
	kw := lp.next()
	cond, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	return &ast.IfStmt{If: kw.Pos, Cond: cond}, true
}

func (lp *lineParser) tryStmt() (ast.Stmt, bool) {
	kw, ok := lp.keywordColon()
	if !ok {
		return nil, false
	}
	return &ast.TryStmt{Try: kw.Pos}, true
}

// keywordColon parses a keyword alone before a colon: "else:", "try:",
// "otherwise:".
func (lp *lineParser) keywordColon() (token.Token, bool) {
	kw := lp.next()
	_, ok := lp.expect(":", true)
	return kw, ok
}

// clauseLine parses "else:" or "otherwise:", which continue the statement
// before them.
func (lp *lineParser) clauseLine() (stmtLine, bool) {
	kw, ok := lp.keywordColon()
	if !ok {
		return stmtLine{}, false
	}
	return stmtLine{clause: kw.Text}, true
}

// catchLine parses "catch e:".
func (lp *lineParser) catchLine() (stmtLine, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return stmtLine{}, false
	}
	if _, ok := lp.expect(":", true); !ok {
		return stmtLine{}, false
	}
	return stmtLine{clause: "catch", catch: &ast.CatchClause{Catch: kw.Pos, Name: name}}, true
}

// pushStmt parses "s <<- v" or "m <<- k, v".
func (lp *lineParser) pushStmt() (ast.Stmt, bool) {
	stream, _ := lp.ident()
	arrow, ok := lp.expect("<<-", false)
	if !ok {
		return nil, false
	}
	first, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	s := &ast.PushStmt{Stream: stream, Arrow: arrow.Pos, Value: first}
	if second, ok := optional(lp, commaExpr); ok {
		s.Key, s.Value = first, second
	}
	return s, true
}

// commaExpr parses ", expr".
func commaExpr(lp *lineParser) (ast.Expr, bool) {
	if _, ok := lp.accept(","); !ok {
		return nil, false
	}
	return required(lp, (*lineParser).expr, "an expression")
}

// closureStmt parses "f = (a: A) -> R:" or "f = func (a: A) -> R:"; the
// closure's body is the block under it.
func (lp *lineParser) closureStmt() (ast.Stmt, bool) {
	name, _ := lp.ident()
	if _, ok := lp.expect("=", false); !ok {
		return nil, false
	}
	_, detached := lp.accept("func")
	sig, ok := required(lp, (*lineParser).sig, "(parameters)")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	// A closure starts at the name it is given, so that what is said
	// about it points there.
	fn := &ast.FuncLit{Start: name.Pos(), Detached: detached, Type: sig}
	return &ast.AssignStmt{Name: name, Value: fn}, true
}

func (lp *lineParser) assignStmt() (ast.Stmt, bool) {
	name, _ := lp.ident()
	if _, ok := lp.expect("=", false); !ok {
		return nil, false
	}
	v, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	return &ast.AssignStmt{Name: name, Value: v}, true
}

// arrowCallStmt parses "a, b <- f(x)".
func (lp *lineParser) arrowCallStmt() (ast.Stmt, bool) {
	results, ok := list(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	arrow, ok := lp.expect("<-", false)
	if !ok {
		return nil, false
	}
	call, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	return &ast.CallStmt{Results: results, Arrow: arrow.Pos, Call: call}, true
}

// serviceIDStmt parses `Srv "id"` or `Lib.Srv id`.
func (lp *lineParser) serviceIDStmt() (ast.Stmt, bool) {
	srv, ok := dotted(lp, (*lineParser).class, "a Class name")
	if !ok {
		return nil, false
	}
	id, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	return &ast.ServiceIDStmt{Service: srv, ID: id}, true
}

// declStmt parses a stream declaration, "s: *string".
func (lp *lineParser) declStmt() (ast.Stmt, bool) {
	f, ok := lp.param()
	if !ok {
		return nil, false
	}
	return &ast.DeclStmt{Name: f.Name, Type: f.Type}, true
}

// callStmt parses an expression used as a statement: a call.
func (lp *lineParser) callStmt() (ast.Stmt, bool) {
	x, ok := lp.expr()
	if !ok {
		return nil, false
	}
	return &ast.CallStmt{Call: x}, true
}
