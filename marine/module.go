package marine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero/api"

	"github.com/aquarium-p2p/aquarium/marine/adapter"
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
	"github.com/aquarium-p2p/aquarium/marine/wasmbin"
)

// Minimum versions the reference accepts.
var (
	minSDKVersion = [3]int{0, 6, 0}
	minITVersion  = [3]int{0, 20, 0}
)

// ModuleInfo is what a module file says about itself, read without
// running it.
type ModuleInfo struct {
	SDKVersion string
	Section    *it.Section
	Interface  Interface
	// MinMemory is the linear memory, in bytes, that the module's memory
	// section asks for at start, exported or not.
	MinMemory uint64
}

// Inspect reads a Marine module's custom sections: the SDK version and the
// interface types. It fails, saying what is missing, for a Wasm module that
// was not built as a Marine module.
func Inspect(wasm []byte) (*ModuleInfo, error) {
	secs, err := wasmbin.Sections(wasm)
	if err != nil {
		return nil, err
	}
	var itSecs, sdkSecs [][]byte
	var minMemory uint64
	for _, s := range secs {
		if s.ID == memorySectionID {
			if minMemory, err = declaredMemory(s.Data); err != nil {
				return nil, err
			}
		}
		if s.ID != 0 {
			continue
		}
		switch s.Name {
		case it.SectionName:
			itSecs = append(itSecs, s.Data)
		case it.SDKVersionSectionName:
			sdkSecs = append(sdkSecs, s.Data)
		}
	}
	const hint = "; build it with the Marine Rust SDK (marine build) or `aquarium marine build`, or add the section with `marine set`"
	switch len(sdkSecs) {
	case 0:
		return nil, fmt.Errorf("not a Marine module: there is no %s custom section%s", it.SDKVersionSectionName, hint)
	case 1:
	default:
		return nil, fmt.Errorf("the module has %d %s sections, expected one", len(sdkSecs), it.SDKVersionSectionName)
	}
	switch len(itSecs) {
	case 0:
		return nil, fmt.Errorf("not a Marine module: there is no %s custom section%s", it.SectionName, hint)
	case 1:
	default:
		return nil, fmt.Errorf("the module has %d %s sections, expected one", len(itSecs), it.SectionName)
	}
	sdk := strings.TrimSpace(string(sdkSecs[0]))
	if err := checkVersion("SDK", sdk, minSDKVersion); err != nil {
		return nil, err
	}
	section, err := it.Decode(itSecs[0])
	if err != nil {
		return nil, err
	}
	if err := checkVersion("interface-types", section.Version, minITVersion); err != nil {
		return nil, err
	}
	iface, err := newInterface(section)
	if err != nil {
		return nil, err
	}
	return &ModuleInfo{SDKVersion: sdk, Section: section, Interface: iface, MinMemory: minMemory}, nil
}

// memorySectionID is the id of a Wasm module's memory section.
const memorySectionID = 5

// declaredMemory sums the initial sizes of the memories a memory section
// declares, in bytes. The service checks it against its memory limit
// before instantiating: wazero allocates a memory's initial size whether
// or not the module exports it, and only exported memories are listed.
func declaredMemory(sec []byte) (uint64, error) {
	const pageSize = 65536
	count, n := binary.Uvarint(sec)
	if n <= 0 {
		return 0, errors.New("malformed memory section: no memory count")
	}
	sec = sec[n:]
	var total uint64
	for i := uint64(0); i < count; i++ {
		if len(sec) == 0 {
			return 0, fmt.Errorf("malformed memory section: memory %d of %d is missing", i, count)
		}
		flags := sec[0]
		pages, n := binary.Uvarint(sec[1:])
		if n <= 0 || pages > 1<<32 {
			return 0, fmt.Errorf("malformed memory section: memory %d has no valid minimum size", i)
		}
		sec = sec[1+n:]
		if flags&1 != 0 { // a maximum follows
			if _, n = binary.Uvarint(sec); n <= 0 {
				return 0, fmt.Errorf("malformed memory section: memory %d has no valid maximum size", i)
			}
			sec = sec[n:]
		}
		total += pages * pageSize
	}
	return total, nil
}

func checkVersion(what, v string, minimum [3]int) error {
	parts := strings.SplitN(strings.SplitN(v, "-", 2)[0], ".", 3)
	if len(parts) != 3 {
		return fmt.Errorf("%s version %q is not a semantic version", what, v)
	}
	var got [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("%s version %q is not a semantic version", what, v)
		}
		got[i] = n
	}
	for i := range got {
		if got[i] != minimum[i] {
			if got[i] < minimum[i] {
				return fmt.Errorf("%s version %s is too old, at least %d.%d.%d is required", what, v, minimum[0], minimum[1], minimum[2])
			}
			break
		}
	}
	return nil
}

// export is a callable function of a module: an IT export with an
// adapter.
type export struct {
	name string
	typ  *it.FuncType
	code []it.Instruction
}

// module is an instantiated module of a service.
type module struct {
	name    string
	svc     *Service
	section *it.Section
	inst    api.Module
	mem     api.Memory
	alloc   api.Function
	setPtr  api.Function
	setSize api.Function
	funcs   []*adapter.Func // the call-core table
	exports map[string]*export
}

// Func implements adapter.Instance.
func (m *module) Func(i uint32) (*adapter.Func, bool) {
	if int64(i) >= int64(len(m.funcs)) {
		return nil, false
	}
	return m.funcs[i], true
}

// Memory implements adapter.Instance.
func (m *module) Memory() lilo.Memory { return m.mem }

// Records implements adapter.Instance.
func (m *module) Records() ivalue.Records { return m.section }

// Allocate implements adapter.Instance: it calls the module's allocate
// export with the byte size and the element tag, as the reference does.
func (m *module) Allocate(ctx context.Context, size, tag uint32) (uint32, error) {
	res, err := m.alloc.Call(ctx, uint64(size), uint64(tag))
	if err != nil {
		return 0, fmt.Errorf("module %s: allocate(%d, %d): %w", m.name, size, tag, trapped(err))
	}
	return api.DecodeU32(res[0]), nil
}

func (m *module) setResult(ctx context.Context, ptr, size uint32, withSize bool) error {
	if _, err := m.setPtr.Call(ctx, uint64(ptr)); err != nil {
		return fmt.Errorf("module %s: set_result_ptr: %w", m.name, trapped(err))
	}
	if withSize {
		if _, err := m.setSize.Call(ctx, uint64(size)); err != nil {
			return fmt.Errorf("module %s: set_result_size: %w", m.name, trapped(err))
		}
	}
	return nil
}

// requiredExports are the ABI helpers every module must export.
var requiredExports = []string{"allocate", "release_objects", "get_result_ptr", "get_result_size", "set_result_ptr", "set_result_size"}

// link builds the call-core table and the callable exports once the
// module is instantiated: first every IT export, resolved to the Wasm
// export of the same name, then every IT import that has an adapter,
// resolved to the dependency's IT export.
func (m *module) link() error {
	m.mem = m.inst.Memory()
	if m.mem == nil {
		return fmt.Errorf("module %s does not export its memory", m.name)
	}
	for _, name := range requiredExports {
		if m.inst.ExportedFunction(name) == nil {
			return fmt.Errorf("module %s does not export %s, which Marine modules must export", m.name, name)
		}
	}
	m.alloc = m.inst.ExportedFunction("allocate")
	m.setPtr = m.inst.ExportedFunction("set_result_ptr")
	m.setSize = m.inst.ExportedFunction("set_result_size")
	m.funcs = nil
	m.exports = make(map[string]*export)
	for _, e := range m.section.Exports {
		fn := m.inst.ExportedFunction(e.Name)
		if fn == nil {
			return fmt.Errorf("module %s: the interface exports %s, the Wasm module does not", m.name, e.Name)
		}
		m.funcs = append(m.funcs, coreFunc(e.Name, fn))
		adapterType, ok := m.section.AdapterFor(e.Type)
		if !ok {
			continue // an ABI helper, not part of the interface
		}
		code, ok := m.section.Adapter(adapterType)
		if !ok {
			return fmt.Errorf("module %s: export %s has no adapter for type %d", m.name, e.Name, adapterType)
		}
		typ, err := m.section.Func(adapterType)
		if err != nil {
			return fmt.Errorf("module %s: export %s: %w", m.name, e.Name, err)
		}
		m.exports[e.Name] = &export{name: e.Name, typ: typ, code: code}
	}
	for _, im := range m.section.Imports {
		if _, ok := m.section.AdapterFor(im.Type); !ok {
			continue
		}
		dep := m.svc.module(im.Namespace)
		if dep == nil {
			return fmt.Errorf("module %s imports %s.%s, but no module %s is loaded before it", m.name, im.Namespace, im.Name, im.Namespace)
		}
		if im.Type < 2 {
			return fmt.Errorf("module %s: import %s.%s has type %d, below the IT signature it must follow", m.name, im.Namespace, im.Name, im.Type)
		}
		sig, err := m.section.Func(im.Type - 2)
		if err != nil {
			return fmt.Errorf("module %s: import %s.%s: %w", m.name, im.Namespace, im.Name, err)
		}
		name := im.Name
		params := make([]it.Type, len(sig.Args))
		for i, a := range sig.Args {
			params[i] = a.Type
		}
		m.funcs = append(m.funcs, &adapter.Func{
			Name: im.Namespace + "." + name, Params: params, Results: sig.Outputs,
			Call: func(ctx context.Context, args []ivalue.Value) ([]ivalue.Value, error) {
				return dep.call(ctx, name, args)
			},
		})
	}
	return nil
}

// coreFunc wraps a Wasm export as a call-core target taking and returning
// i32, i64, f32 and f64 values.
func coreFunc(name string, fn api.Function) *adapter.Func {
	def := fn.Definition()
	params := make([]it.Type, len(def.ParamTypes()))
	for i, t := range def.ParamTypes() {
		params[i] = coreType(t)
	}
	results := make([]it.Type, len(def.ResultTypes()))
	for i, t := range def.ResultTypes() {
		results[i] = coreType(t)
	}
	return &adapter.Func{Name: name, Params: params, Results: results,
		Call: func(ctx context.Context, args []ivalue.Value) ([]ivalue.Value, error) {
			raw := make([]uint64, len(args))
			for i, a := range args {
				raw[i] = encodeCore(a)
			}
			out, err := fn.Call(ctx, raw...)
			if err != nil {
				return nil, trapped(err)
			}
			vals := make([]ivalue.Value, len(out))
			for i, r := range out {
				vals[i] = decodeCore(def.ResultTypes()[i], r)
			}
			return vals, nil
		}}
}

func coreType(t api.ValueType) it.Type {
	switch t {
	case api.ValueTypeI64:
		return it.TypeI64
	case api.ValueTypeF32:
		return it.TypeF32
	case api.ValueTypeF64:
		return it.TypeF64
	}
	return it.TypeI32
}

func encodeCore(v ivalue.Value) uint64 {
	switch v := v.(type) {
	case ivalue.I32:
		return api.EncodeI32(int32(v))
	case ivalue.I64:
		return api.EncodeI64(int64(v))
	case ivalue.F32:
		return api.EncodeF32(float32(v))
	case ivalue.F64:
		return api.EncodeF64(float64(v))
	}
	return 0 // unreachable: the adapter checked operand types
}

func decodeCore(t api.ValueType, r uint64) ivalue.Value {
	switch t {
	case api.ValueTypeI64:
		return ivalue.I64(int64(r))
	case api.ValueTypeF32:
		return ivalue.F32(api.DecodeF32(r))
	case api.ValueTypeF64:
		return ivalue.F64(api.DecodeF64(r))
	}
	return ivalue.I32(api.DecodeI32(r))
}

// ErrNoFunction reports a call to a function the module does not export.
var ErrNoFunction = errors.New("no such function")

// call runs the adapter of an exported function.
func (m *module) call(ctx context.Context, name string, args []ivalue.Value) ([]ivalue.Value, error) {
	e, ok := m.exports[name]
	if !ok {
		return nil, fmt.Errorf("module %s: %w %q", m.name, ErrNoFunction, name)
	}
	if len(args) != len(e.typ.Args) {
		return nil, fmt.Errorf("module %s: %s takes %d arguments, %d given", m.name, name, len(e.typ.Args), len(args))
	}
	for i, a := range e.typ.Args {
		if err := ivalue.Check(args[i], a.Type, m.section); err != nil {
			return nil, fmt.Errorf("module %s: %s: argument %s: %w", m.name, name, a.Name, err)
		}
	}
	out, err := adapter.Run(ctx, m, e.code, args)
	if err != nil {
		return nil, fmt.Errorf("module %s: %s: %w", m.name, name, err)
	}
	if len(out) != len(e.typ.Outputs) {
		return nil, fmt.Errorf("module %s: %s left %d values, its signature declares %d results", m.name, name, len(out), len(e.typ.Outputs))
	}
	for i, t := range e.typ.Outputs {
		if err := ivalue.Check(out[i], t, m.section); err != nil {
			return nil, fmt.Errorf("module %s: %s: result: %w", m.name, name, err)
		}
	}
	return out, nil
}

// importAdapter returns the adapter the module runs when its Wasm code
// calls the import ns.name, and the IT types of the raw import.
func (m *module) importAdapter(ns, name string) ([]it.Instruction, error) {
	for _, im := range m.section.Imports {
		if im.Namespace != ns || im.Name != name {
			continue
		}
		adapterType, ok := m.section.AdapterFor(im.Type)
		if !ok {
			continue
		}
		code, ok := m.section.Adapter(adapterType)
		if !ok {
			return nil, fmt.Errorf("import %s.%s: no adapter for type %d", ns, name, adapterType)
		}
		return code, nil
	}
	return nil, fmt.Errorf("the module imports %s.%s, but its interface types do not describe that import", ns, name)
}

// rawArgs turns the raw values a Wasm import received into IT values.
func rawArgs(types []api.ValueType, stack []uint64) []ivalue.Value {
	args := make([]ivalue.Value, len(types))
	for i, t := range types {
		args[i] = decodeCore(t, stack[i])
	}
	return args
}

// writeResults stores an adapter's results as the raw import's results.
func writeResults(types []api.ValueType, vals []ivalue.Value, stack []uint64) error {
	if len(vals) != len(types) {
		return fmt.Errorf("the import adapter left %d values, the Wasm import returns %d", len(vals), len(types))
	}
	for i, t := range types {
		want := coreType(t)
		if vals[i] == nil || vals[i].Kind() != want.Kind {
			return fmt.Errorf("the import adapter left %v, the Wasm import returns %s", vals[i], want)
		}
		stack[i] = encodeCore(vals[i])
	}
	return nil
}
