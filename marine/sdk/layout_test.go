package sdk_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
	"github.com/aquarium-p2p/aquarium/marine/sdk"
)

// flat is a linear memory with a bump allocator, usable both as the
// SDK's Memory and as lilo's, so the test can check that what the SDK
// writes is what the runtime reads and the other way round.
type flat struct {
	b    []byte
	next uint32
}

func (f *flat) Store(b []byte) uint32 {
	p := f.next
	copy(f.b[p:], b)
	f.next += uint32(len(b))
	return p
}

func (f *flat) Load(ptr, n uint32) ([]byte, error) {
	if uint64(ptr)+uint64(n) > uint64(len(f.b)) {
		return nil, errors.New("out of bounds")
	}
	return f.b[ptr : ptr+n], nil
}

func (f *flat) Size() uint32 { return uint32(len(f.b)) }
func (f *flat) Read(off, n uint32) ([]byte, bool) {
	b, err := f.Load(off, n)
	return b, err == nil
}
func (f *flat) Write(off uint32, v []byte) bool {
	if uint64(off)+uint64(len(v)) > uint64(len(f.b)) {
		return false
	}
	copy(f.b[off:], v)
	return true
}
func (f *flat) alloc(size, _ uint32) (uint32, error) {
	p := f.next
	f.next += size
	return p, nil
}

type inner struct {
	Flag bool
	N    uint16
}

type outer struct {
	A     int8
	B     int64
	C     float32
	S     string
	Raw   []byte
	Strs  []string
	In    inner
	Ins   []inner
	Grid  [][]uint32
	Empty []string
}

var recs = &it.Section{Types: []it.TypeDef{
	{Record: &it.RecordType{Name: "inner", Fields: []it.Field{{Name: "flag", Type: it.TypeBool}, {Name: "n", Type: it.TypeU16}}}},
	{Record: &it.RecordType{Name: "outer", Fields: []it.Field{
		{Name: "a", Type: it.TypeS8}, {Name: "b", Type: it.TypeS64}, {Name: "c", Type: it.TypeF32}, {Name: "s", Type: it.TypeString},
		{Name: "raw", Type: it.TypeByteArray}, {Name: "strs", Type: it.ArrayOf(it.TypeString)}, {Name: "in", Type: it.RecordRef(0)},
		{Name: "ins", Type: it.ArrayOf(it.RecordRef(0))}, {Name: "grid", Type: it.ArrayOf(it.ArrayOf(it.TypeU32))},
		{Name: "empty", Type: it.ArrayOf(it.TypeString)},
	}}},
}}

func sample() outer {
	return outer{A: -5, B: 1 << 40, C: 1.5, S: "héllo", Raw: []byte{1, 2}, Strs: []string{"x", ""},
		In: inner{true, 7}, Ins: []inner{{false, 1}, {true, 2}}, Grid: [][]uint32{{1, 2}, {}}, Empty: []string{}}
}

func TestSDKWritesWhatTheRuntimeReads(t *testing.T) {
	m := &flat{b: make([]byte, 4096), next: 8}
	ptr, _ := sdk.Encode(m, sample())
	got, err := lilo.NewLifter(m, recs).Record(1, ptr)
	if err != nil {
		t.Fatal(err)
	}
	want := ivalue.Record{ivalue.S8(-5), ivalue.S64(1 << 40), ivalue.F32(1.5), ivalue.String("héllo"), ivalue.ByteArray{1, 2},
		ivalue.Array{ivalue.String("x"), ivalue.String("")}, ivalue.Record{ivalue.Bool(true), ivalue.U16(7)},
		ivalue.Array{ivalue.Record{ivalue.Bool(false), ivalue.U16(1)}, ivalue.Record{ivalue.Bool(true), ivalue.U16(2)}},
		ivalue.Array{ivalue.Array{ivalue.U32(1), ivalue.U32(2)}, ivalue.Array{}}, ivalue.Array{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("runtime read\n%#v\nwant\n%#v", got, want)
	}
}

func TestRuntimeWritesWhatTheSDKReads(t *testing.T) {
	m := &flat{b: make([]byte, 4096), next: 8}
	m2 := &flat{b: make([]byte, 4096), next: 8}
	ptr, _ := sdk.Encode(m2, sample())
	v, err := lilo.NewLifter(m2, recs).Record(1, ptr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := lilo.NewLowerer(m, m.alloc).Record(v)
	if err != nil {
		t.Fatal(err)
	}
	var got outer
	if err := sdk.Decode(m, p, 0, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sample()) {
		t.Errorf("SDK read\n%#v\nwant\n%#v", got, sample())
	}
}

func FuzzDecode(f *testing.F) {
	m := &flat{b: make([]byte, 512), next: 8}
	ptr, _ := sdk.Encode(m, sample())
	f.Add(m.b, ptr)
	f.Fuzz(func(t *testing.T, b []byte, ptr uint32) {
		var o outer
		_ = sdk.Decode(&flat{b: b}, ptr, 0, &o)
		var s []string
		_ = sdk.Decode(&flat{b: b}, ptr, ptr>>20, &s)
	})
}
