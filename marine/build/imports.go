package build

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/marine/it"
)

// importDirective marks a package-level variable whose struct fields are
// functions of another module (or of the host) to import:
//
//	//marine:import kv
//	var kv struct {
//		Put func(key, value string) bool
//		Get func(key string) []string
//	}
//
// The namespace is the dependency's module name in the service config.
// The generated code fills the fields in when the module starts, so
// calls through them reach the dependency; in ordinary Go builds (unit
// tests of the service) they stay nil and tests may set fakes.
const importDirective = "//marine:import"

// Import is a set of functions imported from one namespace through one
// package-level variable.
type Import struct {
	Namespace string
	Var       string
	Funcs     []ImportFunc
}

// ImportFunc is one imported function: a func-typed field of the import
// variable.
type ImportFunc struct {
	Field  string
	Name   string // the import name: the field's marine tag or its snake_case name
	Params []Param
	Result *Param
}

// isHostNamespace reports whether ns is one of the host API namespaces,
// whose imports the runtime serves itself: they get no interface-types
// entries, as in the reference generator.
func isHostNamespace(ns string) bool {
	return ns == "host" || strings.HasPrefix(ns, "__marine_host_api_v")
}

// importNamespace returns the namespace of a //marine:import directive in
// the comment group, if any.
func importNamespace(g *ast.CommentGroup) (ns string, pos token.Pos, ok bool) {
	if g == nil {
		return "", token.NoPos, false
	}
	for _, c := range g.List {
		rest, found := strings.CutPrefix(c.Text, importDirective)
		if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		return strings.TrimSpace(rest), c.Pos(), true
	}
	return "", token.NoPos, false
}

// importVar reads one //marine:import variable.
func (g *generator) importVar(d *ast.GenDecl, spec *ast.ValueSpec, ns string, pos token.Pos) (Import, error) {
	var im Import
	if ns == "" || strings.ContainsAny(ns, " \t") {
		return im, g.errorf(pos, "%s needs one module name: //marine:import MODULE", importDirective)
	}
	if d.Tok != token.VAR || len(spec.Names) != 1 || len(spec.Values) != 0 {
		return im, g.errorf(pos, "%s must precede a single variable declaration without a value", importDirective)
	}
	st, ok := spec.Type.(*ast.StructType)
	if !ok {
		return im, g.errorf(spec.Pos(), "%s: the variable must be of a struct type whose fields are functions", spec.Names[0].Name)
	}
	im = Import{Namespace: ns, Var: spec.Names[0].Name}
	for _, fl := range st.Fields.List {
		ft, ok := fl.Type.(*ast.FuncType)
		if !ok || len(fl.Names) == 0 {
			return im, g.errorf(fl.Pos(), "%s: every field of an import must be a named function", im.Var)
		}
		for _, n := range fl.Names {
			f, err := g.signature(n.Name, ft)
			if err != nil {
				return im, err
			}
			imf := ImportFunc{Field: n.Name, Name: tagName(fl.Tag, snake(n.Name)), Params: f.Params, Result: f.Result}
			im.Funcs = append(im.Funcs, imf)
		}
	}
	if len(im.Funcs) == 0 {
		return im, g.errorf(spec.Pos(), "%s imports no functions", im.Var)
	}
	return im, nil
}

// tagName returns the `marine:"name"` tag of a field, or def.
func tagName(tag *ast.BasicLit, def string) string {
	if tag == nil {
		return def
	}
	s, err := strconv.Unquote(tag.Value)
	if err != nil {
		return def
	}
	if n, ok := reflect.StructTag(s).Lookup("marine"); ok && n != "" {
		return n
	}
	return def
}

// rawFields are the Wasm-level parameters of an imported function, named
// as the reference generator names them (both halves of a pointer and
// length pair are "<name>_ptr").
func rawFields(params []Param) []it.Field {
	var out []it.Field
	for _, p := range params {
		switch p.Type.Kind {
		case it.String, it.ByteArray, it.Array:
			out = append(out, it.Field{Name: p.Name + "_ptr", Type: it.TypeI32}, it.Field{Name: p.Name + "_ptr", Type: it.TypeI32})
		default:
			out = append(out, it.Field{Name: p.Name, Type: rawType(p.Type)})
		}
	}
	return out
}

// rawType is the Wasm type a scalar travels as; records travel as
// pointers.
func rawType(t it.Type) it.Type {
	switch t.Kind {
	case it.S64, it.U64, it.I64:
		return it.TypeI64
	case it.F32:
		return it.TypeF32
	case it.F64:
		return it.TypeF64
	}
	return it.TypeI32
}

// importAdapters appends, per imported function of a dependency module,
// the three types the reference generator writes (the IT signature j, the
// adapter's raw signature j+1, the raw import j+2), the two imports (j
// and j+2), the adapter and its implementation. The adapter lifts the
// arguments out of this module's memory, releases them, calls the
// dependency through call-core, and lowers the result back into this
// module with allocate and set_result_*.
func (g *generator) importAdapters() {
	s := g.section
	in := func(op it.Opcode, idx uint32) it.Instruction { return it.Instruction{Op: op, Index: idx} }
	n := 0
	for _, im := range g.pkg.Imports {
		if isHostNamespace(im.Namespace) {
			continue
		}
		for _, f := range im.Funcs {
			sig := &it.FuncType{}
			for _, p := range f.Params {
				sig.Args = append(sig.Args, it.Field{Name: p.Name, Type: p.Type})
			}
			raw := &it.FuncType{Args: rawFields(f.Params)}
			if f.Result != nil {
				sig.Outputs = []it.Type{f.Result.Type}
				if !isComplex(f.Result.Type) {
					raw.Outputs = []it.Type{rawType(f.Result.Type)}
				}
			}
			j := uint32(len(s.Types))
			s.Types = append(s.Types, it.TypeDef{Func: sig}, it.TypeDef{Func: raw}, it.TypeDef{Func: raw})
			s.Imports = append(s.Imports, it.Import{Namespace: im.Namespace, Name: f.Name, Type: j},
				it.Import{Namespace: im.Namespace, Name: f.Name, Type: j + 2})
			n++

			var code []it.Instruction
			var release bool
			arg := uint32(0)
			for _, p := range f.Params {
				get := in(it.OpArgGet, arg)
				switch p.Type.Kind {
				case it.String:
					code = append(code, get, in(it.OpArgGet, arg+1), it.Instruction{Op: it.OpStringLiftMemory})
				case it.ByteArray:
					code = append(code, get, in(it.OpArgGet, arg+1), it.Instruction{Op: it.OpByteArrayLiftMemory})
				case it.Array:
					code = append(code, get, in(it.OpArgGet, arg+1), it.Instruction{Op: it.OpArrayLiftMemory, Type: *p.Type.Elem})
				case it.Record:
					code = append(code, get, in(it.OpRecordLiftMemory, p.Type.RecordID))
				case it.F32, it.F64:
					code = append(code, get)
				default:
					_, lift, _ := convOps(p.Type)
					code = append(code, get, it.Instruction{Op: lift})
				}
				release = release || isComplex(p.Type)
				arg += uint32(len(wasmParams(p.Type)))
			}
			if release {
				code = append(code, in(it.OpCallCore, 1))
			}
			// The call-core table holds the exports, then the imports with
			// an adapter, in order.
			code = append(code, in(it.OpCallCore, uint32(len(s.Exports)+n-1)))
			if f.Result != nil {
				t := f.Result.Type
				switch t.Kind {
				case it.String:
					code = append(code, it.Instruction{Op: it.OpDup}, it.Instruction{Op: it.OpStringSize},
						it.Instruction{Op: it.OpI32Push, Value: 1}, in(it.OpCallCore, 0), it.Instruction{Op: it.OpSwap2},
						it.Instruction{Op: it.OpStringLowerMemory}, in(it.OpCallCore, 4), in(it.OpCallCore, 5))
				case it.ByteArray:
					code = append(code, it.Instruction{Op: it.OpArrayLowerMemory, Type: it.TypeU8}, in(it.OpCallCore, 4), in(it.OpCallCore, 5))
				case it.Array:
					code = append(code, it.Instruction{Op: it.OpArrayLowerMemory, Type: *t.Elem}, in(it.OpCallCore, 4), in(it.OpCallCore, 5))
				case it.Record:
					code = append(code, in(it.OpRecordLowerMemory, t.RecordID), in(it.OpCallCore, 5))
				case it.F32, it.F64:
				default:
					lower, _, _ := convOps(t)
					code = append(code, it.Instruction{Op: lower})
				}
			}
			s.Adapters = append(s.Adapters, it.Adapter{Type: j + 1, Instructions: code})
			s.Implementations = append(s.Implementations, it.Implementation{Core: j + 2, Adapter: j + 1})
		}
	}
}

// importWrappers writes the //go:wasmimport declarations of the imported
// functions and an init function that fills the import variables with
// Go functions lowering their arguments and lifting their results.
func (p *Package) importWrappers(b *bytes.Buffer) {
	if len(p.Imports) == 0 {
		return
	}
	var init bytes.Buffer
	for _, im := range p.Imports {
		for _, f := range im.Funcs {
			raw := "marineImport" + exported(im.Var) + f.Field
			var rawParams, goParams, rawArgs, pre []string
			for j, prm := range f.Params {
				goType := exprString(prm.Go)
				goParams = append(goParams, fmt.Sprintf("a%d %s", j, goType))
				ws := wasmParams(prm.Type)
				switch {
				case isComplex(prm.Type) && len(ws) == 2:
					rawParams = append(rawParams, fmt.Sprintf("p%d uint32, n%d uint32", j, j))
					pre = append(pre, fmt.Sprintf("\t\tp%d, n%d := marinesdk.Lower(a%d)", j, j, j))
					rawArgs = append(rawArgs, fmt.Sprintf("p%d", j), fmt.Sprintf("n%d", j))
				case isComplex(prm.Type):
					rawParams = append(rawParams, fmt.Sprintf("p%d uint32", j))
					pre = append(pre, fmt.Sprintf("\t\tp%d, _ := marinesdk.Lower(a%d)", j, j))
					rawArgs = append(rawArgs, fmt.Sprintf("p%d", j))
				case prm.Type.Kind == it.Bool:
					rawParams = append(rawParams, fmt.Sprintf("p%d int32", j))
					rawArgs = append(rawArgs, fmt.Sprintf("marinesdk.BoolToI32(a%d)", j))
				default:
					rawParams = append(rawParams, fmt.Sprintf("p%d %s", j, ws[0]))
					rawArgs = append(rawArgs, fmt.Sprintf("%s(a%d)", ws[0], j))
				}
			}
			rawResult, goResult := "", ""
			rawCall := fmt.Sprintf("%s(%s)", raw, strings.Join(rawArgs, ", "))
			var ret string // the result, computed from the raw call's r
			if f.Result != nil {
				t := f.Result.Type
				goResult = " " + exprString(f.Result.Go)
				switch {
				case isComplex(t):
					ret = "\t\tvar r" + goResult + "\n\t\tmarinesdk.Result(&r)\n\t\treturn r"
				case t.Kind == it.Bool:
					rawResult = " int32"
					ret = "\t\treturn r != 0"
				default:
					rawResult = " " + wasmParams(t)[0]
					ret = fmt.Sprintf("\t\treturn %s(r)", goResult[1:])
				}
			}
			body := "\t\t" + rawCall
			if rawResult != "" {
				body = "\t\tr := " + rawCall
			}
			if isHostNamespace(im.Namespace) && len(pre) > 0 {
				// No adapter runs release_objects for a host function:
				// free the arguments once the host has read them.
				body += "\n\t\tmarinesdk.ReleaseArgs()"
			}
			if ret != "" {
				body += "\n" + ret
			}
			fmt.Fprintf(b, "\n//go:wasmimport %s %s\nfunc %s(%s)%s\n", im.Namespace, f.Name, raw, strings.Join(rawParams, ", "), rawResult)
			fmt.Fprintf(&init, "\t%s.%s = func(%s)%s {\n", im.Var, f.Field, strings.Join(goParams, ", "), goResult)
			for _, l := range pre {
				init.WriteString(l + "\n")
			}
			fmt.Fprintf(&init, "%s\n\t}\n", body)
		}
	}
	fmt.Fprintf(b, "\nfunc init() {\n%s}\n", init.Bytes())
}

// exported capitalises the first letter of a Go identifier.
func exported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
