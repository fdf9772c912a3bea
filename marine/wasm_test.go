package marine_test

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/wasmbin"
)

// This file assembles a small Marine module by hand, byte by byte, so that
// the tests can exercise what no well-behaved SDK produces: results
// pointing outside memory, endless loops, unchecked memory growth.

func uleb(v uint32) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v&0x7f)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func sleb(v int32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func vec(items ...[]byte) []byte {
	out := uleb(uint32(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func name(s string) []byte { return append(uleb(uint32(len(s))), s...) }

func section(id byte, payload []byte) []byte {
	return append(append([]byte{id}, uleb(uint32(len(payload)))...), payload...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

const (
	i32 = 0x7f
	end = 0x0b
)

func functype(params, results []byte) []byte {
	return cat([]byte{0x60}, uleb(uint32(len(params))), params, uleb(uint32(len(results))), results)
}

func i32Const(v int32) []byte  { return append([]byte{0x41}, sleb(v)...) }
func callFunc(f uint32) []byte { return append([]byte{0x10}, uleb(f)...) }
func localGet(i uint32) []byte { return append([]byte{0x20}, uleb(i)...) }
func globalGet(i uint32) []byte {
	return append([]byte{0x23}, uleb(i)...)
}
func globalSet(i uint32) []byte { return append([]byte{0x24}, uleb(i)...) }

// Function indices: imports first, then the module's own functions.
const (
	fLog    = iota // import __marine_host_api_v3.log_utf8_string
	fParams        // import __marine_host_api_v3.get_call_parameters
	fAllocate
	fRelease
	fGetResultSize
	fGetResultPtr
	fSetResultSize
	fSetResultPtr
	fBadString
	fSpin
	fAnswer
	fGrow
	fSay
	fCallParams
	fEcho
	fHog
)

// testModule builds the module. Its exports, with their interfaces:
//
//	bad_string(s: string) -> string   leaves a result pointer past the end of memory
//	spin()                            loops forever
//	answer() -> u32                   returns 42
//	grow(pages: u32) -> i32           memory.grow, returning its result
//	say()                             logs "hello" at info level
//	call_params() -> CallParameters   returns what get_call_parameters gave it
//	echo(s: string) -> string         returns s, for measuring a call's overhead
//	hog()                             grows memory until refused, then wrecks its
//	                                  allocator and traps, as a Rust module out of memory does
//
// withSections adds the Marine custom sections.
func testModule(t testing.TB, withSections bool) []byte {
	t.Helper()
	types := vec(
		functype([]byte{i32, i32, i32, i32}, nil), // 0 log
		functype(nil, nil),                        // 1 () -> ()
		functype([]byte{i32, i32}, []byte{i32}),   // 2 allocate
		functype(nil, []byte{i32}),                // 3 () -> i32
		functype([]byte{i32}, nil),                // 4 (i32) -> ()
		functype([]byte{i32, i32}, nil),           // 5 (i32, i32) -> ()
		functype([]byte{i32}, []byte{i32}),        // 6 (i32) -> i32
	)
	imports := vec(
		cat(name("__marine_host_api_v3"), name("log_utf8_string"), []byte{0x00}, uleb(0)),
		cat(name("__marine_host_api_v3"), name("get_call_parameters"), []byte{0x00}, uleb(1)),
	)
	funcs := vec(uleb(2), uleb(1), uleb(3), uleb(3), uleb(4), uleb(4), uleb(5), uleb(1), uleb(3), uleb(6), uleb(1), uleb(1), uleb(5), uleb(1))
	memory := vec([]byte{0x00, 0x01}) // min 1 page, no max
	mutI32 := func(v int32) []byte { return cat([]byte{i32, 0x01}, i32Const(v), []byte{end}) }
	globals := vec(mutI32(1024), mutI32(0), mutI32(0)) // heap top, result ptr, result size
	export := func(n string, kind byte, idx uint32) []byte { return cat(name(n), []byte{kind}, uleb(idx)) }
	exports := vec(
		export("memory", 0x02, 0),
		export("allocate", 0x00, fAllocate), export("release_objects", 0x00, fRelease),
		export("get_result_size", 0x00, fGetResultSize), export("get_result_ptr", 0x00, fGetResultPtr),
		export("set_result_size", 0x00, fSetResultSize), export("set_result_ptr", 0x00, fSetResultPtr),
		export("bad_string", 0x00, fBadString), export("spin", 0x00, fSpin), export("answer", 0x00, fAnswer),
		export("grow", 0x00, fGrow), export("say", 0x00, fSay), export("call_params", 0x00, fCallParams),
		export("echo", 0x00, fEcho), export("hog", 0x00, fHog),
	)
	body := func(code ...[]byte) []byte {
		b := cat(append([][]byte{{0x00}}, code...)...) // no locals
		b = append(b, end)
		return append(uleb(uint32(len(b))), b...)
	}
	codes := vec(
		// allocate: bump allocator, returns the old top.
		body(globalGet(0), globalGet(0), localGet(0), []byte{0x6a}, globalSet(0)),
		// release_objects: everything allocated was for the call that
		// ends, so the heap starts afresh.
		body(i32Const(1024), globalSet(0)),
		body(globalGet(2)),
		body(globalGet(1)),
		body(localGet(0), globalSet(2)),
		body(localGet(0), globalSet(1)),
		// bad_string: result (65530, 100) in a 64 KiB memory.
		body(i32Const(65530), callFunc(fSetResultPtr), i32Const(100), callFunc(fSetResultSize)),
		// spin: loop { br 0 }
		body([]byte{0x03, 0x40, 0x0c, 0x00, end}),
		body(i32Const(42)),
		body(localGet(0), []byte{0x40, 0x00}),
		// say: log_utf8_string(3, 0, 16, 5)
		body(i32Const(3), i32Const(0), i32Const(16), i32Const(5), callFunc(fLog)),
		// call_params: the host sets the result pointer.
		body(callFunc(fParams)),
		// echo: the argument, lowered into memory, is the result.
		body(localGet(0), callFunc(fSetResultPtr), localGet(1), callFunc(fSetResultSize)),
		// hog: loop { if memory.grow(16) == -1 { heap top = -16; unreachable } }
		body([]byte{0x03, 0x40}, i32Const(16), []byte{0x40, 0x00}, i32Const(-1), []byte{0x46, 0x04, 0x40},
			i32Const(-16), globalSet(0), []byte{0x00, end, 0x0c, 0x00, end}),
	)
	data := vec(cat([]byte{0x00}, i32Const(16), []byte{end}, name("hello")))
	wasm := cat([]byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00},
		section(1, types), section(2, imports), section(3, funcs), section(5, memory), section(6, globals),
		section(7, exports), section(10, codes), section(11, data))
	if !withSections {
		return wasm
	}
	sec, err := testSection().Encode()
	if err != nil {
		t.Fatal(err)
	}
	if wasm, err = wasmbin.SetCustomSection(wasm, it.SectionName, sec); err != nil {
		t.Fatal(err)
	}
	if wasm, err = wasmbin.SetCustomSection(wasm, it.SDKVersionSectionName, []byte("0.14.0")); err != nil {
		t.Fatal(err)
	}
	return wasm
}

func testSection() *it.Section {
	fn := func(args []it.Field, outs ...it.Type) it.TypeDef {
		return it.TypeDef{Func: &it.FuncType{Args: args, Outputs: outs}}
	}
	rec := func(n string, fields ...it.Field) it.TypeDef {
		return it.TypeDef{Record: &it.RecordType{Name: n, Fields: fields}}
	}
	f := func(n string, t it.Type) it.Field { return it.Field{Name: n, Type: t} }
	str := it.TypeString
	in := func(op it.Opcode, idx uint32) it.Instruction { return it.Instruction{Op: op, Index: idx} }
	return &it.Section{
		Version: "0.27.0",
		Types: []it.TypeDef{
			fn([]it.Field{f("size", it.TypeI32)}, it.TypeI32), fn(nil), fn(nil, it.TypeI32), fn(nil, it.TypeI32),
			fn([]it.Field{f("size", it.TypeI32)}), fn([]it.Field{f("ptr", it.TypeI32)}),
			fn([]it.Field{f("s", str)}, str), fn([]it.Field{f("s", str)}, str), // 6, 7 bad_string
			fn(nil), fn(nil), // 8, 9 spin
			fn(nil, it.TypeU32), fn(nil, it.TypeU32), // 10, 11 answer
			fn([]it.Field{f("pages", it.TypeU32)}, it.TypeS32), fn([]it.Field{f("pages", it.TypeU32)}, it.TypeS32), // 12, 13 grow
			fn(nil), fn(nil), // 14, 15 say
			rec("SecurityTetraplet", f("peer_pk", str), f("service_id", str), f("function_name", str), f("lens", str)), // 16
			rec("ParticleParameters", f("id", str), f("init_peer_id", str), f("timestamp", it.TypeU64), f("ttl", it.TypeU32),
				f("script", str), f("signature", it.TypeByteArray), f("token", str)), // 17
			rec("CallParameters", f("particle", it.RecordRef(17)), f("service_id", str), f("service_creator_peer_id", str),
				f("host_id", str), f("worker_id", str), f("tetraplets", it.ArrayOf(it.ArrayOf(it.RecordRef(16))))), // 18
			fn(nil, it.RecordRef(18)), fn(nil, it.RecordRef(18)), // 19, 20 call_params
			fn([]it.Field{f("s", str)}, str), fn([]it.Field{f("s", str)}, str), // 21, 22 echo
			fn(nil), fn(nil), // 23, 24 hog
		},
		Adapters: []it.Adapter{
			{Type: 6, Instructions: []it.Instruction{
				in(it.OpArgGet, 0), {Op: it.OpStringSize}, {Op: it.OpI32Push, Value: 1}, in(it.OpCallCore, 0),
				in(it.OpArgGet, 0), {Op: it.OpStringLowerMemory}, in(it.OpCallCore, 6),
				in(it.OpCallCore, 3), in(it.OpCallCore, 2), {Op: it.OpStringLiftMemory}, in(it.OpCallCore, 1),
			}},
			{Type: 8, Instructions: []it.Instruction{in(it.OpCallCore, 7)}},
			{Type: 10, Instructions: []it.Instruction{in(it.OpCallCore, 8), {Op: it.OpU32FromI32}}},
			{Type: 12, Instructions: []it.Instruction{in(it.OpArgGet, 0), {Op: it.OpI32FromU32}, in(it.OpCallCore, 9), {Op: it.OpS32FromI32}}},
			{Type: 14, Instructions: []it.Instruction{in(it.OpCallCore, 10)}},
			{Type: 19, Instructions: []it.Instruction{in(it.OpCallCore, 11), in(it.OpCallCore, 3), in(it.OpRecordLiftMemory, 18), in(it.OpCallCore, 1)}},
			{Type: 21, Instructions: []it.Instruction{
				in(it.OpArgGet, 0), {Op: it.OpStringSize}, {Op: it.OpI32Push, Value: 1}, in(it.OpCallCore, 0),
				in(it.OpArgGet, 0), {Op: it.OpStringLowerMemory}, in(it.OpCallCore, 12),
				in(it.OpCallCore, 3), in(it.OpCallCore, 2), {Op: it.OpStringLiftMemory}, in(it.OpCallCore, 1),
			}},
			{Type: 23, Instructions: []it.Instruction{in(it.OpCallCore, 13)}},
		},
		Exports: []it.Export{
			{Name: "allocate", Type: 0}, {Name: "release_objects", Type: 1}, {Name: "get_result_size", Type: 2},
			{Name: "get_result_ptr", Type: 3}, {Name: "set_result_size", Type: 4}, {Name: "set_result_ptr", Type: 5},
			{Name: "bad_string", Type: 7}, {Name: "spin", Type: 9}, {Name: "answer", Type: 11}, {Name: "grow", Type: 13},
			{Name: "say", Type: 15}, {Name: "call_params", Type: 20}, {Name: "echo", Type: 22},
			{Name: "hog", Type: 24},
		},
		Implementations: []it.Implementation{{Core: 7, Adapter: 6}, {Core: 9, Adapter: 8}, {Core: 11, Adapter: 10},
			{Core: 13, Adapter: 12}, {Core: 15, Adapter: 14}, {Core: 20, Adapter: 19}, {Core: 22, Adapter: 21},
			{Core: 24, Adapter: 23}},
	}
}
