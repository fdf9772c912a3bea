package air

import (
	"strconv"
	"strings"
)

// Lens selects a part of a value: either the .length functor, or a path
// .$.field.[0].[var] of accessors. The zero Lens selects the whole value.
type Lens struct {
	// Length is the .length functor: the length of an array.
	Length bool
	// Path is the accessor list after ".$"; never empty in a parsed lens.
	Path []Accessor
}

// IsZero reports whether the lens selects the whole value.
func (l Lens) IsZero() bool { return !l.Length && len(l.Path) == 0 }

// String returns the lens in display form: "" for the zero lens, ".length",
// or ".$.a.[0].[x]". The interpreter uses this form in error messages and
// tetraplets, as the reference does.
func (l Lens) String() string {
	var b strings.Builder
	l.write(&b)
	return b.String()
}

func (l Lens) write(b *strings.Builder) {
	if l.Length {
		b.WriteString(".length")
		return
	}
	if len(l.Path) == 0 {
		return
	}
	b.WriteString(".$")
	for _, a := range l.Path {
		a.write(b)
	}
}

// AccessorKind tells how an Accessor selects.
type AccessorKind uint8

const (
	// FieldAccess selects the object field Name: .name
	FieldAccess AccessorKind = iota
	// IndexAccess selects the array element Index: .[3]
	IndexAccess
	// VarAccess selects by the value of the scalar Name: a string selects
	// a field, a number an index: .[name]
	VarAccess
)

// Accessor is one step of a lens path.
type Accessor struct {
	Kind  AccessorKind
	Name  string // field name (FieldAccess) or scalar name (VarAccess)
	Index uint32 // array index (IndexAccess)
}

func (a Accessor) write(b *strings.Builder) {
	switch a.Kind {
	case FieldAccess:
		b.WriteByte('.')
		b.WriteString(a.Name)
	case IndexAccess:
		b.WriteString(".[")
		b.WriteString(strconv.FormatUint(uint64(a.Index), 10))
		b.WriteByte(']')
	case VarAccess:
		b.WriteString(".[")
		b.WriteString(a.Name)
		b.WriteByte(']')
	}
}
