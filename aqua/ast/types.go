package ast

import "github.com/aquarium-p2p/aquarium/aqua/token"

// NamedType refers to a scalar, a declared type or an alias, possibly
// qualified by a module namespace (Lib.Type).
type NamedType struct {
	Name *QualName
}

// ArrayType is "[]Elem".
type ArrayType struct {
	Lbrack token.Pos
	Elem   Type
}

// OptionType is "?Elem".
type OptionType struct {
	Quest token.Pos
	Elem  Type
}

// StreamType is "*Elem".
type StreamType struct {
	Star token.Pos
	Elem Type
}

// StreamMapType is "%Elem", a stream of key/value pairs with string keys.
type StreamMapType struct {
	Percent token.Pos
	Elem    Type
}

// TopBottomType is "⊤" (any value) or "⊥" (no value).
type TopBottomType struct {
	At  token.Pos
	Top bool
}

// ArrowType is the type of a function, closure, service or ability arrow:
// "{Ab}(a: A, b: B) -> R" or "A, B -> R". Results may be empty.
type ArrowType struct {
	Start     token.Pos
	Abilities []*NamedType
	Params    []*Field
	Results   []Type
	Finish    token.Pos
}

func (t *NamedType) Pos() token.Pos     { return t.Name.Pos() }
func (t *NamedType) End() token.Pos     { return t.Name.End() }
func (t *ArrayType) Pos() token.Pos     { return t.Lbrack }
func (t *ArrayType) End() token.Pos     { return t.Elem.End() }
func (t *OptionType) Pos() token.Pos    { return t.Quest }
func (t *OptionType) End() token.Pos    { return t.Elem.End() }
func (t *StreamType) Pos() token.Pos    { return t.Star }
func (t *StreamType) End() token.Pos    { return t.Elem.End() }
func (t *StreamMapType) Pos() token.Pos { return t.Percent }
func (t *StreamMapType) End() token.Pos { return t.Elem.End() }
func (t *TopBottomType) Pos() token.Pos { return t.At }
func (t *TopBottomType) End() token.Pos { return t.At + token.Pos(len("⊤")) }
func (t *ArrowType) Pos() token.Pos     { return t.Start }
func (t *ArrowType) End() token.Pos     { return t.Finish }

func (*NamedType) typeNode()     {}
func (*ArrayType) typeNode()     {}
func (*OptionType) typeNode()    {}
func (*StreamType) typeNode()    {}
func (*StreamMapType) typeNode() {}
func (*TopBottomType) typeNode() {}
func (*ArrowType) typeNode()     {}
