package codegen

import (
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// value is an operand after inlining: a literal or a variable with an
// optional lens.
type value interface{ isValue() }

// literal is a constant operand. text is its AIR form: a quoted string, a
// number, true/false, %init_peer_id%, %ttl%, %timestamp% or [] (nil).
type literal struct {
	text string
	typ  types.Type
}

// variable is a named operand. canon marks a canonicalized stream or
// stream map, whose AIR name starts with '#'.
type variable struct {
	name  string
	typ   types.Type
	canon bool
	props []property
}

type propKind uint8

const (
	fieldProp   propKind = iota // .name
	indexProp                   // .[3] or .[var]
	functorProp                 // .length
)

// property is one step of a lens.
type property struct {
	kind propKind
	name string // field name, index (digits or a variable name), functor name
	typ  types.Type
}

func (literal) isValue()  {}
func (variable) isValue() {}

func lit(text string, t types.Type) literal { return literal{text: text, typ: t} }

func quote(s string) literal { return literal{text: `"` + s + `"`, typ: types.Typ(types.String)} }

func number(n int64) literal {
	return literal{text: strconv.FormatInt(n, 10), typ: types.Typ(types.UntypedUnsigned)}
}

var (
	initPeer  = literal{text: "%init_peer_id%", typ: types.Typ(types.String)}
	trueLit   = literal{text: "true", typ: types.Typ(types.Bool)}
	falseLit  = literal{text: "false", typ: types.Typ(types.Bool)}
	errorVar  = variable{name: ":error:", typ: types.ErrorType}
	errorCode = variable{name: ":error:", typ: types.ErrorType, props: []property{{kind: fieldProp, name: "error_code", typ: types.Typ(types.I64)}}}
)

// typeOf returns the type of the value, lens applied.
func typeOf(v value) types.Type {
	switch v := v.(type) {
	case literal:
		return v.typ
	case variable:
		if n := len(v.props); n > 0 {
			return v.props[n-1].typ
		}
		return v.typ
	}
	return types.Invalid
}

func (v variable) withProp(p property) variable {
	v.props = append(append([]property(nil), v.props...), p)
	return v
}

func (v variable) bare() variable {
	v.props = nil
	return v
}

// isStream reports whether the variable is a live (not canonicalized)
// stream, without a lens.
func isStreamVar(v value) (variable, bool) {
	vv, ok := v.(variable)
	if !ok || vv.canon {
		return vv, false
	}
	_, ok = vv.typ.(*types.Stream)
	return vv, ok
}

// valueUses reports whether an operand reads the named variable: as
// itself or as an index of its lens.
func valueUses(v value, name string) bool {
	vv, ok := v.(variable)
	if !ok {
		return false
	}
	if vv.name == name {
		return true
	}
	for _, p := range vv.props {
		if p.kind == indexProp && p.name == name && !isDigits(p.name) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// airName is the AIR spelling of a variable's name: '$' for streams, '#'
// for canonicalized streams, '%' for stream maps and "#%" for their
// canonical form. Dots (ability fields) become underscores.
func airName(name string, t types.Type, canon bool) string {
	name = strings.ReplaceAll(name, ".", "_")
	switch t.(type) {
	case *types.Stream:
		if canon {
			return "#" + name
		}
		return "$" + name
	case *types.StreamMap:
		if canon {
			return "#%" + name
		}
		return "%" + name
	}
	return name
}

// toAir converts an operand to its AIR form.
func toAir(v value) air.Value {
	switch v := v.(type) {
	case literal:
		return literalAir(v.text)
	case variable:
		lens := lensOf(v.props)
		if v.name == ":error:" {
			return &air.Error{Lens: lens}
		}
		name := airName(v.name, v.typ, v.canon)
		switch {
		case strings.HasPrefix(name, "#%"):
			return &air.CanonMap{Name: name, Lens: lens}
		case strings.HasPrefix(name, "#"):
			return &air.CanonStream{Name: name, Lens: lens}
		case strings.HasPrefix(name, "$"):
			return &air.Stream{Name: name}
		case strings.HasPrefix(name, "%"):
			return &air.StreamMap{Name: name}
		}
		return &air.Scalar{Name: name, Lens: lens}
	}
	return nil
}

func literalAir(text string) air.Value {
	switch {
	case text == "%init_peer_id%":
		return &air.InitPeerID{}
	case text == "%ttl%":
		return &air.TTL{}
	case text == "%timestamp%":
		return &air.Timestamp{}
	case text == "[]":
		return &air.EmptyArray{}
	case text == "true" || text == "false":
		return &air.Bool{Value: text == "true"}
	case strings.HasPrefix(text, `"`):
		return &air.String{Value: strings.Trim(text, `"`)}
	}
	if strings.ContainsAny(text, ".eE") {
		f, _ := strconv.ParseFloat(text, 64)
		return &air.Number{Float: f, IsFloat: true, Raw: text}
	}
	n, _ := strconv.ParseInt(text, 10, 64)
	return &air.Number{Int: n, Raw: text}
}

func lensOf(props []property) air.Lens {
	var l air.Lens
	for _, p := range props {
		switch p.kind {
		case functorProp:
			l.Length = true
		case fieldProp:
			l.Path = append(l.Path, air.Accessor{Kind: air.FieldAccess, Name: p.name})
		case indexProp:
			if isDigits(p.name) {
				n, _ := strconv.ParseUint(p.name, 10, 32)
				l.Path = append(l.Path, air.Accessor{Kind: air.IndexAccess, Index: uint32(n)})
			} else {
				l.Path = append(l.Path, air.Accessor{Kind: air.VarAccess, Name: p.name})
			}
		}
	}
	return l
}

// sameValue compares operands structurally, as the reference compares
// its value models (used for topology paths).
func sameValue(a, b value) bool {
	switch a := a.(type) {
	case literal:
		b, ok := b.(literal)
		return ok && a.text == b.text
	case variable:
		b, ok := b.(variable)
		if !ok || a.name != b.name || a.canon != b.canon || len(a.props) != len(b.props) || !sameKind(a.typ, b.typ) {
			return false
		}
		for i := range a.props {
			if a.props[i].kind != b.props[i].kind || a.props[i].name != b.props[i].name {
				return false
			}
		}
		return true
	}
	return false
}

func sameKind(a, b types.Type) bool {
	_, as := a.(*types.Stream)
	_, bs := b.(*types.Stream)
	return as == bs
}
