package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Header lines and the first lines of declarations. The dispatcher has
// checked each line's first word, so the productions take it on trust.

// module parses "aqua Name declares *" or "module Name declares a, B".
func (lp *lineParser) module() (*ast.ModuleClause, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).qual, "a name")
	if !ok {
		return nil, false
	}
	m := &ast.ModuleClause{Keyword: kw.Pos, Deprecated: kw.Text == "module", Name: name}
	if _, ok := lp.accept("declares"); ok {
		at := lp.i
		switch {
		case lp.is("*"):
			lp.i++
			m.DeclaresAll = true
		default:
			items, ok := itemList(lp)
			if ok {
				m.Declares = items
			} else {
				lp.want(at, "")
				lp.i = at - 1 // the declares clause is not there after all
			}
		}
	}
	m.Finish = lp.end()
	return m, true
}

// importLine parses `import "path"` or `import a, B as C from "path"`.
func (lp *lineParser) importLine() (*ast.Import, bool) {
	kw := lp.next()
	im := &ast.Import{Keyword: kw.Pos}
	im.Items, _ = optional(lp, itemsFrom)
	path, ok := required(lp, (*lineParser).str, "a quoted path")
	if !ok {
		return nil, false
	}
	im.Path, im.Finish = path, lp.end()
	return im, true
}

// useLine parses `use "path"`, `use "path" as Ns` or
// `use a, B from "path" as Ns`.
func (lp *lineParser) useLine() (*ast.Import, bool) {
	im, ok := lp.importLine()
	if !ok {
		return nil, false
	}
	im.Use = true
	if _, ok := lp.accept("as"); ok {
		at := lp.i - 1
		if q, ok := required(lp, (*lineParser).qual, "a name"); ok {
			im.As = q
		} else {
			lp.i = at
		}
	}
	im.Finish = lp.end()
	return im, true
}

// itemsFrom parses "a, B as C from" before an import path.
func itemsFrom(lp *lineParser) ([]*ast.ImportItem, bool) {
	items, ok := itemList(lp)
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect("from", true); !ok {
		return nil, false
	}
	return items, true
}

func itemList(lp *lineParser) ([]*ast.ImportItem, bool) {
	return list(lp, (*lineParser).item, "")
}

// item parses "Name" or "Name as Other" in an import, declares or export
// list.
func (lp *lineParser) item() (*ast.ImportItem, bool) {
	name, ok := lp.qual()
	if !ok {
		return nil, false
	}
	it := &ast.ImportItem{Name: name}
	if _, ok := lp.accept("as"); ok {
		if as, ok := required(lp, (*lineParser).ident, "a name"); ok {
			it.As = as
		} else {
			lp.i--
		}
	}
	return it, true
}

// export parses "export a, B as C".
func (lp *lineParser) export() (*ast.Export, bool) {
	kw := lp.next()
	items, ok := required(lp, itemList, "")
	if !ok {
		return nil, false
	}
	return &ast.Export{Keyword: kw.Pos, Items: items}, true
}

// blockHead is the first line of a data or ability declaration.
type blockHead struct {
	keyword token.Token
	name    *ast.Ident
}

// blockHead parses "data Name:" or "ability Name:".
func (lp *lineParser) blockHead() (blockHead, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return blockHead{}, false
	}
	if _, ok := lp.expect(":", true); !ok {
		return blockHead{}, false
	}
	return blockHead{kw, name}, true
}

// alias parses "alias Name: Type".
func (lp *lineParser) alias() (ast.Decl, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(":", false); !ok {
		return nil, false
	}
	t, ok := required(lp, (*lineParser).typ, "a type")
	if !ok {
		return nil, false
	}
	return &ast.AliasDecl{Keyword: kw.Pos, Name: name, Type: t}, true
}

// constDecl parses "const NAME = value" or "const NAME ?= value".
func (lp *lineParser) constDecl() (ast.Decl, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	op := lp.peek()
	if op.Text != "=" && op.Text != "?=" {
		lp.want(lp.i, "")
		return nil, false
	}
	lp.i++
	v, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	return &ast.ConstDecl{Keyword: kw.Pos, Name: name, Overridable: op.Text == "?=", Value: v}, true
}

// service parses `service Name("default id"):`; its arrows are the lines
// under it.
func (lp *lineParser) service() (*ast.ServiceDecl, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	d := &ast.ServiceDecl{Keyword: kw.Pos, Name: name}
	d.DefaultID, _ = optional(lp, serviceID)
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	d.Finish = lp.end()
	return d, true
}

// serviceID parses the `("id")` of a service declaration.
func serviceID(lp *lineParser) (ast.Expr, bool) {
	if _, ok := lp.accept("("); !ok {
		return nil, false
	}
	id, ok := required(lp, (*lineParser).expr, "an expression")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(")", true); !ok {
		return nil, false
	}
	return id, true
}

// funcHead parses "func name{Ab}(params) -> results:"; the body is the
// block under it.
func (lp *lineParser) funcHead() (*ast.FuncDecl, bool) {
	kw := lp.next()
	name, ok := required(lp, (*lineParser).ident, "a name")
	if !ok {
		return nil, false
	}
	sig, ok := required(lp, (*lineParser).sig, "(parameters)")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(":", true); !ok {
		return nil, false
	}
	return &ast.FuncDecl{Keyword: kw.Pos, Name: name, Type: sig}, true
}

// arrowMember parses a service or ability arrow: "name(params) -> results".
func (lp *lineParser) arrowMember() (*ast.Field, bool) {
	name, ok := lp.ident()
	if !ok {
		return nil, false
	}
	sig, ok := required(lp, (*lineParser).sig, "(parameters)")
	if !ok {
		return nil, false
	}
	return &ast.Field{Name: name, Type: sig}, true
}
