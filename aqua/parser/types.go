package parser

import (
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Types. A type in a parameter list must be a scalar or a Class name,
// which keeps "a: string, b: u32" from being read as an arrow type with
// two parameters.

// sig parses the signature of a function, closure or service arrow,
// "{Ab}(a: A, b: B) -> R1, R2", whose parameters are named.
func (lp *lineParser) sig() (*ast.ArrowType, bool) {
	start := lp.i
	abs, _ := optional(lp, (*lineParser).abilities)
	if _, ok := lp.expect("(", false); !ok {
		return nil, false
	}
	params, _ := optional(lp, paramList)
	if _, ok := lp.expect(")", false); !ok {
		return nil, false
	}
	results, _ := optional(lp, (*lineParser).results)
	t := &ast.ArrowType{Start: lp.toks[start].Pos, Params: params, Results: results, Finish: lp.end()}
	for _, q := range abs {
		t.Abilities = append(t.Abilities, &ast.NamedType{Name: q})
	}
	return t, true
}

func paramList(lp *lineParser) ([]*ast.Field, bool) {
	return list(lp, (*lineParser).param, "name: Type")
}

// abilities parses "{A, Lib.B}".
func (lp *lineParser) abilities() ([]*ast.QualName, bool) {
	if _, ok := lp.accept("{"); !ok {
		return nil, false
	}
	qs, ok := required(lp, qualList, "a name")
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect("}", true); !ok {
		return nil, false
	}
	return qs, true
}

func qualList(lp *lineParser) ([]*ast.QualName, bool) {
	return list(lp, (*lineParser).qual, "a name")
}

// param parses "name: Type": a parameter, a data field or a stream
// declaration.
func (lp *lineParser) param() (*ast.Field, bool) {
	name, ok := lp.ident()
	if !ok {
		return nil, false
	}
	if _, ok := lp.expect(":", false); !ok {
		return nil, false
	}
	t, ok := required(lp, (*lineParser).resType, "a type")
	if !ok {
		return nil, false
	}
	return &ast.Field{Name: name, Type: t}, true
}

// results parses "-> R1, R2" or "-> ()", which has none.
func (lp *lineParser) results() ([]ast.Type, bool) {
	if _, ok := lp.accept("->"); !ok {
		return nil, false
	}
	return required(lp, resultList, "a type")
}

// resultList parses "()" or "R1, R2" after an arrow.
func resultList(lp *lineParser) ([]ast.Type, bool) {
	if _, ok := optional(lp, unit); ok {
		return nil, true
	}
	return list(lp, (*lineParser).resType, "a type")
}

// unit parses "()", the empty result list.
func unit(lp *lineParser) (struct{}, bool) {
	if _, ok := lp.accept("("); !ok {
		return struct{}{}, false
	}
	_, ok := lp.expect(")", true)
	return struct{}{}, ok
}

// resType parses a type that may be parenthesised, as arrow results and
// parameter types may be.
func (lp *lineParser) resType() (ast.Type, bool) {
	if lp.is("(") {
		at := lp.i
		lp.i++
		if t, ok := required(lp, (*lineParser).typ, "a type"); ok {
			if _, ok := lp.expect(")", true); ok {
				return t, true
			}
		}
		lp.i = at
	}
	return lp.typ()
}

// typ parses an arrow type or a basic type.
func (lp *lineParser) typ() (ast.Type, bool) {
	if t, ok := optional(lp, (*lineParser).arrowType); ok {
		return t, true
	}
	return lp.basicType()
}

// arrowType parses "{Ab} A, B -> R", whose parameters are not named.
func (lp *lineParser) arrowType() (*ast.ArrowType, bool) {
	start := lp.i
	abs, _ := optional(lp, (*lineParser).abilities)
	params, _ := optional(lp, basicTypeList)
	if _, ok := lp.expect("->", false); !ok {
		return nil, false
	}
	results, ok := required(lp, resultList, "a type")
	if !ok {
		return nil, false
	}
	t := &ast.ArrowType{Start: lp.toks[start].Pos, Results: results, Finish: lp.end()}
	for _, q := range abs {
		t.Abilities = append(t.Abilities, &ast.NamedType{Name: q})
	}
	for _, p := range params {
		t.Params = append(t.Params, &ast.Field{Type: p})
	}
	return t, true
}

func basicTypeList(lp *lineParser) ([]ast.Type, bool) {
	return list(lp, (*lineParser).basicType, "a type")
}

// basicType parses ⊤, ⊥, a scalar, a Class name, or one of them under
// the prefixes [] ? * %.
func (lp *lineParser) basicType() (ast.Type, bool) {
	if lp.i >= len(lp.toks) {
		return nil, false
	}
	t := lp.toks[lp.i]
	switch t.Text {
	case "⊤", "⊥":
		lp.i++
		return &ast.TopBottomType{At: t.Pos, Top: t.Text == "⊤"}, true
	case "[":
		lp.i++
		if _, ok := lp.expect("]", false); !ok {
			return nil, false
		}
		elem, ok := required(lp, (*lineParser).basicType, "a type")
		if !ok {
			return nil, false
		}
		return &ast.ArrayType{Lbrack: t.Pos, Elem: elem}, true
	case "?", "*", "%":
		lp.i++
		elem, ok := required(lp, (*lineParser).basicType, "a type")
		if !ok {
			return nil, false
		}
		switch t.Text {
		case "?":
			return &ast.OptionType{Quest: t.Pos, Elem: elem}, true
		case "*":
			return &ast.StreamType{Star: t.Pos, Elem: elem}, true
		}
		return &ast.StreamMapType{Percent: t.Pos, Elem: elem}, true
	}
	if t.Kind == token.Ident && isScalar(t.Text) {
		lp.i++
		return &ast.NamedType{Name: &ast.QualName{Parts: []*ast.Ident{{NamePos: t.Pos, Name: t.Text}}}}, true
	}
	q, ok := dotted(lp, (*lineParser).class, "a Class name")
	if !ok {
		return nil, false
	}
	return &ast.NamedType{Name: q}, true
}

// isScalar reports whether name is a built-in scalar type.
func isScalar(name string) bool {
	switch name {
	case "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool", "string":
		return true
	}
	return false
}
