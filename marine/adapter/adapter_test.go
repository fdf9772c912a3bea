package adapter_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/adapter"
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
)

type memory struct{ b []byte }

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

// instance imitates a module exporting allocate (0), release_objects (1),
// get_result_size (2), get_result_ptr (3) and greeting (4), which reads
// the name it is given and leaves "Hi, <name>" as its result.
type instance struct {
	mem              *memory
	next             uint32
	resPtr, resSize  uint32
	released         int
	section          *it.Section
	funcs            []*adapter.Func
	allocs           [][2]uint32
	allocateOverride func(size, tag uint32) uint32
}

func newInstance() *instance {
	in := &instance{mem: &memory{b: make([]byte, 1024)}, next: 16, section: &it.Section{Types: []it.TypeDef{
		{Record: &it.RecordType{Name: "Pair", Fields: []it.Field{{Name: "a", Type: it.TypeU8}, {Name: "b", Type: it.TypeString}}}},
	}}}
	i32 := it.TypeI32
	in.funcs = []*adapter.Func{
		{Name: "allocate", Params: []it.Type{i32, i32}, Results: []it.Type{i32}, Call: func(ctx context.Context, a []ivalue.Value) ([]ivalue.Value, error) {
			p, err := in.Allocate(ctx, uint32(a[0].(ivalue.I32)), uint32(a[1].(ivalue.I32)))
			return []ivalue.Value{ivalue.I32(p)}, err
		}},
		{Name: "release_objects", Call: func(context.Context, []ivalue.Value) ([]ivalue.Value, error) {
			in.released++
			return nil, nil
		}},
		{Name: "get_result_size", Results: []it.Type{i32}, Call: func(context.Context, []ivalue.Value) ([]ivalue.Value, error) {
			return []ivalue.Value{ivalue.I32(in.resSize)}, nil
		}},
		{Name: "get_result_ptr", Results: []it.Type{i32}, Call: func(context.Context, []ivalue.Value) ([]ivalue.Value, error) {
			return []ivalue.Value{ivalue.I32(in.resPtr)}, nil
		}},
		{Name: "greeting", Params: []it.Type{i32, i32}, Call: func(ctx context.Context, a []ivalue.Value) ([]ivalue.Value, error) {
			name, ok := in.mem.Read(uint32(a[0].(ivalue.I32)), uint32(a[1].(ivalue.I32)))
			if !ok {
				return nil, errors.New("bad name")
			}
			out := append([]byte("Hi, "), name...)
			p, _ := in.Allocate(ctx, uint32(len(out)), 1)
			in.mem.Write(p, out)
			in.resPtr, in.resSize = p, uint32(len(out))
			return nil, nil
		}},
	}
	return in
}

func (in *instance) Func(i uint32) (*adapter.Func, bool) {
	if int(i) >= len(in.funcs) {
		return nil, false
	}
	return in.funcs[i], true
}
func (in *instance) Memory() lilo.Memory     { return in.mem }
func (in *instance) Records() ivalue.Records { return in.section }
func (in *instance) Allocate(_ context.Context, size, tag uint32) (uint32, error) {
	in.allocs = append(in.allocs, [2]uint32{size, tag})
	if in.allocateOverride != nil {
		return in.allocateOverride(size, tag), nil
	}
	p := in.next
	in.next += size
	return p, nil
}

func ins(op it.Opcode, index uint32) it.Instruction { return it.Instruction{Op: op, Index: index} }

// greeting is the adapter the reference generator writes for
// greeting(name: string) -> string.
var greeting = []it.Instruction{
	ins(it.OpArgGet, 0), {Op: it.OpStringSize}, {Op: it.OpI32Push, Value: 1}, ins(it.OpCallCore, 0),
	ins(it.OpArgGet, 0), {Op: it.OpStringLowerMemory}, ins(it.OpCallCore, 4),
	ins(it.OpCallCore, 3), ins(it.OpCallCore, 2), {Op: it.OpStringLiftMemory}, ins(it.OpCallCore, 1),
}

func TestGreetingAdapter(t *testing.T) {
	in := newInstance()
	out, err := adapter.Run(context.Background(), in, greeting, []ivalue.Value{ivalue.String("Marine")})
	if err != nil {
		t.Fatal(err)
	}
	if want := []ivalue.Value{ivalue.String("Hi, Marine")}; !reflect.DeepEqual(out, want) {
		t.Errorf("result = %#v, want %#v", out, want)
	}
	if in.released != 1 {
		t.Errorf("release_objects called %d times, want 1", in.released)
	}
	if want := [][2]uint32{{6, 1}, {10, 1}}; !reflect.DeepEqual(in.allocs, want) {
		t.Errorf("allocations = %v, want %v", in.allocs, want)
	}
}

func TestRecordAndArrayInstructions(t *testing.T) {
	in := newInstance()
	pair := ivalue.Record{ivalue.U8(3), ivalue.String("x")}
	code := []it.Instruction{
		ins(it.OpArgGet, 0), ins(it.OpRecordLowerMemory, 0), ins(it.OpRecordLiftMemory, 0),
		ins(it.OpArgGet, 1), {Op: it.OpArrayLowerMemory, Type: it.TypeString}, {Op: it.OpArrayLiftMemory, Type: it.TypeString},
		ins(it.OpArgGet, 2), {Op: it.OpDup}, {Op: it.OpByteArraySize}, {Op: it.OpI32Push, Value: 1}, ins(it.OpCallCore, 0),
		{Op: it.OpSwap2}, {Op: it.OpByteArrayLowerMemory}, {Op: it.OpByteArrayLiftMemory},
	}
	args := []ivalue.Value{pair, ivalue.Array{ivalue.String("a"), ivalue.String("bc")}, ivalue.ByteArray{9, 8}}
	out, err := adapter.Run(context.Background(), in, code, args)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, args) {
		t.Errorf("round trip = %#v, want %#v", out, args)
	}
}

func TestConversions(t *testing.T) {
	tests := []struct {
		op      it.Opcode
		in      ivalue.Value
		want    ivalue.Value
		wantErr string
	}{
		{it.OpS8FromI32, ivalue.I32(-128), ivalue.S8(-128), ""},
		{it.OpS8FromI32, ivalue.I32(128), nil, "i32 value 128 does not fit s8"},
		{it.OpU8FromI32, ivalue.I32(-1), nil, "does not fit u8"},
		{it.OpU32FromI32, ivalue.I32(-1), nil, "does not fit u32"},
		{it.OpU32FromI32, ivalue.I32(7), ivalue.U32(7), ""},
		{it.OpI32FromU32, ivalue.U32(1 << 31), nil, "does not fit i32"},
		{it.OpI64FromU64, ivalue.U64(1 << 63), nil, "does not fit i64"},
		{it.OpU64FromI64, ivalue.I64(-1), nil, "does not fit u64"},
		{it.OpU64FromI64, ivalue.I64(1 << 62), ivalue.U64(1 << 62), ""},
		{it.OpS64FromI32, ivalue.I32(-5), ivalue.S64(-5), ""},
		{it.OpI32FromS16, ivalue.S16(-300), ivalue.I32(-300), ""},
		{it.OpU16FromI64, ivalue.I64(65536), nil, "does not fit u16"},
		{it.OpBoolFromI32, ivalue.I32(2), ivalue.Bool(true), ""},
		{it.OpBoolFromI32, ivalue.I32(0), ivalue.Bool(false), ""},
		{it.OpI32FromBool, ivalue.Bool(true), ivalue.I32(1), ""},
		{it.OpS8FromI32, ivalue.I64(1), nil, "expected i32, got i64"},
	}
	for _, tt := range tests {
		t.Run(tt.op.String(), func(t *testing.T) {
			out, err := adapter.Run(context.Background(), newInstance(), []it.Instruction{ins(it.OpArgGet, 0), {Op: tt.op}}, []ivalue.Value{tt.in})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out, []ivalue.Value{tt.want}) {
				t.Errorf("got %#v, want %#v", out, tt.want)
			}
		})
	}
}

func TestMalformedAdapters(t *testing.T) {
	tests := []struct {
		name string
		code []it.Instruction
		args []ivalue.Value
		want string
	}{
		{"empty stack", []it.Instruction{{Op: it.OpStringSize}}, nil, "needs 1 values, the stack holds 0"},
		{"missing argument", []it.Instruction{ins(it.OpArgGet, 3)}, nil, "argument 3 does not exist"},
		{"unknown function", []it.Instruction{ins(it.OpCallCore, 99)}, nil, "no function with call-core index 99"},
		{"wrong operand", []it.Instruction{ins(it.OpArgGet, 0), ins(it.OpArgGet, 0), ins(it.OpCallCore, 0)},
			[]ivalue.Value{ivalue.String("s")}, "calling allocate: argument 0: string value, expected i32"},
		{"lift out of bounds", []it.Instruction{{Op: it.OpI32Push, Value: 1000}, {Op: it.OpI32Push, Value: 100}, {Op: it.OpStringLiftMemory}},
			nil, "out of bounds"},
		{"lower out of bounds", []it.Instruction{{Op: it.OpI32Push, Value: 1020}, ins(it.OpArgGet, 0), {Op: it.OpStringLowerMemory}},
			[]ivalue.Value{ivalue.String("too long for the end")}, "out of bounds"},
		{"record type mismatch", []it.Instruction{ins(it.OpArgGet, 0), ins(it.OpRecordLowerMemory, 0)},
			[]ivalue.Value{ivalue.Record{ivalue.U8(1)}}, "record Pair has 2 fields"},
		{"array element mismatch", []it.Instruction{ins(it.OpArgGet, 0), {Op: it.OpArrayLowerMemory, Type: it.TypeU32}},
			[]ivalue.Value{ivalue.Array{ivalue.U8(1)}}, "element 0: u8 value, expected u32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := adapter.Run(context.Background(), newInstance(), tt.code, tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func FuzzRun(f *testing.F) {
	enc := func(code []it.Instruction) []byte {
		b, err := (&it.Section{Version: "0", Adapters: []it.Adapter{{Instructions: code}}}).Encode()
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(enc(greeting), "Marine")
	f.Add(enc([]it.Instruction{ins(it.OpArgGet, 0), ins(it.OpRecordLowerMemory, 0)}), "")
	f.Fuzz(func(t *testing.T, section []byte, arg string) {
		s, err := it.Decode(section)
		if err != nil || len(s.Adapters) == 0 {
			return
		}
		in := newInstance()
		in.allocateOverride = func(size, tag uint32) uint32 { return size * 7 } // hostile allocator
		_, _ = adapter.Run(context.Background(), in, s.Adapters[0].Instructions, []ivalue.Value{ivalue.String(arg), ivalue.I32(len(arg))})
	})
}

func BenchmarkGreetingAdapter(b *testing.B) {
	args := []ivalue.Value{ivalue.String("Marine")}
	ctx := context.Background()
	in := newInstance()
	for b.Loop() {
		in.next = 16
		if _, err := adapter.Run(ctx, in, greeting, args); err != nil {
			b.Fatal(err)
		}
	}
}
