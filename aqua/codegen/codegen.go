// Package codegen compiles checked Aqua programs to AIR.
//
// Each exported function becomes one self-contained AIR script, made the
// way the reference Aqua compiler makes it, so that the two can be
// compared as text:
//
//   - lowering turns the syntax tree into raw statements and values
//     (the raw tree, rawNode), adding the names the reference's semantic
//     pass adds;
//
//   - inlining substitutes every called function, service arrow and
//     callback, renaming what each body defines so names stay unique
//     (the model tree, modelNode);
//
//   - the wrapper fetches the arguments from the client (getDataSrv),
//     returns the results (callbackSrv.response) and reports errors
//     (errorHandlingSrv.error);
//
//   - topology works out which peer runs each instruction and inserts
//     the hops between them, with error paths back to the client (the
//     AIR tree, airNode);
//
//   - the result is printed with core/air.
//
// A Workspace's compilations share their AIR (memo.go): an exported
// function whose fingerprint, and the fingerprints of all it looked up
// when it was compiled, are what they were is not compiled again.
//
// Stream maps (%T), which the reference compiler this project compares
// with (aqua-api 0.14.6) does not accept yet, compile as later versions
// of it compile them, but for keys() and "for" over a map, which see
// every pair on every AquaVM version (streammap.go says why).
//
//	fns, err := codegen.Generate(prog, codegen.Options{})
//	for _, f := range fns {
//		fmt.Println(air.Print(f.Script))
//	}
package codegen

import (
	"errors"
	"fmt"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// Options changes what the generated AIR looks like; the zero value is
// the reference compiler's default.
type Options struct {
	// NoRelay compiles for a client that is not behind a relay: no
	// -relay- argument, and HOST_PEER_ID is %init_peer_id%.
	NoRelay bool
	// NoXor leaves out the error propagation of on and if blocks.
	NoXor bool
	// EmptyResponse calls callbackSrv.response even for functions that
	// return nothing.
	EmptyResponse bool
}

// Function is one exported function compiled to AIR.
type Function struct {
	Name  string // as exported
	Arrow *types.Arrow
	// Script is shared with the other compilations in the Workspace
	// that make the same AIR, and must not be modified.
	Script air.Instr
}

// Error is a construct the generator cannot compile.
type Error struct {
	Pos token.Position
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return e.Msg
}

type generator struct {
	fset      *token.FileSet
	opts      Options
	constants map[string]ast.Expr
	files     map[*types.Module]*aqua.File
	funcs     map[string]*funcEntry
	keys      map[*types.Object]string
	services  map[string]*types.Service
	// defaults are the wrappers of service arrows called by their
	// default ids, made once for every call.
	defaults map[serviceMethod]*funcArrow
	err      error
	cursors  cursorBuilder // the topology's, reused

	// For the Memo (memo.go): the fingerprints worked out, and the
	// names the function being compiled looked up, when it is to be
	// kept.
	enc   encoder
	sums  map[dep]summed
	reads map[dep]struct{}
}

type serviceMethod struct {
	srv    *types.Service
	method string
}

type funcEntry struct {
	fa  *funcArrow
	err error
}

func (g *generator) failf(format string, args ...any) {
	if g.err == nil {
		g.err = &Error{Msg: fmt.Sprintf(format, args...)}
	}
}

// Generate compiles every function exported by the program's root files.
// The program must have been checked without errors.
func Generate(prog *aqua.Program, opts Options) ([]Function, error) {
	g := &generator{
		fset:      prog.Fset,
		opts:      opts,
		constants: prog.Constants,
		files:     map[*types.Module]*aqua.File{},
		funcs:     map[string]*funcEntry{},
		keys:      map[*types.Object]string{},
		services:  map[string]*types.Service{},
		defaults:  map[serviceMethod]*funcArrow{},
		sums:      map[dep]summed{},
	}
	memo := prog.Memo()
	var captured []string
	for _, f := range prog.Files {
		g.files[f.Module] = f
		l := &lowerer{g: g, info: f.Info, names: newMangler(0)}
		for _, d := range f.Syntax.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				o := f.Info.Defs[d.Name]
				if o == nil {
					continue
				}
				arrow, _ := o.Type.(*types.Arrow)
				if arrow == nil {
					continue
				}
				key := g.funcKey(o)
				l.err = nil
				fr := l.funcDecl(d, arrow)
				// The functions share the list of those declared
				// before them, which only grows.
				fa := &funcArrow{name: key, body: fr.body, arrow: arrow, params: labelled(arrow), ret: fr.ret,
					captured: captured[:len(captured):len(captured)]}
				g.funcs[key] = &funcEntry{fa: fa, err: l.err}
				captured = append(captured, d.Name.Name)
			case *ast.ServiceDecl:
				if o := f.Info.Defs[d.Name]; o != nil {
					if srv, ok := o.Type.(*types.Service); ok {
						g.services[o.Name] = srv
					}
				}
			}
		}
		// Imported services may be renamed; index them by every name
		// the importer sees.
		for _, o := range f.Info.Uses {
			if srv, ok := o.Type.(*types.Service); ok && o.Kind == types.ServiceObj {
				if _, seen := g.services[o.Name]; !seen {
					g.services[o.Name] = srv
				}
			}
		}
	}
	g.enc.declared = captured
	var out []Function
	var errs []error
	for _, root := range prog.Roots {
		for _, ex := range root.Module.Exports {
			if ex.Object.Kind != types.FuncObj {
				continue
			}
			fkey := g.funcKey(ex.Object)
			entry := g.funcs[fkey]
			if entry == nil {
				continue
			}
			if entry.err != nil {
				errs = append(errs, fmt.Errorf("function %s: %w", ex.Name, entry.err))
				continue
			}
			mkey := ""
			if memo != nil {
				mkey = g.memoKey(root, fkey)
				if script := g.reuse(memo, mkey); script != nil {
					out = append(out, Function{Name: ex.Name, Arrow: entry.fa.arrow, Script: script})
					continue
				}
				g.reads = map[dep]struct{}{}
			}
			g.err = nil
			script := g.compile(entry.fa)
			if g.err != nil {
				errs = append(errs, fmt.Errorf("function %s: %w", ex.Name, g.err))
				g.reads = nil
				continue
			}
			if memo != nil {
				g.keep(memo, mkey, fkey, script)
				g.reads = nil
			}
			out = append(out, Function{Name: ex.Name, Arrow: entry.fa.arrow, Script: script})
		}
	}
	return out, errors.Join(errs...)
}

// funcKey names a function object uniquely across modules.
func (g *generator) funcKey(o *types.Object) string {
	if k, ok := g.keys[o]; ok {
		return k
	}
	// An imported function may be a renamed copy of the declared object.
	for obj, k := range g.keys {
		if obj.Decl == o.Decl && obj.Decl != nil {
			g.keys[o] = k
			return k
		}
	}
	k := o.Name
	for n := 1; ; n++ {
		if _, taken := g.funcs[k]; !taken && !g.keyUsed(k) {
			break
		}
		k = fmt.Sprintf("%s#%d", o.Name, n)
	}
	g.keys[o] = k
	return k
}

func (g *generator) keyUsed(k string) bool {
	for _, v := range g.keys {
		if v == k {
			return true
		}
	}
	return false
}

func (g *generator) funcArrow(key string) *funcArrow {
	g.read(dep{name: key})
	if e, ok := g.funcs[key]; ok {
		if e.err != nil && g.err == nil {
			g.err = e.err
		}
		return e.fa
	}
	return nil
}

func (g *generator) defaultServiceArrow(srv *types.Service, method string) *funcArrow {
	key := serviceMethod{srv, method}
	if fa, ok := g.defaults[key]; ok {
		return fa
	}
	for _, a := range srv.Arrows {
		if a.Name != method {
			continue
		}
		arrow, _ := a.Type.(*types.Arrow)
		if arrow == nil {
			return nil
		}
		if !srv.HasDefaultID {
			g.failf("service %s has no default id: set one with '%s \"id\"' before calling %s", srv.Name, srv.Name, method)
			return nil
		}
		fa := serviceArrow(srv.Name+"."+method, srv, method, arrow, rawLiteral{text: `"` + srv.DefaultID + `"`, typ: types.Typ(types.String)})
		g.defaults[key] = fa
		return fa
	}
	return nil
}

// constValue lowers the value of a constant in the context of its module.
func (g *generator) constValue(o *types.Object, x ast.Expr) rawValue {
	info := types.NewInfo()
	if f := g.files[o.Module]; f != nil {
		info = f.Info
	}
	l := &lowerer{g: g, info: info, names: newMangler(0)}
	return l.expr(x)
}

// labelled names a function's parameters, "argN" for unnamed ones.
func labelled(a *types.Arrow) []string {
	out := make([]string, len(a.Params))
	for i, p := range a.Params {
		if p.Name != "" {
			out[i] = p.Name
		} else {
			out[i] = "arg" + itoa(i)
		}
	}
	return out
}

var strType = types.Typ(types.String)

// compile wraps a function the way the reference's pre-transform does and
// inlines it.
func (g *generator) compile(fn *funcArrow) air.Instr {
	// An exported function's inlined body has tens of names, and it
	// sees those of the functions declared before it.
	in := &inliner{g: g, names: newMangler(64 + len(fn.captured)), env: newEnv(), noXor: g.opts.NoXor, idless: map[string]*types.Service{}}
	var relay []rawValue
	if !g.opts.NoRelay {
		relay = []rawValue{rawVar{name: "-relay-", typ: strType}}
	}
	initOn := func(body *rawNode) *rawNode {
		return &rawNode{stmt: onStmt{peer: rawLiteral{text: "%init_peer_id%", typ: strType}, via: relay}, kids: []*rawNode{body}}
	}

	var getters []*rawNode
	getter := func(name, varName string, t types.Type) *rawNode {
		return rawLeaf(callStmt{exports: []export{{name: varName, typ: t}}, call: rawServiceCall{srv: rawLiteral{text: `"getDataSrv"`, typ: strType}, fn: name, arrow: &types.Arrow{Results: []types.Type{t}}}})
	}
	if !g.opts.NoRelay {
		getters = append(getters, getter("-relay-", "-relay-", strType))
	}
	callbacks := map[string]*funcArrow{}
	var callbackNames []string
	var callArgs []rawValue
	for i, p := range fn.params {
		t := fn.arrow.Params[i].Type
		varName := "-" + p + "-arg-"
		callArgs = append(callArgs, rawVar{name: varName, typ: t})
		switch t := t.(type) {
		case *types.Arrow:
			callbacks[varName] = g.callback(p, t, initOn)
			callbackNames = append(callbackNames, varName)
		case *types.Stream:
			iter, item := p+"-iter", p+"-item"
			arr := &types.Array{Elem: t.Elem}
			get := rawLeaf(callStmt{exports: []export{{name: iter, typ: arr}}, call: rawServiceCall{srv: rawLiteral{text: `"getDataSrv"`, typ: strType}, fn: p, arrow: &types.Arrow{Results: []types.Type{arr}}}})
			loop := &rawNode{stmt: forStmt{item: item, iter: rawVar{name: iter, typ: arr}, mode: ast.ForSeq}, kids: []*rawNode{
				{stmt: seqStmt{}, kids: []*rawNode{rawLeaf(pushStmt{val: rawVar{name: item, typ: t.Elem}, to: export{name: varName, typ: t}}), rawLeaf(nextStmt{item: item})}},
			}}
			getters = append(getters, rawSeq(get, loop))
		default:
			getters = append(getters, getter(p, varName, t))
		}
	}
	var retExports []export
	var retVals []rawValue
	for i, r := range fn.arrow.Results {
		if st, ok := r.(*types.Stream); ok {
			r = &types.Array{Elem: st.Elem}
		}
		name := "-return-" + itoa(i)
		retExports = append(retExports, export{name: name, typ: r})
		retVals = append(retVals, rawVar{name: name, typ: r})
	}
	call := rawLeaf(callStmt{exports: retExports, call: rawCall{name: fn.name, arrow: fn.arrow, args: callArgs}})
	steps := append(getters, call)
	if len(retVals) > 0 || g.opts.EmptyResponse {
		steps = append(steps, rawLeaf(callStmt{call: rawServiceCall{srv: rawLiteral{text: `"callbackSrv"`, typ: strType}, fn: "response", arrow: &types.Arrow{}, args: retVals}}))
	}
	handleErr := rawLeaf(callStmt{call: rawServiceCall{srv: rawLiteral{text: `"errorHandlingSrv"`, typ: strType}, fn: "error", arrow: &types.Arrow{},
		args: []rawValue{rawVar{name: ":error:", typ: types.ErrorType}, rawLiteral{text: "0", typ: types.Typ(types.UntypedUnsigned)}}}})
	body := &rawNode{stmt: tryStmt{}, kids: []*rawNode{rawSeq(steps...), handleErr}}

	around := &funcArrow{name: "funcAround", body: body, arrow: &types.Arrow{Params: []types.Field{{Name: fn.name, Type: fn.arrow}}}, params: []string{fn.name}}
	// The wrapper sees the callbacks as captured arrows.
	around.captured = callbackNames
	around.capturedArrows = callbacks
	in.arrows["_func"] = fn
	tree, _ := in.callArrowRet(around, callModel{args: []value{variable{name: "_func", typ: fn.arrow}}})
	root := wrap(onOp{peer: initPeer, via: relayVals(g.opts.NoRelay)}, tree)
	return resolve(root, &g.cursors)
}

func relayVals(noRelay bool) []value {
	if noRelay {
		return nil
	}
	return []value{variable{name: "-relay-", typ: strType}}
}

// callback makes the function that forwards a call of an arrow argument
// to the client: callbackSrv.<name> on the init peer.
func (g *generator) callback(name string, t *types.Arrow, initOn func(*rawNode) *rawNode) *funcArrow {
	fa := &funcArrow{name: "init_peer_callable_" + name, arrow: t, params: labelled(t)}
	var args []rawValue
	for i, p := range t.Params {
		args = append(args, rawVar{name: fa.params[i], typ: p.Type})
	}
	var exports []export
	for i, r := range t.Results {
		n := "init_call_res" + itoa(i)
		exports = append(exports, export{name: n, typ: r})
		fa.ret = append(fa.ret, rawVar{name: n, typ: r})
	}
	call := rawLeaf(callStmt{exports: exports, call: rawServiceCall{srv: rawLiteral{text: `"callbackSrv"`, typ: strType}, fn: name, arrow: t, args: args}})
	fa.body = initOn(call)
	return fa
}
