// Package types type-checks Aqua syntax trees.
//
// Check resolves every name, computes the type of every expression and
// reports all errors of a module in one pass. What it learns is recorded in
// an Info side table, as go/types does: Defs and Uses map identifiers to
// the objects they declare or denote, Types gives each expression its
// type, and Calls says what each call expression invokes (a function, a
// service arrow, a closure, a struct constructor, a stream-map method...).
// Code generation and the editor read Info; the syntax tree is never
// modified.
//
// An expression whose type cannot be determined gets the Invalid type,
// which is assignable to and from everything, so one mistake produces one
// diagnostic rather than a cascade.
package types

import (
	"fmt"
	"strings"
)

// Type is an Aqua type.
type Type interface {
	String() string
	aquaType()
}

// BasicKind enumerates the scalar types and the literal types.
type BasicKind int

// Scalar and literal kinds.
const (
	U8 BasicKind = iota
	U16
	U32
	U64
	I8
	I16
	I32
	I64
	F32
	F64
	Bool
	String
	// UntypedUnsigned is a non-negative integer literal: it fits any
	// number type.
	UntypedUnsigned
	// UntypedSigned is a negative integer literal: it fits signed and
	// float types.
	UntypedSigned
	// UntypedFloat is a float literal: it fits f32 and f64.
	UntypedFloat
)

// Basic is a scalar or literal type.
type Basic struct {
	Kind BasicKind
	name string
}

var basics = [...]*Basic{
	U8: {U8, "u8"}, U16: {U16, "u16"}, U32: {U32, "u32"}, U64: {U64, "u64"},
	I8: {I8, "i8"}, I16: {I16, "i16"}, I32: {I32, "i32"}, I64: {I64, "i64"},
	F32: {F32, "f32"}, F64: {F64, "f64"}, Bool: {Bool, "bool"}, String: {String, "string"},
	UntypedUnsigned: {UntypedUnsigned, "unsigned literal"},
	UntypedSigned:   {UntypedSigned, "signed literal"},
	UntypedFloat:    {UntypedFloat, "float literal"},
}

// Typ returns the Basic type of a kind. Basic types are shared values.
func Typ(k BasicKind) *Basic { return basics[k] }

// Scalar looks up a scalar type by its Aqua name ("u8", "string").
func Scalar(name string) (*Basic, bool) {
	for _, b := range basics[:UntypedUnsigned] {
		if b.name == name {
			return b, true
		}
	}
	return nil, false
}

func (b *Basic) String() string { return b.name }

// IsInteger reports whether b is an integer type or literal.
func (b *Basic) IsInteger() bool {
	return b.Kind <= I64 || b.Kind == UntypedUnsigned || b.Kind == UntypedSigned
}

// IsNumber reports whether b is a number type or literal.
func (b *Basic) IsNumber() bool { return b.Kind <= F64 || b.Kind >= UntypedUnsigned }

// IsUntyped reports whether b is the type of a numeric literal.
func (b *Basic) IsUntyped() bool { return b.Kind >= UntypedUnsigned }

func (b *Basic) isSigned() bool   { return b.Kind >= I8 && b.Kind <= I64 }
func (b *Basic) isUnsigned() bool { return b.Kind <= U64 }
func (b *Basic) isFloat() bool    { return b.Kind == F32 || b.Kind == F64 }

// Special types.
var (
	// Top is ⊤: every value fits it.
	Top Type = &special{"⊤"}
	// Bottom is ⊥: it fits everything. nil is ?⊥.
	Bottom Type = &special{"⊥"}
	// Invalid is the type of an erroneous expression. It is compatible
	// with everything so that one error does not cause others.
	Invalid Type = &special{"invalid type"}
	// NoValue is the type of a call to an arrow without results.
	NoValue Type = &special{"no value"}
)

type special struct{ name string }

func (s *special) String() string { return s.name }

// Array is []Elem, an immutable array.
type Array struct{ Elem Type }

// Option is ?Elem: zero or one element.
type Option struct{ Elem Type }

// Stream is *Elem, an append-only stream.
type Stream struct{ Elem Type }

// StreamMap is %Elem, a stream of (string key, Elem value) pairs.
type StreamMap struct{ Elem Type }

// MapPair is the type of one pair of a stream map, what "for p <- m"
// binds p to: {key: string, value: Elem}.
func MapPair(m *StreamMap) *Struct {
	return &Struct{Name: "Pair", Fields: []Field{{"key", Typ(String)}, {"value", m.Elem}}}
}

func (t *Array) String() string     { return "[]" + t.Elem.String() }
func (t *Option) String() string    { return "?" + t.Elem.String() }
func (t *Stream) String() string    { return "*" + t.Elem.String() }
func (t *StreamMap) String() string { return "%" + t.Elem.String() }

// Field is a named member of a struct, ability, service or parameter
// list.
type Field struct {
	Name string
	Type Type
}

// Struct is a data type. Structs are typed structurally: a struct with
// more fields fits where one with fewer is expected.
type Struct struct {
	Name   string
	Fields []Field
}

// Ability is a bundle of values and arrows passed to functions in {...}.
type Ability struct {
	Name   string
	Fields []Field
}

// Service is a service interface. DefaultID is the id from the
// declaration, unquoted; HasDefaultID tells an empty id, service S(""),
// from none at all.
type Service struct {
	Name         string
	DefaultID    string
	HasDefaultID bool
	Arrows       []Field // each of type *Arrow
}

// Arrow is the type of a function, closure or service arrow. Abilities
// are the {A, B} ability parameters of a function.
type Arrow struct {
	Abilities []Field
	Params    []Field
	Results   []Type
}

func (t *Struct) String() string  { return t.Name }
func (t *Ability) String() string { return t.Name }
func (t *Service) String() string { return t.Name }

func (t *Arrow) String() string {
	var b strings.Builder
	if len(t.Abilities) > 0 {
		b.WriteString("{")
		for i, a := range t.Abilities {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.Type.String())
		}
		b.WriteString("}")
	}
	b.WriteString("(")
	for i, p := range t.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.Name != "" {
			b.WriteString(p.Name + ": ")
		}
		b.WriteString(p.Type.String())
	}
	b.WriteString(") -> ")
	if len(t.Results) == 0 {
		b.WriteString("()")
	}
	for i, r := range t.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		if _, ok := r.(*Arrow); ok {
			fmt.Fprintf(&b, "(%s)", r)
		} else {
			b.WriteString(r.String())
		}
	}
	return b.String()
}

// Field returns the named member of a struct, ability or service.
func fieldOf(fs []Field, name string) (Type, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Type, true
		}
	}
	return nil, false
}

func (*Basic) aquaType()     {}
func (*special) aquaType()   {}
func (*Array) aquaType()     {}
func (*Option) aquaType()    {}
func (*Stream) aquaType()    {}
func (*StreamMap) aquaType() {}
func (*Struct) aquaType()    {}
func (*Ability) aquaType()   {}
func (*Service) aquaType()   {}
func (*Arrow) aquaType()     {}

// ErrorType is the type of LAST_ERROR and of the variable bound by
// "catch e".
var ErrorType = &Struct{Name: "Error", Fields: []Field{
	{"error_code", Typ(I64)},
	{"instruction", Typ(String)},
	{"message", Typ(String)},
	{"peer_id", Typ(String)},
}}

// Elem returns the element type of a collection (array, option, stream or
// stream map) and whether t is one.
func Elem(t Type) (Type, bool) {
	switch t := t.(type) {
	case *Array:
		return t.Elem, true
	case *Option:
		return t.Elem, true
	case *Stream:
		return t.Elem, true
	case *StreamMap:
		return t.Elem, true
	}
	return nil, false
}

// IsData reports whether values of t can be stored, passed to services and
// put into collections: scalars, structs and read-only collections of
// data.
func IsData(t Type) bool {
	switch t := t.(type) {
	case *Basic, *Struct:
		return true
	case *Array:
		return IsData(t.Elem)
	case *Option:
		return IsData(t.Elem)
	case *special:
		return t == Top || t == Bottom || t == Invalid
	}
	return false
}
