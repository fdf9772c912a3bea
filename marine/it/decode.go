package it

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Section kinds: the byte that starts every group of the section.
const (
	groupTypes           = 0x00
	groupImports         = 0x01
	groupAdapters        = 0x02
	groupExports         = 0x03
	groupImplementations = 0x04
	groupVersion         = 0x05
)

// maxTypeDepth bounds the nesting of array types, so that a hostile section
// cannot exhaust the stack.
const maxTypeDepth = 64

// ErrTruncated reports a section that ends in the middle of an item.
var ErrTruncated = errors.New("unexpected end of section")

// DecodeError locates a problem in the section bytes.
type DecodeError struct {
	Offset int    // byte offset into the section
	What   string // what was being read
	Err    error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("interface-types section: offset %d: %s: %v", e.Offset, e.What, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

type decoder struct {
	b   []byte
	off int
}

func (d *decoder) fail(what string, err error) error {
	return &DecodeError{Offset: d.off, What: what, Err: err}
}

func (d *decoder) byte(what string) (byte, error) {
	if d.off >= len(d.b) {
		return 0, d.fail(what, ErrTruncated)
	}
	c := d.b[d.off]
	d.off++
	return c, nil
}

// uleb reads an unsigned LEB128 number of at most 64 bits.
func (d *decoder) uleb(what string) (uint64, error) {
	start := d.off
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.off >= len(d.b) {
			d.off = start
			return 0, d.fail(what, ErrTruncated)
		}
		c := d.b[d.off]
		d.off++
		if shift == 63 && c > 1 {
			d.off = start
			return 0, d.fail(what, errors.New("number overflows 64 bits"))
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
}

// u32 reads a ULEB128 number that must fit 32 bits (an index).
func (d *decoder) u32(what string) (uint32, error) {
	start := d.off
	v, err := d.uleb(what)
	if err != nil {
		return 0, err
	}
	if v > 1<<32-1 {
		d.off = start
		return 0, d.fail(what, fmt.Errorf("index %d overflows 32 bits", v))
	}
	return uint32(v), nil
}

// count reads a list length and checks it against the bytes left, each item
// taking at least minSize bytes, so that a bogus count cannot make the
// decoder allocate without bound.
func (d *decoder) count(what string, minSize int) (int, error) {
	start := d.off
	n, err := d.uleb(what)
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.b)-d.off)/uint64(minSize) {
		d.off = start
		return 0, d.fail(what, fmt.Errorf("count %d exceeds the %d bytes left", n, len(d.b)-d.off))
	}
	return int(n), nil
}

// string reads a string with a single-byte length prefix, as the reference
// encodes it.
func (d *decoder) string(what string) (string, error) {
	n, err := d.byte(what)
	if err != nil {
		return "", err
	}
	if int(n) > len(d.b)-d.off {
		d.off--
		return "", d.fail(what, ErrTruncated)
	}
	s := d.b[d.off : d.off+int(n)]
	if !utf8.Valid(s) {
		d.off--
		return "", d.fail(what, errors.New("invalid UTF-8"))
	}
	d.off += int(n)
	return string(s), nil
}

func (d *decoder) typ(depth int) (Type, error) {
	start := d.off
	op, err := d.byte("type")
	if err != nil {
		return Type{}, err
	}
	k := Kind(op)
	switch k {
	case S8, S16, S32, S64, U8, U16, U32, U64, F32, F64, String, Bool, I32, I64, ByteArray:
		return Type{Kind: k}, nil
	case Record:
		id, err := d.u32("record type id")
		if err != nil {
			return Type{}, err
		}
		return RecordRef(id), nil
	case Array:
		if depth >= maxTypeDepth {
			d.off = start
			return Type{}, d.fail("type", fmt.Errorf("arrays nested deeper than %d", maxTypeDepth))
		}
		elem, err := d.typ(depth + 1)
		if err != nil {
			return Type{}, err
		}
		return ArrayOf(elem), nil
	}
	d.off = start
	return Type{}, d.fail("type", fmt.Errorf("unknown type opcode 0x%02x", op))
}

func (d *decoder) fields(what string) ([]Field, error) {
	n, err := d.count(what, 2)
	if err != nil {
		return nil, err
	}
	var fields []Field
	for range n {
		name, err := d.string(what + " name")
		if err != nil {
			return nil, err
		}
		t, err := d.typ(0)
		if err != nil {
			return nil, err
		}
		fields = append(fields, Field{Name: name, Type: t})
	}
	return fields, nil
}

func (d *decoder) typeDef() (TypeDef, error) {
	start := d.off
	kind, err := d.byte("type kind")
	if err != nil {
		return TypeDef{}, err
	}
	switch kind {
	case 0x00:
		args, err := d.fields("function arguments")
		if err != nil {
			return TypeDef{}, err
		}
		n, err := d.count("function outputs", 1)
		if err != nil {
			return TypeDef{}, err
		}
		var outs []Type
		for range n {
			t, err := d.typ(0)
			if err != nil {
				return TypeDef{}, err
			}
			outs = append(outs, t)
		}
		return TypeDef{Func: &FuncType{Args: args, Outputs: outs}}, nil
	case 0x01:
		name, err := d.string("record name")
		if err != nil {
			return TypeDef{}, err
		}
		fields, err := d.fields("record fields")
		if err != nil {
			return TypeDef{}, err
		}
		if len(fields) == 0 {
			d.off = start
			return TypeDef{}, d.fail("record "+name, errors.New("a record needs at least one field"))
		}
		return TypeDef{Record: &RecordType{Name: name, Fields: fields}}, nil
	}
	d.off = start
	return TypeDef{}, d.fail("type kind", fmt.Errorf("unknown type kind 0x%02x", kind))
}

func (d *decoder) instruction() (Instruction, error) {
	start := d.off
	b, err := d.byte("instruction")
	if err != nil {
		return Instruction{}, err
	}
	in := Instruction{Op: Opcode(b)}
	switch in.Op {
	case OpArgGet, OpCallCore, OpRecordLiftMemory, OpRecordLowerMemory:
		in.Index, err = d.u32(in.Op.String() + " immediate")
	case OpI32Push:
		var v uint64
		v, err = d.uleb("i32.push immediate")
		in.Value = int64(int32(v))
	case OpI64Push:
		var v uint64
		v, err = d.uleb("i64.push immediate")
		in.Value = int64(v)
	case OpArrayLiftMemory, OpArrayLowerMemory:
		in.Type, err = d.typ(0)
	default:
		if !in.Op.known() {
			d.off = start
			return Instruction{}, d.fail("instruction", fmt.Errorf("unknown opcode 0x%02x", b))
		}
	}
	return in, err
}

// Decode parses an interface-types section. Groups may repeat, as the
// reference decoder allows; their items are concatenated. Exactly one
// version is required.
func Decode(b []byte) (*Section, error) {
	d := &decoder{b: b}
	s := &Section{}
	versions := 0
	for d.off < len(d.b) {
		start := d.off
		kind, _ := d.byte("group kind")
		var err error
		switch kind {
		case groupVersion:
			versions++
			if versions > 1 {
				d.off = start
				return nil, d.fail("version", errors.New("more than one version"))
			}
			s.Version, err = d.string("version")
		case groupTypes:
			err = decodeList(d, "types", 3, &s.Types, (*decoder).typeDef)
		case groupImports:
			err = decodeList(d, "imports", 3, &s.Imports, func(d *decoder) (Import, error) {
				var im Import
				var err error
				if im.Namespace, err = d.string("import namespace"); err != nil {
					return im, err
				}
				if im.Name, err = d.string("import name"); err != nil {
					return im, err
				}
				im.Type, err = d.u32("import type")
				return im, err
			})
		case groupAdapters:
			err = decodeList(d, "adapters", 2, &s.Adapters, func(d *decoder) (Adapter, error) {
				var a Adapter
				var err error
				if a.Type, err = d.u32("adapter type"); err != nil {
					return a, err
				}
				n, err := d.count("adapter instructions", 1)
				if err != nil {
					return a, err
				}
				for range n {
					in, err := d.instruction()
					if err != nil {
						return a, err
					}
					a.Instructions = append(a.Instructions, in)
				}
				return a, nil
			})
		case groupExports:
			err = decodeList(d, "exports", 2, &s.Exports, func(d *decoder) (Export, error) {
				var e Export
				var err error
				if e.Name, err = d.string("export name"); err != nil {
					return e, err
				}
				e.Type, err = d.u32("export type")
				return e, err
			})
		case groupImplementations:
			err = decodeList(d, "implementations", 2, &s.Implementations, func(d *decoder) (Implementation, error) {
				var im Implementation
				var err error
				if im.Core, err = d.u32("implementation core type"); err != nil {
					return im, err
				}
				im.Adapter, err = d.u32("implementation adapter type")
				return im, err
			})
		default:
			d.off = start
			return nil, d.fail("group kind", fmt.Errorf("unknown group 0x%02x", kind))
		}
		if err != nil {
			return nil, err
		}
	}
	if versions == 0 {
		return nil, d.fail("version", errors.New("the section has no version"))
	}
	return s, nil
}

func decodeList[T any](d *decoder, what string, minSize int, dst *[]T, item func(*decoder) (T, error)) error {
	n, err := d.count(what, minSize)
	if err != nil {
		return err
	}
	for range n {
		v, err := item(d)
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
	}
	return nil
}
