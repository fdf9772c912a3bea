package it_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/internal/reftest"
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/wasmbin"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a section shaped like the reference generator's output for a
// module exporting greeting(name: string) -> string and a record-typed
// function, with every kind of type and instruction somewhere in it.
func sample() *it.Section {
	fn := func(args []it.Field, outs ...it.Type) it.TypeDef {
		return it.TypeDef{Func: &it.FuncType{Args: args, Outputs: outs}}
	}
	size := []it.Field{{Name: "size", Type: it.TypeI32}}
	ptr := []it.Field{{Name: "ptr", Type: it.TypeI32}}
	name := []it.Field{{Name: "name", Type: it.TypeString}}
	rec := it.TypeDef{Record: &it.RecordType{Name: "Point", Fields: []it.Field{
		{Name: "x", Type: it.TypeS32}, {Name: "y", Type: it.TypeF64}, {Name: "tags", Type: it.ArrayOf(it.TypeString)},
		{Name: "raw", Type: it.TypeByteArray}, {Name: "ok", Type: it.TypeBool}, {Name: "big", Type: it.TypeU64},
	}}}
	all := []it.Field{
		{Name: "a", Type: it.TypeS8}, {Name: "b", Type: it.TypeS16}, {Name: "c", Type: it.TypeS64},
		{Name: "d", Type: it.TypeU8}, {Name: "e", Type: it.TypeU16}, {Name: "f", Type: it.TypeU32},
		{Name: "g", Type: it.TypeF32}, {Name: "h", Type: it.TypeI64},
		{Name: "p", Type: it.RecordRef(6)}, {Name: "m", Type: it.ArrayOf(it.ArrayOf(it.RecordRef(6)))},
	}
	return &it.Section{
		Version: "0.27.0",
		Types: []it.TypeDef{
			fn(size, it.TypeI32), fn(nil), fn(nil, it.TypeI32), fn(nil, it.TypeI32), fn(ptr), fn(ptr),
			rec,
			fn(name, it.TypeString), fn(name, it.TypeString),
			fn(all, it.RecordRef(6)), fn(all, it.RecordRef(6)),
		},
		Imports: []it.Import{{Namespace: "other", Name: "greeting", Type: 8}},
		Adapters: []it.Adapter{
			{Type: 7, Instructions: []it.Instruction{
				{Op: it.OpArgGet, Index: 0}, {Op: it.OpStringSize}, {Op: it.OpI32Push, Value: 1}, {Op: it.OpCallCore, Index: 0},
				{Op: it.OpArgGet, Index: 0}, {Op: it.OpStringLowerMemory}, {Op: it.OpCallCore, Index: 6},
				{Op: it.OpCallCore, Index: 3}, {Op: it.OpCallCore, Index: 2}, {Op: it.OpStringLiftMemory}, {Op: it.OpCallCore, Index: 1},
			}},
			{Type: 9, Instructions: []it.Instruction{
				{Op: it.OpArgGet, Index: 0}, {Op: it.OpI32FromS8}, {Op: it.OpS8FromI32}, {Op: it.OpI64FromU64}, {Op: it.OpU64FromI64},
				{Op: it.OpI32FromBool}, {Op: it.OpBoolFromI32}, {Op: it.OpI32Push, Value: -5}, {Op: it.OpI64Push, Value: 1 << 40},
				{Op: it.OpDup}, {Op: it.OpSwap2}, {Op: it.OpRecordLowerMemory, Index: 6}, {Op: it.OpRecordLiftMemory, Index: 6},
				{Op: it.OpArrayLowerMemory, Type: it.ArrayOf(it.TypeU8)}, {Op: it.OpArrayLiftMemory, Type: it.RecordRef(6)},
				{Op: it.OpByteArrayLowerMemory}, {Op: it.OpByteArrayLiftMemory}, {Op: it.OpByteArraySize},
			}},
		},
		Exports:         []it.Export{{Name: "allocate", Type: 0}, {Name: "greeting", Type: 8}, {Name: "points", Type: 10}},
		Implementations: []it.Implementation{{Core: 8, Adapter: 7}, {Core: 10, Adapter: 9}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %q\nwant: %q", name, got, want)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := sample()
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.it", b)
	got, err := it.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("decode(encode(s)) differs from s:\n got %+v\nwant %+v", got, s)
	}
	golden(t, "sample.txt", []byte(got.Text()))
}

func TestDecodeErrors(t *testing.T) {
	valid, err := sample().Encode()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "no version"},
		{"two versions", []byte{5, 1, '1', 5, 1, '2'}, "more than one version"},
		{"unknown group", []byte{5, 1, '1', 9}, "unknown group 0x09"},
		{"truncated string", []byte{5, 9, '1'}, "unexpected end"},
		{"bad utf-8", []byte{5, 1, 0xff}, "invalid UTF-8"},
		{"huge count", []byte{5, 1, '1', 0, 0xff, 0xff, 0x03}, "exceeds"},
		{"unknown type", []byte{5, 1, '1', 0, 1, 0, 1, 1, 'a', 0x77, 0}, "unknown type opcode 0x77"},
		{"empty record", []byte{5, 1, '1', 0, 1, 1, 1, 'R', 0}, "at least one field"},
		{"unknown instruction", []byte{5, 1, '1', 2, 1, 0, 1, 0x99}, "unknown opcode 0x99"},
		{"leb overflow", []byte{5, 1, '1', 3, 1, 1, 'f', 0xff, 0xff, 0xff, 0xff, 0x7f}, "overflows 32 bits"},
		{"truncated valid", valid[:len(valid)-1], "implementations"},
		{"deep array", append([]byte{5, 1, '1', 0, 1, 0, 0, 1}, bytes.Repeat([]byte{0x36}, 100)...), "nested deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := it.Decode(tt.input)
			if err == nil {
				t.Fatalf("Decode succeeded, want an error containing %q", tt.want)
			}
			var de *it.DecodeError
			if !errors.As(err, &de) {
				t.Errorf("error %v is not a *DecodeError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestEncodeRefusesLongNames(t *testing.T) {
	s := &it.Section{Version: "0.27.0", Exports: []it.Export{{Name: strings.Repeat("x", 256)}}}
	if _, err := s.Encode(); err == nil || !strings.Contains(err.Error(), "at most 255") {
		t.Errorf("Encode() error = %v, want one about the 255-byte limit", err)
	}
}

func TestTypeSizesAndTags(t *testing.T) {
	tests := []struct {
		t    it.Type
		size uint32
		tag  uint32
		name string
	}{
		{it.TypeBool, 1, 0, "bool"},
		{it.TypeU8, 1, 1, "u8"},
		{it.TypeU16, 2, 2, "u16"},
		{it.TypeU32, 4, 3, "u32"},
		{it.TypeU64, 8, 4, "u64"},
		{it.TypeS8, 1, 5, "i8"},
		{it.TypeS16, 2, 6, "i16"},
		{it.TypeS32, 4, 7, "i32"},
		{it.TypeI32, 4, 7, "i32"},
		{it.TypeS64, 8, 8, "i64"},
		{it.TypeF32, 4, 9, "f32"},
		{it.TypeF64, 8, 10, "f64"},
		{it.TypeString, 8, 3, "string"},
		{it.TypeByteArray, 8, 3, "[]u8"},
		{it.ArrayOf(it.TypeString), 8, 3, "[]string"},
		{it.RecordRef(6), 4, 3, "Point"},
	}
	s := sample()
	for _, tt := range tests {
		if got := tt.t.SerializedSize(); got != tt.size {
			t.Errorf("%v.SerializedSize() = %d, want %d", tt.t, got, tt.size)
		}
		if got := tt.t.AllocTag(); got != tt.tag {
			t.Errorf("%v.AllocTag() = %d, want %d", tt.t, got, tt.tag)
		}
		if got := s.TypeName(tt.t); got != tt.name {
			t.Errorf("TypeName(%v) = %q, want %q", tt.t, got, tt.name)
		}
	}
	r, _ := s.Record(6)
	if got := r.Size(); got != 4+8+8+8+1+8 {
		t.Errorf("Point.Size() = %d, want 37", got)
	}
}

// TestReferenceAVM decodes the section of the reference AquaVM module, built
// with the Rust SDK, and checks that encoding it again gives the same bytes.
func TestReferenceAVM(t *testing.T) {
	wasm, err := os.ReadFile(reftest.AVM(t))
	if err != nil {
		t.Fatal(err)
	}
	secs, err := wasmbin.CustomSections(wasm, it.SectionName)
	if err != nil || len(secs) != 1 {
		t.Fatalf("CustomSections = %d sections, %v; want 1", len(secs), err)
	}
	s, err := it.Decode(secs[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, secs[0]) {
		t.Errorf("re-encoding the AquaVM section changed it")
	}
	var exports []string
	for _, e := range s.Exports {
		if _, ok := s.AdapterFor(e.Type); ok {
			exports = append(exports, e.Name)
		}
	}
	want := []string{"invoke", "invoke_tracing", "ast", "to_human_readable_data"}
	if !reflect.DeepEqual(exports, want) {
		t.Errorf("callable exports = %v, want %v", exports, want)
	}
}

func FuzzDecode(f *testing.F) {
	if b, err := sample().Encode(); err == nil {
		f.Add(b)
	}
	f.Add([]byte{5, 6, '0', '.', '2', '7', '.', '0'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := it.Decode(b)
		if err != nil {
			return
		}
		_ = s.Text()
		enc, err := s.Encode()
		if err != nil {
			return // names longer than 255 bytes cannot be written back
		}
		again, err := it.Decode(enc)
		if err != nil {
			t.Fatalf("decoding the re-encoded section: %v", err)
		}
		if !reflect.DeepEqual(s, again) {
			t.Fatalf("round trip changed the section")
		}
	})
}
