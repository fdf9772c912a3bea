package lilo_test

import (
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
)

// memory is a linear memory with a bump allocator that logs its calls.
type memory struct {
	b      []byte
	next   uint32
	allocs [][2]uint32
}

func newMemory(size int) *memory { return &memory{b: make([]byte, size), next: 8} }

func (m *memory) Size() uint32 { return uint32(len(m.b)) }

func (m *memory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n], true
}

func (m *memory) Write(off uint32, v []byte) bool {
	if uint64(off)+uint64(len(v)) > uint64(len(m.b)) {
		return false
	}
	copy(m.b[off:], v)
	return true
}

func (m *memory) alloc(size, tag uint32) (uint32, error) {
	m.allocs = append(m.allocs, [2]uint32{size, tag})
	if size == 0 {
		return 0, nil
	}
	p := m.next
	if uint64(p)+uint64(size) > uint64(len(m.b)) {
		return 0, errors.New("out of memory")
	}
	m.next += size
	return p, nil
}

// recs: 0 = Inner{flag: bool, n: u16}, 1 = Outer{...every kind...},
// 2 = Loop{next: Loop} (a record that contains itself).
var recs = &it.Section{Types: []it.TypeDef{
	{Record: &it.RecordType{Name: "Inner", Fields: []it.Field{{Name: "flag", Type: it.TypeBool}, {Name: "n", Type: it.TypeU16}}}},
	{Record: &it.RecordType{Name: "Outer", Fields: []it.Field{
		{Name: "s8", Type: it.TypeS8}, {Name: "s16", Type: it.TypeS16}, {Name: "s32", Type: it.TypeS32}, {Name: "s64", Type: it.TypeS64},
		{Name: "u8", Type: it.TypeU8}, {Name: "u32", Type: it.TypeU32}, {Name: "u64", Type: it.TypeU64},
		{Name: "i32", Type: it.TypeI32}, {Name: "i64", Type: it.TypeI64},
		{Name: "f32", Type: it.TypeF32}, {Name: "f64", Type: it.TypeF64},
		{Name: "s", Type: it.TypeString}, {Name: "empty", Type: it.TypeString}, {Name: "raw", Type: it.TypeByteArray},
		{Name: "strs", Type: it.ArrayOf(it.TypeString)}, {Name: "nested", Type: it.ArrayOf(it.ArrayOf(it.TypeU32))},
		{Name: "inner", Type: it.RecordRef(0)}, {Name: "inners", Type: it.ArrayOf(it.RecordRef(0))},
		{Name: "bools", Type: it.ArrayOf(it.TypeBool)}, {Name: "none", Type: it.ArrayOf(it.TypeF64)},
	}}},
	{Record: &it.RecordType{Name: "Loop", Fields: []it.Field{{Name: "next", Type: it.RecordRef(2)}}}},
}}

func outer() ivalue.Record {
	return ivalue.Record{
		ivalue.S8(-8), ivalue.S16(-16), ivalue.S32(-32), ivalue.S64(-64),
		ivalue.U8(8), ivalue.U32(1 << 31), ivalue.U64(1 << 63),
		ivalue.I32(-1), ivalue.I64(-2),
		ivalue.F32(1.5), ivalue.F64(-2.25),
		ivalue.String("héllo"), ivalue.String(""), ivalue.ByteArray{0, 1, 255},
		ivalue.Array{ivalue.String("a"), ivalue.String(""), ivalue.String("ccc")},
		ivalue.Array{ivalue.Array{ivalue.U32(1), ivalue.U32(2)}, ivalue.Array{}},
		ivalue.Record{ivalue.Bool(true), ivalue.U16(7)},
		ivalue.Array{ivalue.Record{ivalue.Bool(false), ivalue.U16(1)}, ivalue.Record{ivalue.Bool(true), ivalue.U16(2)}},
		ivalue.Array{ivalue.Bool(true), ivalue.Bool(false)},
		ivalue.Array{},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	m := newMemory(4096)
	ptr, err := lilo.NewLowerer(m, m.alloc).Record(outer())
	if err != nil {
		t.Fatal(err)
	}
	got, err := lilo.NewLifter(m, recs).Record(1, ptr)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, outer()) {
		t.Errorf("lift(lower(v)) =\n%#v\nwant\n%#v", got, outer())
	}
}

// TestAllocationCalls pins the allocate calls to those the reference
// makes: byte sizes, element tags, nested values before the record that
// holds them, an array's buffer before its elements, nothing for empty
// arrays and allocate(0, 1) for empty strings.
func TestAllocationCalls(t *testing.T) {
	m := newMemory(4096)
	if _, err := lilo.NewLowerer(m, m.alloc).Record(outer()); err != nil {
		t.Fatal(err)
	}
	want := [][2]uint32{
		{6, 1},         // "héllo"
		{0, 1},         // ""
		{3, 1},         // raw
		{24, 3},        // strs: 3 × (ptr, len)
		{1, 1},         // "a"
		{0, 1},         // ""
		{3, 1},         // "ccc"
		{16, 3},        // nested: 2 × (ptr, len)
		{8, 3},         // [1, 2] as u32
		{3, 1},         // inner record
		{8, 3},         // inners: 2 pointers
		{3, 1}, {3, 1}, // the two Inner records
		{2, 0},   // bools
		{120, 1}, // Outer itself
	}
	if !reflect.DeepEqual(m.allocs, want) {
		t.Errorf("allocate calls = %v\nwant %v", m.allocs, want)
	}
}

func TestLiftRejectsBadMemory(t *testing.T) {
	le := binary.LittleEndian
	tests := []struct {
		name  string
		setup func(m *memory) (ivalue.Value, error)
		want  string
	}{
		{"string out of bounds", func(m *memory) (ivalue.Value, error) {
			s, err := lilo.NewLifter(m, recs).String(250, 10)
			return ivalue.String(s), err
		}, "out of bounds"},
		{"string overflowing 32 bits", func(m *memory) (ivalue.Value, error) {
			s, err := lilo.NewLifter(m, recs).String(0xffffffff, 0xffffffff)
			return ivalue.String(s), err
		}, "out of bounds"},
		{"invalid utf-8", func(m *memory) (ivalue.Value, error) {
			copy(m.b[16:], []byte{0xff, 0xfe})
			s, err := lilo.NewLifter(m, recs).String(16, 2)
			return ivalue.String(s), err
		}, "not valid UTF-8"},
		{"huge array count", func(m *memory) (ivalue.Value, error) {
			return lilo.NewLifter(m, recs).Array(it.TypeU64, 0, 0xffffffff)
		}, "out of bounds"},
		{"nested pointer out of bounds", func(m *memory) (ivalue.Value, error) {
			le.PutUint32(m.b[16:], 1000)
			le.PutUint32(m.b[20:], 5)
			return lilo.NewLifter(m, recs).Array(it.TypeString, 16, 1)
		}, "element 0: reading 5 bytes at 0x3e8: out of bounds"},
		{"cyclic record", func(m *memory) (ivalue.Value, error) {
			m.b = make([]byte, 1<<16)
			le.PutUint32(m.b[32:], 32) // Loop{next: itself}
			return lilo.NewLifter(m, recs).Record(2, 32)
		}, "nested deeper"},
		{"amplifying pointers", func(m *memory) (ivalue.Value, error) {
			// 30 (ptr, len) pairs all naming the same 200-byte array.
			for i := range 30 {
				le.PutUint32(m.b[8*i:], 0)
				le.PutUint32(m.b[8*i+4:], 200)
			}
			return lilo.NewLifter(m, recs).Array(it.ArrayOf(it.TypeU8), 0, 30)
		}, "larger than the module's memory"},
		{"unknown record", func(m *memory) (ivalue.Value, error) {
			return lilo.NewLifter(m, recs).Record(9, 0)
		}, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemory(256)
			_, err := tt.setup(m)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLowerRejectsBadAllocations(t *testing.T) {
	m := newMemory(64)
	bad := func(size, tag uint32) (uint32, error) { return 60, nil }
	if _, err := lilo.NewLowerer(m, bad).Bytes(make([]byte, 10)); err == nil || !errors.Is(err, lilo.ErrOutOfBounds) {
		t.Errorf("Bytes with an allocate returning a pointer near the end: error = %v, want ErrOutOfBounds", err)
	}
	if _, _, err := lilo.NewLowerer(m, m.alloc).Array(ivalue.Array{ivalue.U8(1), ivalue.S8(1)}); err == nil {
		t.Error("Array with mixed element types succeeded")
	}
}

func FuzzLift(f *testing.F) {
	m := newMemory(512)
	ptr, err := lilo.NewLowerer(m, m.alloc).Record(outer())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(m.b, ptr)
	f.Add(make([]byte, 64), uint32(3))
	f.Fuzz(func(t *testing.T, b []byte, ptr uint32) {
		m := &memory{b: b}
		l := lilo.NewLifter(m, recs)
		_, _ = l.Record(1, ptr)
		_, _ = lilo.NewLifter(m, recs).Record(2, ptr)
		_, _ = lilo.NewLifter(m, recs).Array(it.ArrayOf(it.TypeString), ptr, ptr>>16)
	})
}

func BenchmarkLowerLiftRecord(b *testing.B) {
	m := newMemory(1 << 20)
	v := outer()
	b.ReportAllocs()
	for b.Loop() {
		m.next = 8
		ptr, err := lilo.NewLowerer(m, m.alloc).Record(v)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lilo.NewLifter(m, recs).Record(1, ptr); err != nil {
			b.Fatal(err)
		}
	}
}
