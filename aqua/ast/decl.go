package ast

import "github.com/aquarium-p2p/aquarium/aqua/token"

// Field is a named member: a struct field, an ability member, a service
// arrow, or a parameter. Name is nil for an unnamed arrow parameter, as in
// the type "string, u32 -> bool".
type Field struct {
	Name *Ident
	Type Type
}

func (f *Field) Pos() token.Pos {
	if f.Name != nil {
		return f.Name.Pos()
	}
	return f.Type.Pos()
}
func (f *Field) End() token.Pos { return f.Type.End() }

// DataDecl is "data Name:" with its fields.
type DataDecl struct {
	Keyword token.Pos
	Name    *Ident
	Fields  []*Field
}

// AliasDecl is "alias Name: Type".
type AliasDecl struct {
	Keyword token.Pos
	Name    *Ident
	Type    Type
}

// ConstDecl is "const NAME = value" or "const NAME ?= value".
type ConstDecl struct {
	Keyword token.Pos
	Name    *Ident
	// Overridable is set for "?=": the compiler's constants option may
	// replace the value.
	Overridable bool
	Value       Expr
}

// ServiceDecl is "service Name("default-id"):" with its arrows, whose
// types are *ArrowType.
type ServiceDecl struct {
	Keyword   token.Pos
	Name      *Ident
	DefaultID Expr // nil when the service has no default id
	Arrows    []*Field
	Finish    token.Pos
}

// AbilityDecl is "ability Name:" with its members.
type AbilityDecl struct {
	Keyword token.Pos
	Name    *Ident
	Fields  []*Field
}

// FuncDecl is "func name{Abilities}(params) -> results:" with its body.
type FuncDecl struct {
	Keyword token.Pos
	Name    *Ident
	Type    *ArrowType
	Body    *Block
}

// BadDecl stands for a top-level line that could not be parsed.
type BadDecl struct {
	From, To token.Pos
}

func (d *DataDecl) Pos() token.Pos { return d.Keyword }
func (d *DataDecl) End() token.Pos {
	if n := len(d.Fields); n > 0 {
		return d.Fields[n-1].End()
	}
	return d.Name.End()
}
func (d *AliasDecl) Pos() token.Pos   { return d.Keyword }
func (d *AliasDecl) End() token.Pos   { return d.Type.End() }
func (d *ConstDecl) Pos() token.Pos   { return d.Keyword }
func (d *ConstDecl) End() token.Pos   { return d.Value.End() }
func (d *ServiceDecl) Pos() token.Pos { return d.Keyword }
func (d *ServiceDecl) End() token.Pos {
	if n := len(d.Arrows); n > 0 {
		return d.Arrows[n-1].End()
	}
	return d.Finish
}
func (d *AbilityDecl) Pos() token.Pos { return d.Keyword }
func (d *AbilityDecl) End() token.Pos {
	if n := len(d.Fields); n > 0 {
		return d.Fields[n-1].End()
	}
	return d.Name.End()
}
func (d *FuncDecl) Pos() token.Pos { return d.Keyword }
func (d *FuncDecl) End() token.Pos {
	if d.Body != nil && len(d.Body.Stmts) > 0 {
		return d.Body.End()
	}
	return d.Type.End()
}
func (d *BadDecl) Pos() token.Pos { return d.From }
func (d *BadDecl) End() token.Pos { return d.To }

func (*DataDecl) declNode()    {}
func (*AliasDecl) declNode()   {}
func (*ConstDecl) declNode()   {}
func (*ServiceDecl) declNode() {}
func (*AbilityDecl) declNode() {}
func (*FuncDecl) declNode()    {}
func (*BadDecl) declNode()     {}
