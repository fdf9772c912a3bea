// Package lilo lifts interface-type values out of a module's linear memory
// and lowers them into it, in the layouts of the reference it-lilo crate:
// little-endian, records packed without padding, strings, byte arrays and
// arrays as (pointer, length) pairs whose length counts elements.
//
// Lifting trusts nothing the module wrote: every read is bounds-checked,
// strings must be UTF-8, nesting is capped and the total number of bytes
// read is bounded by the memory size, so a module handing back bad
// pointers or cyclic records gets an error, never a crash or a hang.
package lilo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// Memory is a module's linear memory. wazero's api.Memory implements it.
type Memory interface {
	Size() uint32
	Read(offset, byteCount uint32) ([]byte, bool)
	Write(offset uint32, v []byte) bool
}

// AllocFunc allocates size bytes in the module for elements with the given
// type tag (see [it.Type.AllocTag]) by calling its allocate export, and
// returns the address.
type AllocFunc func(size, tag uint32) (uint32, error)

// ErrOutOfBounds reports an access outside linear memory.
var ErrOutOfBounds = errors.New("out of bounds")

// maxDepth caps the nesting of arrays and records followed while lifting.
const maxDepth = ivalue.MaxDepth

// Lifter reads values out of one module's memory. A Lifter is meant for
// one lifting operation: its read budget is spent as it goes.
//
// Values the reference writes never share memory, so the bytes a lifting
// reads can never exceed the memory size; that is the budget.
type Lifter struct {
	mem    Memory
	recs   ivalue.Records
	budget uint64
}

// NewLifter returns a lifter over mem resolving records with recs.
func NewLifter(mem Memory, recs ivalue.Records) *Lifter {
	return &Lifter{mem: mem, recs: recs, budget: uint64(mem.Size())}
}

func (l *Lifter) read(ptr uint32, n uint64) ([]byte, error) {
	size := uint64(l.mem.Size())
	if uint64(ptr)+n > size {
		return nil, fmt.Errorf("reading %d bytes at %#x: %w of the %d-byte memory", n, ptr, ErrOutOfBounds, size)
	}
	if n > l.budget {
		return nil, fmt.Errorf("reading %d bytes at %#x: the value is larger than the module's memory (shared or cyclic pointers?)", n, ptr)
	}
	l.budget -= n
	b, ok := l.mem.Read(ptr, uint32(n))
	if !ok {
		return nil, fmt.Errorf("reading %d bytes at %#x: %w", n, ptr, ErrOutOfBounds)
	}
	return b, nil
}

// Bytes lifts n bytes at ptr into a fresh slice. A zero length means an
// empty slice whatever the pointer.
func (l *Lifter) Bytes(ptr, n uint32) ([]byte, error) {
	if n == 0 {
		return []byte{}, nil
	}
	b, err := l.read(ptr, uint64(n))
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// String lifts a UTF-8 string of n bytes at ptr.
func (l *Lifter) String(ptr, n uint32) (string, error) {
	if n == 0 {
		return "", nil
	}
	b, err := l.read(ptr, uint64(n))
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("string of %d bytes at %#x is not valid UTF-8", n, ptr)
	}
	return string(b), nil
}

// Array lifts count elements of type elem starting at ptr.
func (l *Lifter) Array(elem it.Type, ptr, count uint32) (ivalue.Value, error) {
	return l.array(elem, ptr, count, 0)
}

// Record lifts the record of type id at ptr.
func (l *Lifter) Record(id, ptr uint32) (ivalue.Record, error) {
	return l.record(id, ptr, 0)
}

func (l *Lifter) array(elem it.Type, ptr, count uint32, depth int) (ivalue.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("arrays and records nested deeper than %d levels", maxDepth)
	}
	if count == 0 {
		if elem.Kind == it.U8 {
			return ivalue.ByteArray{}, nil
		}
		return ivalue.Array{}, nil
	}
	if elem.Kind == it.U8 {
		b, err := l.Bytes(ptr, count)
		if err != nil {
			return nil, err
		}
		return ivalue.ByteArray(b), nil
	}
	size := elem.SerializedSize()
	if size == 0 {
		return nil, fmt.Errorf("cannot lift arrays of %s", elem)
	}
	b, err := l.read(ptr, uint64(count)*uint64(size))
	if err != nil {
		return nil, fmt.Errorf("array of %d %s: %w", count, elem, err)
	}
	// Copy: nested lifting reads memory again, and the slice must not
	// change under us.
	b = append([]byte(nil), b...)
	out := make(ivalue.Array, count)
	for i := range out {
		v, err := l.field(elem, b[uint32(i)*size:], depth)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

func (l *Lifter) record(id, ptr uint32, depth int) (ivalue.Record, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("arrays and records nested deeper than %d levels", maxDepth)
	}
	rt, err := l.recs.Record(id)
	if err != nil {
		return nil, err
	}
	b, err := l.read(ptr, uint64(rt.Size()))
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", rt.Name, err)
	}
	b = append([]byte(nil), b...)
	out := make(ivalue.Record, len(rt.Fields))
	for i, f := range rt.Fields {
		v, err := l.field(f.Type, b, depth)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", rt.Name, f.Name, err)
		}
		out[i] = v
		b = b[f.Type.SerializedSize():]
	}
	return out, nil
}

// field decodes one value of type t from the front of b, following
// pointers for strings, arrays and records.
func (l *Lifter) field(t it.Type, b []byte, depth int) (ivalue.Value, error) {
	le := binary.LittleEndian
	switch t.Kind {
	case it.Bool:
		return ivalue.Bool(b[0] != 0), nil
	case it.S8:
		return ivalue.S8(int8(b[0])), nil
	case it.U8:
		return ivalue.U8(b[0]), nil
	case it.S16:
		return ivalue.S16(int16(le.Uint16(b))), nil
	case it.U16:
		return ivalue.U16(le.Uint16(b)), nil
	case it.S32:
		return ivalue.S32(int32(le.Uint32(b))), nil
	case it.I32:
		return ivalue.I32(int32(le.Uint32(b))), nil
	case it.U32:
		return ivalue.U32(le.Uint32(b)), nil
	case it.F32:
		return ivalue.F32(math.Float32frombits(le.Uint32(b))), nil
	case it.S64:
		return ivalue.S64(int64(le.Uint64(b))), nil
	case it.I64:
		return ivalue.I64(int64(le.Uint64(b))), nil
	case it.U64:
		return ivalue.U64(le.Uint64(b)), nil
	case it.F64:
		return ivalue.F64(math.Float64frombits(le.Uint64(b))), nil
	case it.String:
		s, err := l.String(le.Uint32(b), le.Uint32(b[4:]))
		return ivalue.String(s), err
	case it.ByteArray:
		return l.array(it.TypeU8, le.Uint32(b), le.Uint32(b[4:]), depth+1)
	case it.Array:
		return l.array(*t.Elem, le.Uint32(b), le.Uint32(b[4:]), depth+1)
	case it.Record:
		return l.record(t.RecordID, le.Uint32(b), depth+1)
	}
	return nil, fmt.Errorf("cannot lift %s", t)
}

// Lowerer writes values into one module's memory, allocating through the
// module's allocate export.
type Lowerer struct {
	mem   Memory
	alloc AllocFunc
}

// NewLowerer returns a lowerer writing into mem and allocating with alloc.
func NewLowerer(mem Memory, alloc AllocFunc) *Lowerer {
	return &Lowerer{mem: mem, alloc: alloc}
}

func (lo *Lowerer) write(size, tag uint32, b []byte) (uint32, error) {
	ptr, err := lo.alloc(size, tag)
	if err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return ptr, nil
	}
	if !lo.mem.Write(ptr, b) {
		return 0, fmt.Errorf("writing %d bytes at %#x returned by allocate: %w of the %d-byte memory", len(b), ptr, ErrOutOfBounds, lo.mem.Size())
	}
	return ptr, nil
}

// Bytes allocates len(b) bytes (tag u8), copies b there and returns the
// address.
func (lo *Lowerer) Bytes(b []byte) (uint32, error) {
	if uint64(len(b)) > math.MaxUint32 {
		return 0, fmt.Errorf("%d bytes do not fit a 32-bit memory", len(b))
	}
	return lo.write(uint32(len(b)), it.TypeU8.AllocTag(), b)
}

// Array lowers the elements of an array or byte array and returns the
// address and the element count. An empty array is (0, 0) without an
// allocation.
func (lo *Lowerer) Array(v ivalue.Value) (ptr, count uint32, err error) {
	switch v := v.(type) {
	case ivalue.ByteArray:
		if len(v) == 0 {
			return 0, 0, nil
		}
		ptr, err := lo.Bytes(v)
		return ptr, uint32(len(v)), err
	case ivalue.Array:
		if len(v) == 0 {
			return 0, 0, nil
		}
		first := it.Type{Kind: v[0].Kind()}
		size := first.SerializedSize()
		total := uint64(size) * uint64(len(v))
		if total > math.MaxUint32 {
			return 0, 0, fmt.Errorf("an array of %d elements does not fit a 32-bit memory", len(v))
		}
		ptr, err := lo.alloc(uint32(total), first.AllocTag())
		if err != nil {
			return 0, 0, err
		}
		buf := make([]byte, 0, total)
		for i, e := range v {
			if e == nil || e.Kind() != first.Kind {
				return 0, 0, fmt.Errorf("element %d: array elements must all have the type of the first, %s", i, first.Kind)
			}
			if buf, err = lo.appendField(buf, e); err != nil {
				return 0, 0, fmt.Errorf("element %d: %w", i, err)
			}
		}
		if !lo.mem.Write(ptr, buf) {
			return 0, 0, fmt.Errorf("writing %d bytes at %#x returned by allocate: %w of the %d-byte memory", len(buf), ptr, ErrOutOfBounds, lo.mem.Size())
		}
		return ptr, uint32(len(v)), nil
	}
	return 0, 0, fmt.Errorf("cannot lower a %T as an array", v)
}

// Record lowers a record's fields, then the record itself, and returns its
// address.
func (lo *Lowerer) Record(r ivalue.Record) (uint32, error) {
	var buf []byte
	var err error
	for i, f := range r {
		if buf, err = lo.appendField(buf, f); err != nil {
			return 0, fmt.Errorf("field %d: %w", i, err)
		}
	}
	return lo.write(uint32(len(buf)), it.TypeU8.AllocTag(), buf)
}

// appendField serialises one value as an array element or record field,
// lowering what it points to first.
func (lo *Lowerer) appendField(b []byte, v ivalue.Value) ([]byte, error) {
	le := binary.LittleEndian
	switch v := v.(type) {
	case ivalue.Bool:
		if v {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case ivalue.S8:
		return append(b, byte(v)), nil
	case ivalue.U8:
		return append(b, byte(v)), nil
	case ivalue.S16:
		return le.AppendUint16(b, uint16(v)), nil
	case ivalue.U16:
		return le.AppendUint16(b, uint16(v)), nil
	case ivalue.S32:
		return le.AppendUint32(b, uint32(v)), nil
	case ivalue.I32:
		return le.AppendUint32(b, uint32(v)), nil
	case ivalue.U32:
		return le.AppendUint32(b, uint32(v)), nil
	case ivalue.F32:
		return le.AppendUint32(b, math.Float32bits(float32(v))), nil
	case ivalue.S64:
		return le.AppendUint64(b, uint64(v)), nil
	case ivalue.I64:
		return le.AppendUint64(b, uint64(v)), nil
	case ivalue.U64:
		return le.AppendUint64(b, uint64(v)), nil
	case ivalue.F64:
		return le.AppendUint64(b, math.Float64bits(float64(v))), nil
	case ivalue.String:
		ptr, err := lo.Bytes([]byte(v))
		if err != nil {
			return nil, err
		}
		return le.AppendUint32(le.AppendUint32(b, ptr), uint32(len(v))), nil
	case ivalue.ByteArray, ivalue.Array:
		ptr, n, err := lo.Array(v)
		if err != nil {
			return nil, err
		}
		return le.AppendUint32(le.AppendUint32(b, ptr), n), nil
	case ivalue.Record:
		ptr, err := lo.Record(v)
		if err != nil {
			return nil, err
		}
		return le.AppendUint32(b, ptr), nil
	}
	return nil, fmt.Errorf("cannot lower %T", v)
}
