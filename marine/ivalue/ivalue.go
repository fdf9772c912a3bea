// Package ivalue holds interface-type values: what adapters push and pop,
// what lifting reads out of a module's memory and lowering writes into it.
// It also converts them to and from JSON the way the reference runtime's
// call_with_json does, guided by the types of the interface-types section.
package ivalue

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/marine/it"
)

// Value is an interface-type value: one of the types below.
type Value interface {
	// Kind is the interface type of the value.
	Kind() it.Kind
}

// The value types, one per interface type. Array and Record hold their
// elements and fields in order.
type (
	S8        int8
	S16       int16
	S32       int32
	S64       int64
	U8        uint8
	U16       uint16
	U32       uint32
	U64       uint64
	F32       float32
	F64       float64
	I32       int32
	I64       int64
	Bool      bool
	String    string
	ByteArray []byte
	Array     []Value
	Record    []Value
)

// Kind implements Value.
func (S8) Kind() it.Kind { return it.S8 }

// Kind implements Value.
func (S16) Kind() it.Kind { return it.S16 }

// Kind implements Value.
func (S32) Kind() it.Kind { return it.S32 }

// Kind implements Value.
func (S64) Kind() it.Kind { return it.S64 }

// Kind implements Value.
func (U8) Kind() it.Kind { return it.U8 }

// Kind implements Value.
func (U16) Kind() it.Kind { return it.U16 }

// Kind implements Value.
func (U32) Kind() it.Kind { return it.U32 }

// Kind implements Value.
func (U64) Kind() it.Kind { return it.U64 }

// Kind implements Value.
func (F32) Kind() it.Kind { return it.F32 }

// Kind implements Value.
func (F64) Kind() it.Kind { return it.F64 }

// Kind implements Value.
func (I32) Kind() it.Kind { return it.I32 }

// Kind implements Value.
func (I64) Kind() it.Kind { return it.I64 }

// Kind implements Value.
func (Bool) Kind() it.Kind { return it.Bool }

// Kind implements Value.
func (String) Kind() it.Kind { return it.String }

// Kind implements Value.
func (ByteArray) Kind() it.Kind { return it.ByteArray }

// Kind implements Value.
func (Array) Kind() it.Kind { return it.Array }

// Kind implements Value.
func (Record) Kind() it.Kind { return it.Record }

// Records resolves record type ids; *it.Section implements it.
type Records interface {
	Record(id uint32) (*it.RecordType, error)
}

// MaxDepth bounds the nesting of arrays and records that conversion and
// checking follow, so that hostile input cannot exhaust the stack.
const MaxDepth = 128

// Check reports whether v is a value of type t. Byte arrays and arrays of
// u8 are interchangeable, as in the reference.
func Check(v Value, t it.Type, recs Records) error {
	return check(v, t, recs, 0)
}

func check(v Value, t it.Type, recs Records, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("value nested deeper than %d levels", MaxDepth)
	}
	if v == nil {
		return fmt.Errorf("missing value, expected %s", t)
	}
	switch t.Kind {
	case it.ByteArray:
		switch v := v.(type) {
		case ByteArray:
			return nil
		case Array:
			for i, e := range v {
				if _, ok := e.(U8); !ok {
					return fmt.Errorf("element %d: %s value, expected u8", i, e.Kind())
				}
			}
			return nil
		}
	case it.Array:
		switch v := v.(type) {
		case Array:
			for i, e := range v {
				if err := check(e, *t.Elem, recs, depth+1); err != nil {
					return fmt.Errorf("element %d: %w", i, err)
				}
			}
			return nil
		case ByteArray:
			if t.Elem.Kind == it.U8 {
				return nil
			}
		}
	case it.Record:
		r, ok := v.(Record)
		if !ok {
			break
		}
		rt, err := recs.Record(t.RecordID)
		if err != nil {
			return err
		}
		if len(r) != len(rt.Fields) {
			return fmt.Errorf("record %s has %d fields, value has %d", rt.Name, len(rt.Fields), len(r))
		}
		for i, f := range rt.Fields {
			if err := check(r[i], f.Type, recs, depth+1); err != nil {
				return fmt.Errorf("%s.%s: %w", rt.Name, f.Name, err)
			}
		}
		return nil
	default:
		if v.Kind() == t.Kind {
			return nil
		}
	}
	return fmt.Errorf("%s value, expected %s", v.Kind(), t)
}
