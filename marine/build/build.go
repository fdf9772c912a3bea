// Package build turns a Go package written with marine/sdk into a Marine
// module: it reads the exported functions and the structs they use with
// go/ast, generates the //go:wasmexport wrappers, builds with
// GOOS=wasip1 GOARCH=wasm -buildmode=c-shared, and writes the
// interface-types section (with adapters as the reference generator
// writes them) and the SDK version section into the result.
//
// Functions of other modules are imported through variables marked
// //marine:import MODULE (see marine/sdk): the generator writes the
// //go:wasmimport declarations, the Go functions that lower arguments
// and lift results, and the import entries and adapters of the
// reference generator, so that the module links by name in a
// multi-module service.
package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/sdk"
	"github.com/aquarium-p2p/aquarium/marine/wasmbin"
)

// ITVersion is the interface-types version written into modules.
const ITVersion = "0.27.0"

// Param is a parameter or result of a service function.
type Param struct {
	Name string
	Go   ast.Expr
	Type it.Type
}

// Func is a service function found in the package.
type Func struct {
	GoName string
	Name   string // the exported name, snake_case
	Params []Param
	Result *Param
}

// Package is what the generator found in a service package.
type Package struct {
	Dir     string
	Funcs   []Func
	Imports []Import
	Section *it.Section
	// recordIDs maps struct names to their IT type index.
	recordIDs map[string]uint32
}

// Inspect parses the main package in dir and derives the interface.
func Inspect(dir string) (*Package, error) {
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if af.Name.Name != "main" {
			return nil, fmt.Errorf("%s: package %s, a Marine service must be package main", f, af.Name.Name)
		}
		parsed = append(parsed, af)
	}
	if len(parsed) == 0 {
		return nil, fmt.Errorf("%s: no Go files", dir)
	}
	structs := make(map[string]*ast.StructType)
	var fns []*ast.FuncDecl
	type importDecl struct {
		decl *ast.GenDecl
		spec *ast.ValueSpec
		ns   string
		pos  token.Pos
	}
	var imports []importDecl
	for _, f := range parsed {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if st, ok := s.Type.(*ast.StructType); ok {
							structs[s.Name.Name] = st
						}
					case *ast.ValueSpec:
						doc := s.Doc
						if doc == nil && len(d.Specs) == 1 {
							doc = d.Doc
						}
						if ns, pos, ok := importNamespace(doc); ok {
							imports = append(imports, importDecl{d, s, ns, pos})
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					fns = append(fns, d)
				}
			}
		}
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Pos() < fns[j].Pos() })
	p := &Package{Dir: dir, recordIDs: make(map[string]uint32)}
	g := &generator{pkg: p, structs: structs, fset: fset, section: abiSection()}
	for _, fd := range fns {
		f, err := g.function(fd)
		if err != nil {
			return nil, err
		}
		p.Funcs = append(p.Funcs, f)
	}
	if len(p.Funcs) == 0 {
		return nil, fmt.Errorf("%s: no exported functions; every exported top-level function becomes a service function", dir)
	}
	sort.Slice(imports, func(i, j int) bool { return imports[i].pos < imports[j].pos })
	for _, d := range imports {
		im, err := g.importVar(d.decl, d.spec, d.ns, d.pos)
		if err != nil {
			return nil, err
		}
		p.Imports = append(p.Imports, im)
	}
	g.adapters()
	g.importAdapters()
	p.Section = g.section
	return p, nil
}

type generator struct {
	pkg     *Package
	structs map[string]*ast.StructType
	fset    *token.FileSet
	section *it.Section
}

func (g *generator) errorf(pos token.Pos, format string, args ...any) error {
	return fmt.Errorf("%s: %s", g.fset.Position(pos), fmt.Sprintf(format, args...))
}

// abiSection holds the six ABI helper types and exports every module
// starts with.
func abiSection() *it.Section {
	fn := func(args []it.Field, outs ...it.Type) it.TypeDef {
		return it.TypeDef{Func: &it.FuncType{Args: args, Outputs: outs}}
	}
	i32 := it.TypeI32
	return &it.Section{
		Version: ITVersion,
		Types: []it.TypeDef{
			fn([]it.Field{{Name: "size", Type: i32}}, i32), fn(nil), fn(nil, i32), fn(nil, i32),
			fn([]it.Field{{Name: "result_size", Type: i32}}), fn([]it.Field{{Name: "result_ptr", Type: i32}}),
		},
		Exports: []it.Export{
			{Name: "allocate", Type: 0}, {Name: "release_objects", Type: 1}, {Name: "get_result_size", Type: 2},
			{Name: "get_result_ptr", Type: 3}, {Name: "set_result_size", Type: 4}, {Name: "set_result_ptr", Type: 5},
		},
	}
}

func (g *generator) function(fd *ast.FuncDecl) (Func, error) {
	return g.signature(fd.Name.Name, fd.Type)
}

// signature derives the interface of the Go function called name.
func (g *generator) signature(name string, ft *ast.FuncType) (Func, error) {
	f := Func{GoName: name, Name: snake(name)}
	for _, field := range ft.Params.List {
		t, err := g.typ(field.Type, 0)
		if err != nil {
			return f, err
		}
		if len(field.Names) == 0 {
			return f, g.errorf(field.Pos(), "%s: parameters need names, they name the arguments", name)
		}
		for _, n := range field.Names {
			f.Params = append(f.Params, Param{Name: snake(n.Name), Go: field.Type, Type: t})
		}
	}
	if ft.Results != nil {
		if n := ft.Results.NumFields(); n > 1 {
			return f, g.errorf(ft.Results.Pos(), "%s returns %d values; Marine functions return at most one", name, n)
		}
		if len(ft.Results.List) == 1 {
			r := ft.Results.List[0]
			t, err := g.typ(r.Type, 0)
			if err != nil {
				return f, err
			}
			f.Result = &Param{Go: r.Type, Type: t}
		}
	}
	return f, nil
}

var scalars = map[string]it.Type{
	"bool": it.TypeBool, "string": it.TypeString,
	"int8": it.TypeS8, "int16": it.TypeS16, "int32": it.TypeS32, "int64": it.TypeS64, "int": it.TypeS64,
	"uint8": it.TypeU8, "byte": it.TypeU8, "uint16": it.TypeU16, "uint32": it.TypeU32, "uint64": it.TypeU64, "uint": it.TypeU64,
	"float32": it.TypeF32, "float64": it.TypeF64,
}

// typ maps a Go type expression to an interface type, declaring records
// for structs (dependencies first).
func (g *generator) typ(e ast.Expr, depth int) (it.Type, error) {
	if depth > 32 {
		return it.Type{}, g.errorf(e.Pos(), "types nested too deeply (recursive struct?)")
	}
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := scalars[e.Name]; ok {
			return t, nil
		}
		if id, ok := g.pkg.recordIDs[e.Name]; ok {
			return it.RecordRef(id), nil
		}
		st, ok := g.structs[e.Name]
		if !ok {
			return it.Type{}, g.errorf(e.Pos(), "type %s is not supported: use strings, booleans, sized numbers, slices or structs of this package", e.Name)
		}
		var fields []it.Field
		for _, fl := range st.Fields.List {
			t, err := g.typ(fl.Type, depth+1)
			if err != nil {
				return it.Type{}, err
			}
			if len(fl.Names) == 0 {
				return it.Type{}, g.errorf(fl.Pos(), "struct %s: embedded fields are not supported", e.Name)
			}
			for _, n := range fl.Names {
				if !n.IsExported() {
					return it.Type{}, g.errorf(n.Pos(), "struct %s: field %s must be exported to be encoded", e.Name, n.Name)
				}
				fields = append(fields, it.Field{Name: fieldName(n.Name, fl.Tag), Type: t})
			}
		}
		if len(fields) == 0 {
			return it.Type{}, g.errorf(e.Pos(), "struct %s has no fields; Marine records need at least one", e.Name)
		}
		id := uint32(len(g.section.Types))
		g.section.Types = append(g.section.Types, it.TypeDef{Record: &it.RecordType{Name: e.Name, Fields: fields}})
		g.pkg.recordIDs[e.Name] = id
		return it.RecordRef(id), nil
	case *ast.ArrayType:
		if e.Len != nil {
			return it.Type{}, g.errorf(e.Pos(), "arrays are not supported, use a slice")
		}
		if id, ok := e.Elt.(*ast.Ident); ok && (id.Name == "byte" || id.Name == "uint8") {
			return it.TypeByteArray, nil
		}
		elem, err := g.typ(e.Elt, depth+1)
		if err != nil {
			return it.Type{}, err
		}
		return it.ArrayOf(elem), nil
	}
	return it.Type{}, g.errorf(e.Pos(), "this type is not supported: use strings, booleans, sized numbers, slices or structs of this package")
}

func fieldName(goName string, tag *ast.BasicLit) string {
	if tag != nil {
		if s, err := strconv.Unquote(tag.Value); err == nil {
			if j, ok := reflect.StructTag(s).Lookup("json"); ok {
				if n, _, _ := strings.Cut(j, ","); n != "" && n != "-" {
					return n
				}
			}
		}
	}
	return snake(goName)
}

// snake turns a Go name into snake_case: PutValue → put_value, HTTPGet →
// http_get.
func snake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isComplex(t it.Type) bool {
	return t.Kind == it.String || t.Kind == it.ByteArray || t.Kind == it.Array || t.Kind == it.Record
}

// lowerOp and liftOp are the numeric conversions between an IT scalar and
// its Wasm representation.
func convOps(t it.Type) (lower, lift it.Opcode, ok bool) {
	for op := it.Opcode(0); op < 0x40; op++ {
		c, isConv := op.Conversion()
		if !isConv {
			continue
		}
		wasm := it.I32
		if t.Kind == it.S64 || t.Kind == it.U64 {
			wasm = it.I64
		}
		if c.From == t.Kind && c.To == wasm {
			lower = op
		}
		if c.From == wasm && c.To == t.Kind {
			lift = op
		}
	}
	return lower, lift, lower != 0 || lift != 0
}

// adapters appends, per function, the adapter type k and the identical
// core type k+1, the export and the implementation, with instructions in
// the reference generator's patterns.
func (g *generator) adapters() {
	s := g.section
	in := func(op it.Opcode, idx uint32) it.Instruction { return it.Instruction{Op: op, Index: idx} }
	for i, f := range g.pkg.Funcs {
		sig := &it.FuncType{}
		for _, p := range f.Params {
			sig.Args = append(sig.Args, it.Field{Name: p.Name, Type: p.Type})
		}
		if f.Result != nil {
			sig.Outputs = []it.Type{f.Result.Type}
		}
		k := uint32(len(s.Types))
		s.Types = append(s.Types, it.TypeDef{Func: sig}, it.TypeDef{Func: sig})
		var code []it.Instruction
		for j, p := range f.Params {
			arg := in(it.OpArgGet, uint32(j))
			switch p.Type.Kind {
			case it.String:
				code = append(code, arg, it.Instruction{Op: it.OpStringSize}, it.Instruction{Op: it.OpI32Push, Value: 1},
					in(it.OpCallCore, 0), arg, it.Instruction{Op: it.OpStringLowerMemory})
			case it.ByteArray:
				code = append(code, arg, it.Instruction{Op: it.OpArrayLowerMemory, Type: it.TypeU8})
			case it.Array:
				code = append(code, arg, it.Instruction{Op: it.OpArrayLowerMemory, Type: *p.Type.Elem})
			case it.Record:
				code = append(code, arg, in(it.OpRecordLowerMemory, p.Type.RecordID))
			case it.F32, it.F64:
				code = append(code, arg)
			default:
				lower, _, _ := convOps(p.Type)
				code = append(code, arg, it.Instruction{Op: lower})
			}
		}
		code = append(code, in(it.OpCallCore, uint32(6+i)))
		if f.Result != nil {
			t := f.Result.Type
			switch t.Kind {
			case it.String:
				code = append(code, in(it.OpCallCore, 3), in(it.OpCallCore, 2), it.Instruction{Op: it.OpStringLiftMemory})
			case it.ByteArray:
				code = append(code, in(it.OpCallCore, 3), in(it.OpCallCore, 2), it.Instruction{Op: it.OpByteArrayLiftMemory})
			case it.Array:
				code = append(code, in(it.OpCallCore, 3), in(it.OpCallCore, 2), it.Instruction{Op: it.OpArrayLiftMemory, Type: *t.Elem})
			case it.Record:
				code = append(code, in(it.OpCallCore, 3), in(it.OpRecordLiftMemory, t.RecordID))
			case it.F32, it.F64:
			default:
				_, lift, _ := convOps(t)
				code = append(code, it.Instruction{Op: lift})
			}
			if isComplex(t) {
				code = append(code, in(it.OpCallCore, 1))
			}
		}
		s.Adapters = append(s.Adapters, it.Adapter{Type: k, Instructions: code})
		s.Exports = append(s.Exports, it.Export{Name: f.Name, Type: k + 1})
		s.Implementations = append(s.Implementations, it.Implementation{Core: k + 1, Adapter: k})
	}
}

// wasmParam is the Go type of a //go:wasmexport parameter for t.
func wasmParams(t it.Type) []string {
	switch t.Kind {
	case it.String, it.ByteArray, it.Array:
		return []string{"uint32", "uint32"}
	case it.Record:
		return []string{"uint32"}
	case it.S64, it.I64:
		return []string{"int64"}
	case it.U64:
		return []string{"uint64"}
	case it.F32:
		return []string{"float32"}
	case it.F64:
		return []string{"float64"}
	case it.U8, it.U16, it.U32:
		return []string{"uint32"}
	}
	return []string{"int32"}
}

// Wrappers returns the Go source of the export wrappers.
func (p *Package) Wrappers() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by aquarium marine build. DO NOT EDIT.\n\n//go:build wasip1\n\npackage main\n\n")
	b.WriteString("import marinesdk \"github.com/aquarium-p2p/aquarium/marine/sdk\"\n\n")
	b.WriteString("var _ = marinesdk.Version\n")
	for _, f := range p.Funcs {
		var params, call []string
		var pre []string
		for j, prm := range f.Params {
			goType := exprString(prm.Go)
			ws := wasmParams(prm.Type)
			switch {
			case isComplex(prm.Type):
				if len(ws) == 2 {
					params = append(params, fmt.Sprintf("p%d uint32, n%d uint32", j, j))
					pre = append(pre, fmt.Sprintf("\tvar a%d %s\n\tmarinesdk.Arg(p%d, n%d, &a%d)", j, goType, j, j, j))
				} else {
					params = append(params, fmt.Sprintf("p%d uint32", j))
					pre = append(pre, fmt.Sprintf("\tvar a%d %s\n\tmarinesdk.Arg(p%d, 0, &a%d)", j, goType, j, j))
				}
				call = append(call, fmt.Sprintf("a%d", j))
			case prm.Type.Kind == it.Bool:
				params = append(params, fmt.Sprintf("p%d int32", j))
				call = append(call, fmt.Sprintf("p%d != 0", j))
			default:
				params = append(params, fmt.Sprintf("p%d %s", j, ws[0]))
				call = append(call, fmt.Sprintf("%s(p%d)", goType, j))
			}
		}
		result := ""
		body := fmt.Sprintf("%s(%s)", f.GoName, strings.Join(call, ", "))
		if f.Result != nil {
			t := f.Result.Type
			switch {
			case isComplex(t):
				body = fmt.Sprintf("marinesdk.Return(%s)", body)
			case t.Kind == it.Bool:
				result = " int32"
				body = fmt.Sprintf("if %s {\n\t\treturn 1\n\t}\n\treturn 0", body)
			default:
				result = " " + wasmParams(t)[0]
				body = fmt.Sprintf("return %s(%s)", result[1:], body)
			}
		}
		fmt.Fprintf(&b, "\n//go:wasmexport %s\nfunc marineExport%s(%s)%s {\n", f.Name, f.GoName, strings.Join(params, ", "), result)
		for _, l := range pre {
			b.WriteString(l + "\n")
		}
		fmt.Fprintf(&b, "\t%s\n}\n", body)
	}
	p.importWrappers(&b)
	return b.Bytes()
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	}
	return "any"
}

// Build compiles the service in dir into the Marine module out.
func Build(ctx context.Context, dir, out string) error {
	p, err := Inspect(dir)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "aquarium-marine-build")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	gen := filepath.Join(tmp, "marine_exports.go")
	if err := os.WriteFile(gen, p.Wrappers(), 0o644); err != nil {
		return err
	}
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(absDir, "zz_marine_exports.go"): gen}})
	if err != nil {
		return err
	}
	overlayPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o644); err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	raw := filepath.Join(tmp, "module.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-buildmode=c-shared", "-overlay", overlayPath, "-o", raw, ".")
	cmd.Dir = absDir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, stderr.String())
	}
	wasm, err := os.ReadFile(raw)
	if err != nil {
		return err
	}
	section, err := p.Section.Encode()
	if err != nil {
		return err
	}
	if wasm, err = wasmbin.SetCustomSection(wasm, it.SectionName, section); err != nil {
		return err
	}
	if wasm, err = wasmbin.SetCustomSection(wasm, it.SDKVersionSectionName, []byte(sdk.Version)); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(absOut), 0o755); err != nil {
		return err
	}
	return os.WriteFile(absOut, wasm, 0o644)
}
