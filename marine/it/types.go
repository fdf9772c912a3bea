// Package it models the Marine interface-types (IT) section: the custom
// section named "interface-types" that every Marine module carries. It
// describes the module's functions and records with rich types (strings,
// arrays, records) and holds the adapters, small stack programs that lift and
// lower those types through the module's linear memory.
//
// The package decodes the binary section, encodes it back byte for byte the
// way the reference encoder does, and prints it as text. It knows nothing
// about running Wasm.
package it

import (
	"fmt"
	"strings"
)

// SectionName is the name of the custom section holding the interface types.
const SectionName = "interface-types"

// SDKVersionSectionName is the name of the custom section holding the SDK
// version as raw UTF-8 semver text.
const SDKVersionSectionName = "__fluence_sdk_version"

// Kind enumerates the interface types. The values are the binary opcodes.
type Kind uint8

// The interface types and their binary opcodes.
const (
	S8        Kind = 0x00
	S16       Kind = 0x01
	S32       Kind = 0x02
	S64       Kind = 0x03
	U8        Kind = 0x04
	U16       Kind = 0x05
	U32       Kind = 0x06
	U64       Kind = 0x07
	F32       Kind = 0x08
	F64       Kind = 0x09
	String    Kind = 0x0a
	Bool      Kind = 0x0b
	I32       Kind = 0x0c
	I64       Kind = 0x0d
	Record    Kind = 0x0e
	Array     Kind = 0x36
	ByteArray Kind = 0x3c
)

var kindNames = map[Kind]string{
	S8: "s8", S16: "s16", S32: "s32", S64: "s64",
	U8: "u8", U16: "u16", U32: "u32", U64: "u64",
	F32: "f32", F64: "f64", String: "string", Bool: "bool",
	I32: "i32", I64: "i64", Record: "record", Array: "array", ByteArray: "byte_array",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(0x%02x)", uint8(k))
}

// Type is an interface type. Elem is set for arrays; RecordID, an index into
// [Section.Types], is set for records.
type Type struct {
	Kind     Kind
	Elem     *Type
	RecordID uint32
}

// Scalar types, ready to use.
var (
	TypeS8        = Type{Kind: S8}
	TypeS16       = Type{Kind: S16}
	TypeS32       = Type{Kind: S32}
	TypeS64       = Type{Kind: S64}
	TypeU8        = Type{Kind: U8}
	TypeU16       = Type{Kind: U16}
	TypeU32       = Type{Kind: U32}
	TypeU64       = Type{Kind: U64}
	TypeF32       = Type{Kind: F32}
	TypeF64       = Type{Kind: F64}
	TypeString    = Type{Kind: String}
	TypeBool      = Type{Kind: Bool}
	TypeI32       = Type{Kind: I32}
	TypeI64       = Type{Kind: I64}
	TypeByteArray = Type{Kind: ByteArray}
)

// ArrayOf returns the array type with the given element type.
func ArrayOf(elem Type) Type { return Type{Kind: Array, Elem: &elem} }

// RecordRef returns the type referring to the record at index id of the
// section's type list.
func RecordRef(id uint32) Type { return Type{Kind: Record, RecordID: id} }

// Equal reports whether two types are identical.
func (t Type) Equal(u Type) bool {
	if t.Kind != u.Kind {
		return false
	}
	switch t.Kind {
	case Array:
		if t.Elem == nil || u.Elem == nil {
			return t.Elem == u.Elem
		}
		return t.Elem.Equal(*u.Elem)
	case Record:
		return t.RecordID == u.RecordID
	}
	return true
}

// String formats the type as the reference text format does.
func (t Type) String() string {
	switch t.Kind {
	case Array:
		if t.Elem == nil {
			return "array (?)"
		}
		return "array (" + t.Elem.String() + ")"
	case Record:
		return fmt.Sprintf("record %d", t.RecordID)
	}
	return t.Kind.String()
}

// SerializedSize is the number of bytes a value of this type occupies
// inside a record or an array in linear memory: records are packed, and
// strings, byte arrays and arrays are (pointer, length) pairs.
func (t Type) SerializedSize() uint32 {
	switch t.Kind {
	case Bool, S8, U8:
		return 1
	case S16, U16:
		return 2
	case S32, U32, I32, F32, Record:
		return 4
	case S64, U64, I64, F64:
		return 8
	case String, ByteArray, Array:
		return 8
	}
	return 0
}

// AllocTag is the element type tag passed as the second argument of the
// module's allocate export for a buffer of values of this type.
func (t Type) AllocTag() uint32 {
	switch t.Kind {
	case Bool:
		return 0
	case U8:
		return 1
	case U16:
		return 2
	case U32:
		return 3
	case U64:
		return 4
	case S8:
		return 5
	case S16:
		return 6
	case S32, I32:
		return 7
	case S64, I64:
		return 8
	case F32:
		return 9
	case F64:
		return 10
	}
	return 3 // pointers: strings, byte arrays, arrays and records
}

// Field is a named, typed function argument or record field.
type Field struct {
	Name string
	Type Type
}

// FuncType is a function signature. The reference supports at most one
// output.
type FuncType struct {
	Args    []Field
	Outputs []Type
}

// RecordType is a record: a non-empty list of named fields.
type RecordType struct {
	Name   string
	Fields []Field
}

// Size is the packed size of the record in linear memory.
func (r *RecordType) Size() uint32 {
	var n uint32
	for _, f := range r.Fields {
		n += f.Type.SerializedSize()
	}
	return n
}

// TypeDef is one entry of the section's type list: exactly one of Func and
// Record is set.
type TypeDef struct {
	Func   *FuncType
	Record *RecordType
}

// Import declares a function the module imports from namespace.
type Import struct {
	Namespace string
	Name      string
	Type      uint32
}

// Adapter is the instruction list run for the function type Type.
type Adapter struct {
	Type         uint32
	Instructions []Instruction
}

// Export names a function type as callable under Name.
type Export struct {
	Name string
	Type uint32
}

// Implementation binds a core function type to the adapter that implements
// it.
type Implementation struct {
	Core    uint32
	Adapter uint32
}

// Section is a decoded interface-types section.
type Section struct {
	Version         string
	Types           []TypeDef
	Imports         []Import
	Adapters        []Adapter
	Exports         []Export
	Implementations []Implementation
}

// Func returns the function type at index i.
func (s *Section) Func(i uint32) (*FuncType, error) {
	if int64(i) >= int64(len(s.Types)) {
		return nil, fmt.Errorf("type index %d out of range (%d types)", i, len(s.Types))
	}
	if s.Types[i].Func == nil {
		return nil, fmt.Errorf("type %d is a record, expected a function", i)
	}
	return s.Types[i].Func, nil
}

// Record returns the record type at index i. It implements the record
// resolution that lifting and lowering need.
func (s *Section) Record(i uint32) (*RecordType, error) {
	if int64(i) >= int64(len(s.Types)) {
		return nil, fmt.Errorf("record type %d out of range (%d types)", i, len(s.Types))
	}
	if s.Types[i].Record == nil {
		return nil, fmt.Errorf("type %d is a function, expected a record", i)
	}
	return s.Types[i].Record, nil
}

// Adapter returns the instructions of the adapter for function type t.
func (s *Section) Adapter(t uint32) ([]Instruction, bool) {
	for _, a := range s.Adapters {
		if a.Type == t {
			return a.Instructions, true
		}
	}
	return nil, false
}

// AdapterFor returns the adapter type implementing core function type t.
func (s *Section) AdapterFor(core uint32) (uint32, bool) {
	for _, impl := range s.Implementations {
		if impl.Core == core {
			return impl.Adapter, true
		}
	}
	return 0, false
}

// TypeName formats t for people, naming records instead of numbering them:
// the notation of the reference's interface listings.
func (s *Section) TypeName(t Type) string {
	switch t.Kind {
	case Array:
		if t.Elem == nil {
			return "[]?"
		}
		return "[]" + s.TypeName(*t.Elem)
	case ByteArray:
		return "[]u8"
	case S8, S16, S32, S64:
		return "i" + strings.TrimPrefix(t.Kind.String(), "s")
	case Record:
		if r, err := s.Record(t.RecordID); err == nil {
			return r.Name
		}
	}
	return t.String()
}
