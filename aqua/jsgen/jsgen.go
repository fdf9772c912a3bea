// Package jsgen writes the JavaScript and TypeScript modules that
// @fluencelabs/js-client 0.9 apps import to call Aqua functions and to
// register the services Aqua calls: the modules the reference compiler
// (@fluencelabs/aqua-api 0.14.6) writes for its "js" and "ts" targets,
// byte for byte, so that an app can switch compilers without a diff.
//
// A module holds, for each exported function, its AIR as a string
// constant and a function that hands it to js-client's v5_callFunction
// with a JSON descriptor of the function's type; for each exported
// service, a register function that hands the service's descriptor to
// v5_registerService. The TypeScript module adds the types of both; the
// JavaScript target writes them to a declaration file beside the
// module.
//
//	fns, _ := codegen.Generate(prog, codegen.Options{})
//	files, err := jsgen.Generate(prog, fns, jsgen.TS)
package jsgen

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// Target is the language of the generated module.
type Target int

// The targets.
const (
	JS Target = iota + 1 // NAME.js and its declarations, NAME.d.ts
	TS                   // NAME.ts
)

// ParseTarget reads a target's name: "js" or "ts".
func ParseTarget(s string) (Target, error) {
	switch s {
	case "js":
		return JS, nil
	case "ts":
		return TS, nil
	}
	return 0, fmt.Errorf("unknown target %q: want js or ts", s)
}

// File is one generated file.
type File struct {
	Name    string // NAME.js, NAME.d.ts or NAME.ts, after the Aqua file
	Content string
}

// Version is the compiler version the generated modules name, the
// reference's they match.
const Version = "0.14.6"

// Generate writes the modules of the program's root files. fns are the
// functions codegen.Generate compiled from the program. A root file
// that exports no function and no service gets no module, as with the
// reference.
func Generate(prog *aqua.Program, fns []codegen.Function, t Target) ([]File, error) {
	if t != JS && t != TS {
		return nil, fmt.Errorf("jsgen: no target %d", t)
	}
	byName := map[string]codegen.Function{}
	for _, f := range fns {
		byName[f.Name] = f
	}
	em := exportMaps{}
	var out []File
	for _, root := range prog.Roots {
		m, err := moduleOf(root, byName, em)
		if err != nil {
			return nil, err
		}
		if len(m.funcs) == 0 && len(m.services) == 0 {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(root.Path), ".aqua")
		switch t {
		case TS:
			out = append(out, File{base + ".ts", m.module(TS)})
		case JS:
			out = append(out, File{base + ".js", m.module(JS)}, File{base + ".d.ts", m.declarations()})
		}
	}
	return out, nil
}

// module is what one root file outputs, in the reference's order.
type module struct {
	funcs    []function
	services []service
}

type function struct {
	name   string
	arrow  *types.Arrow
	script string
	def    string // the JSON descriptor
}

type service struct {
	name string
	srv  *types.Service
	def  string
}

func moduleOf(root *aqua.File, byName map[string]codegen.Function, em exportMaps) (*module, error) {
	exports, err := em.of(root)
	if err != nil {
		return nil, err
	}
	hostFuncs := map[string]bool{}
	hostServices := map[string]*types.Service{}
	for _, ex := range root.Module.Exports {
		switch ex.Object.Kind {
		case types.FuncObj:
			hostFuncs[ex.Name] = true
		case types.ServiceObj:
			if s, ok := ex.Object.Type.(*types.Service); ok {
				hostServices[ex.Name] = s
			}
		}
	}
	funcs := newOrderedMap[codegen.Function]()
	services := newOrderedMap[*types.Service]()
	for _, key := range exports.order() {
		r, _ := exports.get(key)
		name := hostName(key, r)
		if f, ok := byName[name]; ok && hostFuncs[name] {
			funcs.set(name, f)
			continue
		}
		if s := hostServices[name]; s != nil {
			services.set(name, s)
			continue
		}
		// An entry passed on by an import names a service only if this
		// file sees one under that name.
		if o := lookup(root, key); o != nil && o.Kind == types.ServiceObj {
			if s, ok := o.Type.(*types.Service); ok {
				services.set(name, s)
			}
		}
	}
	m := &module{}
	for _, name := range services.order() {
		s, _ := services.get(name)
		def, err := serviceDef(s)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		m.services = append(m.services, service{name: name, srv: s, def: def})
	}
	for _, name := range funcs.order() {
		f, _ := funcs.get(name)
		def, err := functionDef(name, f.Arrow)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", name, err)
		}
		m.funcs = append(m.funcs, function{name: name, arrow: f.Arrow, script: air.Print(f.Script), def: def})
	}
	return m, nil
}

// functionDef is the descriptor v5_callFunction reads: the function's
// name, its type, and the names of the services its AIR calls on the
// client to get arguments and give back results and errors.
func functionDef(name string, a *types.Arrow) (string, error) {
	domain, err := labelled(a.Params)
	if err != nil {
		return "", err
	}
	codomain, err := results(a.Results)
	if err != nil {
		return "", err
	}
	def := object{
		{"functionName", name},
		{"arrow", object{{"tag", "arrow"}, {"domain", domain}, {"codomain", codomain}}},
		{"names", object{
			{"relay", "-relay-"},
			{"getDataSrv", "getDataSrv"},
			{"callbackSrv", "callbackSrv"},
			{"responseSrv", "callbackSrv"},
			{"responseFnName", "response"},
			{"errorHandlingSrv", "errorHandlingSrv"},
			{"errorFnName", "error"},
		}},
	}
	var b strings.Builder
	printJSON(&b, def, 0)
	return b.String(), nil
}

// serviceDef is the descriptor v5_registerService reads: the default
// id, if the service has one, and its arrows by name.
func serviceDef(s *types.Service) (string, error) {
	fns := object{}
	for _, f := range sortedFields(s.Arrows) {
		d, err := descriptor(f.Type)
		if err != nil {
			return "", err
		}
		fns = append(fns, member{f.Name, d})
	}
	var def object
	if s.HasDefaultID {
		def = append(def, member{"defaultServiceId", strings.ReplaceAll(s.DefaultID, `"`, "")})
	}
	def = append(def, member{"functions", object{{"tag", "labeledProduct"}, {"fields", fns}}})
	var b strings.Builder
	printJSON(&b, def, 0)
	return b.String(), nil
}

// The text of the modules. Blank lines and trailing spaces are the
// reference's: they are part of what makes the output byte-identical.
const (
	banner = "/* eslint-disable */\n// @ts-nocheck\n/**\n *\n" +
		" * This file is auto-generated. Do not edit manually: changes may be erased.\n" +
		" * Generated by Aqua compiler: https://github.com/fluencelabs/aqua/.\n" +
		" * If you find any bugs, please write an issue on GitHub: https://github.com/fluencelabs/aqua/issues\n" +
		" * Aqua version: " + Version + "\n *\n */\n"
	typeImports = "import type { IFluenceClient as IFluenceClient$$, CallParams as CallParams$$ } from '@fluencelabs/js-client';"
	imports     = "\nimport {\n    v5_callFunction as callFunction$$,\n    v5_registerService as registerService$$,\n} from '@fluencelabs/js-client';\n    \n\n"
	footer      = "\n\n/* eslint-enable */"
)

func header(t Target) string {
	if t == TS {
		return banner + typeImports + imports
	}
	return banner + imports
}

// module writes the JavaScript or TypeScript module.
func (m *module) module(t Target) string {
	var b strings.Builder
	b.WriteString(header(t))
	b.WriteString("\n// Services\n")
	args := "...args"
	if t == TS {
		args = "...args: any"
	}
	for i, s := range m.services {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("\n")
		if t == TS {
			b.WriteString(s.types())
		}
		fmt.Fprintf(&b, "\n\nexport function register%s(%s) {\n    registerService$$(\n        args,\n        %s\n    );\n}\n      ", s.name, args, s.def)
	}
	b.WriteString("\n// Functions\n")
	for i, f := range m.funcs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "export const %s_script = `\n%s\n    `\n", f.name, indentScript(f.script))
		if t == TS {
			b.WriteString(f.types())
		}
		fmt.Fprintf(&b, "\nexport function %s(%s) {\n\n\n    return callFunction$$(\n        args,\n        %s,\n        %s_script\n    )\n}", f.name, args, f.def, f.name)
	}
	b.WriteString(footer)
	return b.String()
}

// declarations writes the .d.ts file of the JavaScript module.
func (m *module) declarations() string {
	var b strings.Builder
	b.WriteString(header(JS))
	b.WriteString("\n// Services\n")
	for i, s := range m.services {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.types())
	}
	b.WriteString("\n\n// Functions\n")
	for i, f := range m.funcs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(f.types())
	}
	b.WriteString(footer)
	return b.String()
}

// indentScript puts AIR inside the template literal, each line indented
// by twenty spaces.
func indentScript(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", 20) + l
	}
	return strings.Join(lines, "\n")
}

// types declares a service's interface and the overloads of its
// register function: with a default id, the id may be left out.
func (s service) types() string {
	var b strings.Builder
	iface := s.name + "Def"
	fmt.Fprintf(&b, "export interface %s {\n", iface)
	for i, f := range sortedFields(s.srv.Arrows) {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "    %s: %s;", f.Name, tsType(f.Type))
	}
	b.WriteString("\n}\n")
	overloads := [][]string{
		{"serviceId: string", "service: " + iface},
		{"peer: IFluenceClient$$", "serviceId: string", "service: " + iface},
	}
	if s.srv.HasDefaultID {
		overloads = [][]string{
			{"service: " + iface},
			{"serviceId: string", "service: " + iface},
			{"peer: IFluenceClient$$", "service: " + iface},
			{"peer: IFluenceClient$$", "serviceId: string", "service: " + iface},
		}
	}
	for i, o := range overloads {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "export function register%s(%s): void;", s.name, strings.Join(o, ", "))
	}
	b.WriteString("\n       ")
	return b.String()
}

// types declares a function's overloads, with and without the client
// to call it on, after the types of its arguments and results that
// need a name.
func (f function) types() string {
	var decls, args []string
	cap := capitalize(f.name)
	for _, p := range f.arrow.Params {
		decl, typ := namedType([]types.Type{p.Type}, cap+"Arg"+capitalize(p.Name))
		if decl != "" {
			decls = append(decls, decl)
		}
		args = append(args, "    "+argName(p.Name)+": "+typ)
	}
	args = append(args, "    config?: {ttl?: number}")
	resDecl, res := namedType(f.arrow.Results, cap+"Result")
	var b strings.Builder
	b.WriteString(strings.Join(decls, "\n"))
	b.WriteString(" \n")
	b.WriteString(resDecl)
	fmt.Fprintf(&b, "\nexport function %s(\n%s\n): Promise<%s>;\n", f.name, strings.Join(args, ",\n"), res)
	withPeer := append([]string{"    peer: IFluenceClient$$"}, args...)
	fmt.Fprintf(&b, "\nexport function %s(\n%s\n): Promise<%s>;\n", f.name, strings.Join(withPeer, ",\n"), res)
	return b.String()
}

// argName keeps an argument from hiding the peer and config parameters
// the overloads add.
func argName(s string) string {
	if s == "peer" || s == "config" {
		return s + "_"
	}
	return s
}

// capitalize upper-cases the first letter, as names of generated types
// are made.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
