package types

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Importer gives the checker the modules a file imports. path is the
// string written in the import, from is the importing file's name.
type Importer interface {
	Import(path, from string) (*Module, error)
}

// Config configures a Check.
type Config struct {
	// Importer resolves import and use paths. Nil means imports fail.
	Importer Importer
	// Constants overrides the values of "?=" constants, by name.
	Constants map[string]ast.Expr
	// Prelude holds names every file sees without importing them, after
	// the built-in constants and before anything the file declares or
	// imports. May be nil.
	Prelude *Scope
}

// Check type-checks one parsed file and records its findings in info
// (which may be nil). It returns the module, usable as an import by other
// files, and every diagnostic found.
func (conf *Config) Check(fset *token.FileSet, file *ast.File, info *Info) (*Module, diag.List) {
	if info == nil {
		info = NewInfo()
	}
	c := &checker{conf: conf, fset: fset, info: info}
	mod := &Module{File: file, Scope: NewScope(nil)}
	if file.Header != nil {
		mod.Name = file.Header.Name.String()
	}
	c.mod = mod
	// Lookups go: module declarations, then imported names, then the
	// universe. Module declarations are added to both mod.Scope (what
	// the module offers) and c.top (what its own code sees).
	universe := Universe()
	if conf.Prelude != nil {
		pre := NewScope(universe)
		for _, n := range conf.Prelude.Names() {
			pre.Insert(conf.Prelude.LookupLocal(n))
		}
		universe = pre
	}
	imports := NewScope(universe)
	mod.imported = imports
	c.top = NewScope(imports)
	c.imports(file, imports)
	for _, d := range file.Decls {
		c.decl(d)
	}
	c.declares(file)
	c.exports(file)
	return mod, c.errs
}

type checker struct {
	conf *Config
	fset *token.FileSet
	info *Info
	errs diag.List
	mod  *Module
	top  *Scope
	// hidden holds names that imported modules define but do not
	// declare, to explain why an import did not bring them in.
	hidden map[string]string
	fn     *funcContext
	// inherited is the export list the imported modules pass on (see
	// Module.exported).
	inherited []exportEntry
}

func (c *checker) errorf(n ast.Node, format string, args ...any) {
	c.errs.Errorf(c.fset.Position(n.Pos()), c.fset.Position(n.End()), format, args...)
}

func (c *checker) warnf(n ast.Node, format string, args ...any) {
	c.errs.Warnf(c.fset.Position(n.Pos()), c.fset.Position(n.End()), format, args...)
}

func (c *checker) suggest(n ast.Node, suggestions []string, format string, args ...any) {
	c.errs.Add(diag.Diagnostic{
		Pos: c.fset.Position(n.Pos()), End: c.fset.Position(n.End()),
		Severity: diag.Error, Msg: fmt.Sprintf(format, args...), Suggest: suggestions,
	})
}

// imports resolves the file's import and use clauses into scope.
func (c *checker) imports(file *ast.File, scope *Scope) {
	for _, im := range file.Imports {
		path := strings.Trim(im.Path.Value, `"`)
		if c.conf.Importer == nil {
			c.errorf(im.Path, "cannot import %q: no importer configured", path)
			continue
		}
		m, err := c.conf.Importer.Import(path, file.Name)
		if err != nil {
			c.errorf(im.Path, "%v", err)
			continue
		}
		if !im.Use {
			// "import" brings in the module's export list too, a later
			// import's entry replacing an earlier one's; "use" keeps it
			// in the namespace.
			c.inherited = mergeExports(c.inherited, m.exported)
		}
		declared := m.Declared()
		for _, name := range m.Scope.Names() {
			if _, ok := declared[name]; !ok {
				if c.hidden == nil {
					c.hidden = map[string]string{}
				}
				c.hidden[name] = moduleName(m, path)
			}
		}
		target := scope
		if im.Use {
			nsName := m.Name
			if im.As != nil {
				nsName = im.As.String()
			}
			if nsName == "" {
				c.errorf(im, "cannot use %q as a namespace: it has no module header; add 'as Name'", path)
				continue
			}
			target = NewScope(nil)
			c.defineNamespace(scope, nsName, target, im)
		}
		if im.Items == nil {
			for _, o := range declared {
				target.Insert(o)
			}
			continue
		}
		for _, it := range im.Items {
			name := it.Name.String()
			o, ok := declared[name]
			if !ok {
				c.suggest(it.Name, closest(name, keys(declared)), "module %s does not declare %s", moduleName(m, path), name)
				continue
			}
			c.info.Uses[it.Name.Last()] = o
			if it.As != nil {
				o = rename(o, it.As.Name)
				c.info.Defs[it.As] = o
			}
			target.Insert(o)
		}
	}
}

// defineNamespace adds the (possibly dotted) namespace name to scope.
func (c *checker) defineNamespace(scope *Scope, name string, members *Scope, at ast.Node) {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		o := scope.LookupLocal(p)
		if o == nil || o.Kind != NamespaceObj {
			o = &Object{Kind: NamespaceObj, Name: p, Type: Invalid, Pos: at.Pos(), Members: NewScope(nil)}
			scope.Insert(o)
		}
		if i == len(parts)-1 {
			for _, n := range members.Names() {
				o.Members.Insert(members.names[n])
			}
			members.parent = nil
			*members = *o.Members
			o.Members = members
		}
		scope = o.Members
	}
}

func rename(o *Object, name string) *Object {
	cp := *o
	cp.Name = name
	return &cp
}

func moduleName(m *Module, path string) string {
	if m.Name != "" {
		return m.Name
	}
	return fmt.Sprintf("%q", path)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// define adds a top-level object, reporting redeclarations.
func (c *checker) define(id *ast.Ident, o *Object) {
	if prev := c.mod.Scope.LookupLocal(id.Name); prev != nil {
		c.errorf(id, "%s is already declared at %s", id.Name, c.fset.Position(prev.Pos))
		return
	}
	// An imported name may not be declared again, as in the reference;
	// a namespace of use may, as its members are qualified.
	if prev := c.top.Parent().LookupLocal(id.Name); prev != nil && prev.Kind != NamespaceObj {
		from := "another module"
		if prev.Module != nil && prev.Module.Name != "" {
			from = "module " + prev.Module.Name
		}
		c.errorf(id, "%s is already imported from %s: choose another name, or import it under another one with 'as'", id.Name, from)
		return
	}
	o.Pos, o.Module = id.Pos(), c.mod
	c.info.Defs[id] = o
	c.mod.Scope.Insert(o)
	c.top.Insert(o)
}

func (c *checker) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.DataDecl:
		c.checkClassName(d.Name, "data type")
		st := &Struct{Name: d.Name.Name}
		seen := map[string]bool{}
		for _, f := range d.Fields {
			t := c.typ(f.Type, c.top)
			if seen[f.Name.Name] {
				c.errorf(f.Name, "duplicate field %s in %s", f.Name.Name, d.Name.Name)
			}
			seen[f.Name.Name] = true
			if !IsData(t) {
				c.errorf(f.Type, "field %s has type %s, which is not data: fields hold scalars, structs, arrays and options", f.Name.Name, t)
			}
			st.Fields = append(st.Fields, Field{f.Name.Name, t})
		}
		c.define(d.Name, &Object{Kind: TypeObj, Name: d.Name.Name, Type: st, Decl: d})
	case *ast.AliasDecl:
		c.checkClassName(d.Name, "alias")
		c.define(d.Name, &Object{Kind: TypeObj, Name: d.Name.Name, Type: c.typ(d.Type, c.top), Decl: d})
	case *ast.AbilityDecl:
		c.checkClassName(d.Name, "ability")
		ab := &Ability{Name: d.Name.Name}
		for _, f := range d.Fields {
			ab.Fields = append(ab.Fields, Field{f.Name.Name, c.typ(f.Type, c.top)})
		}
		c.define(d.Name, &Object{Kind: TypeObj, Name: d.Name.Name, Type: ab, Decl: d})
	case *ast.ServiceDecl:
		c.checkClassName(d.Name, "service")
		srv := &Service{Name: d.Name.Name}
		if d.DefaultID != nil {
			srv.DefaultID, srv.HasDefaultID = c.constString(d.DefaultID, "service id")
		}
		seen := map[string]bool{}
		for _, a := range d.Arrows {
			t := c.typ(a.Type, c.top)
			if seen[a.Name.Name] {
				c.errorf(a.Name, "duplicate arrow %s in service %s", a.Name.Name, d.Name.Name)
			}
			seen[a.Name.Name] = true
			if at, ok := t.(*Arrow); ok {
				if len(at.Results) > 1 {
					c.errorf(a.Type, "service arrow %s returns %d values: service arrows return at most one", a.Name.Name, len(at.Results))
				}
				for _, p := range at.Params {
					if _, isArrow := p.Type.(*Arrow); isArrow {
						c.errorf(a.Type, "service arrow %s takes an arrow parameter %s: services take data only", a.Name.Name, p.Name)
					}
				}
			}
			srv.Arrows = append(srv.Arrows, Field{a.Name.Name, t})
		}
		c.define(d.Name, &Object{Kind: ServiceObj, Name: d.Name.Name, Type: srv, Decl: d})
	case *ast.ConstDecl:
		c.constDecl(d)
	case *ast.FuncDecl:
		c.funcDecl(d)
	}
}

func (c *checker) checkClassName(id *ast.Ident, what string) {
	if r := id.Name[0]; r < 'A' || r > 'Z' {
		c.errorf(id, "%s name %s must start with a capital letter", what, id.Name)
	}
}

func (c *checker) constDecl(d *ast.ConstDecl) {
	for _, r := range d.Name.Name {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			c.errorf(d.Name, "constant name %s must be upper case, like %s", d.Name.Name, strings.ToUpper(d.Name.Name))
			break
		}
	}
	value := d.Value
	if override, ok := c.conf.Constants[d.Name.Name]; ok && d.Overridable {
		value = override
	}
	t := c.expr(value, c.top)
	if !isConstExpr(value, c.info) {
		c.errorf(d.Value, "constant %s must be a literal or another constant", d.Name.Name)
	}
	c.define(d.Name, &Object{Kind: ConstObj, Name: d.Name.Name, Type: t, Decl: d})
}

func isConstExpr(x ast.Expr, info *Info) bool {
	switch x := x.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		o := info.Uses[x]
		return o == nil || o.Kind == ConstObj || o.Kind == BuiltinObj
	case *ast.SelectorExpr:
		o := info.Uses[x.Sel]
		return o == nil || o.Kind == ConstObj
	case *ast.CollectionLit:
		for _, e := range x.Elems {
			if !isConstExpr(e, info) {
				return false
			}
		}
		return true
	}
	return false
}

// constString checks a service id in a declaration: a string literal or
// a string constant. It returns the literal text when it is known.
func (c *checker) constString(x ast.Expr, what string) (string, bool) {
	t := c.expr(x, c.top)
	if !AssignableTo(t, Typ(String)) {
		c.errorf(x, "%s must be a string, not %s", what, t)
	}
	return c.constText(x, c.info, 0)
}

// constText is the text of a string literal, or of the literal a string
// constant stands for (an overridden "?=" constant's new value). info
// resolves the names in x.
func (c *checker) constText(x ast.Expr, info *Info, depth int) (string, bool) {
	switch x := x.(type) {
	case *ast.BasicLit:
		if x.Kind == ast.StringLit {
			return strings.Trim(x.Value, `"`), true
		}
	case *ast.ParenExpr:
		return c.constText(x.X, info, depth)
	case *ast.Ident:
		o := info.ObjectOf(x)
		if o == nil || o.Kind != ConstObj || depth > 16 {
			return "", false
		}
		d, ok := o.Decl.(*ast.ConstDecl)
		if !ok {
			return "", false
		}
		value := d.Value
		if override, ok := c.conf.Constants[d.Name.Name]; ok && d.Overridable {
			value = override
		}
		if o.Module != nil && o.Module != c.mod {
			// A constant of another module names what that module sees:
			// only its literal is known here.
			if lit, ok := value.(*ast.BasicLit); ok {
				return c.constText(lit, info, depth+1)
			}
			return "", false
		}
		return c.constText(value, info, depth+1)
	}
	return "", false
}

// declares checks the header's declares list.
func (c *checker) declares(file *ast.File) {
	h := file.Header
	if h == nil || h.DeclaresAll {
		return
	}
	c.mod.declared = map[string]*Object{}
	for _, it := range h.Declares {
		name := it.Name.String()
		// Declared names may be the module's own or ones it imported.
		o := c.top.Lookup(name)
		if o != nil && o.Kind == BuiltinObj {
			o = nil
		}
		if o == nil {
			c.suggest(it.Name, closest(name, c.top.visible()), "cannot declare %s: no such declaration in this module", name)
			continue
		}
		c.info.Uses[it.Name.Last()] = o
		c.mod.declared[name] = o
	}
}

// mergeExports adds the entries of b to a, replacing those of the same
// name.
func mergeExports(a, b []exportEntry) []exportEntry {
	out := append([]exportEntry(nil), a...)
	for _, e := range b {
		if i := slices.IndexFunc(out, func(x exportEntry) bool { return x.name == e.name }); i >= 0 {
			out[i] = e
			continue
		}
		out = append(out, e)
	}
	return out
}

// exports checks the export list and works out what the host sees: the
// module's own exports and those its imports pass on, named as the
// reference compiler names them (Module.exported says how).
func (c *checker) exports(file *ast.File) {
	own := map[string]*Object{}
	items := map[string]*ast.ImportItem{}
	var list []exportEntry
	for _, ex := range file.Exports {
		for _, it := range ex.Items {
			key := it.Name.String()
			var rename *string
			if it.As != nil {
				rename = &it.As.Name
			}
			list = combineExport(list, exportEntry{name: key, rename: rename})
			o := c.qualified(it.Name, c.top)
			if o == nil {
				continue
			}
			if !c.exportable(it, o) {
				continue
			}
			own[key] = o
			items[key] = it
		}
	}
	all := append([]exportEntry(nil), c.inherited...)
	for _, e := range list {
		all = combineExport(all, e)
	}
	c.mod.exported = all
	// Own entries first, in the order written, then those passed on.
	order := append([]exportEntry(nil), list...)
	for _, e := range c.inherited {
		if !slices.ContainsFunc(order, func(x exportEntry) bool { return x.name == e.name }) {
			order = append(order, e)
		}
	}
	hostItems := map[string]*ast.ImportItem{} // own entries by host name
	for _, e := range order {
		i := slices.IndexFunc(all, func(x exportEntry) bool { return x.name == e.name })
		e = all[i]
		o, isOwn := own[e.name]
		if !isOwn {
			if slices.ContainsFunc(list, func(x exportEntry) bool { return x.name == e.name }) {
				continue // an own export already reported
			}
			// Passed on: exported only if this module sees a function
			// of that name.
			o = c.top.Lookup(e.name)
			if o == nil || o.Kind != FuncObj || !hostCallable(o) {
				continue
			}
		}
		name := e.name
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		if e.rename != nil {
			name = *e.rename
		}
		if prev := c.hostFunc(name); prev != nil && o.Kind == FuncObj && prev.Decl != o.Decl {
			// The reference outputs one of them; which one the host
			// calls must not be left to chance.
			var at ast.Node = file
			if it, ok := items[e.name]; ok {
				at = it
			} else if it, ok := hostItems[name]; ok {
				at = it
			} else if len(file.Imports) > 0 {
				at = file.Imports[0]
			}
			c.errorf(at, "two functions are exported as %s: %s and %s; export one of them under another name", name, prev.Name, o.Name)
			continue
		}
		if it, ok := items[e.name]; ok {
			hostItems[name] = it
		}
		c.mod.Exports = append(c.mod.Exports, Export{Name: name, Object: o})
	}
}

// hostFunc is the function already exported under name, if any.
func (c *checker) hostFunc(name string) *Object {
	for _, ex := range c.mod.Exports {
		if ex.Name == name && ex.Object.Kind == FuncObj {
			return ex.Object
		}
	}
	return nil
}

// combineExport adds an entry as the reference compiler combines export
// lists: a name listed twice keeps both renamings, concatenated.
func combineExport(list []exportEntry, e exportEntry) []exportEntry {
	i := slices.IndexFunc(list, func(x exportEntry) bool { return x.name == e.name })
	if i < 0 {
		return append(list, e)
	}
	out := append([]exportEntry(nil), list...)
	switch prev := out[i].rename; {
	case prev == nil:
		out[i].rename = e.rename
	case e.rename != nil:
		joined := *prev + *e.rename
		out[i].rename = &joined
	}
	return out
}

// hostCallable reports whether the host can call a function: no
// abilities, arrows or stream maps to pass or receive.
func hostCallable(o *Object) bool {
	at, ok := o.Type.(*Arrow)
	if !ok || len(at.Abilities) > 0 {
		return false
	}
	for _, p := range at.Params {
		if _, ok := p.Type.(*StreamMap); ok {
			return false
		}
	}
	for _, r := range at.Results {
		if !IsData(r) && !isStreamType(r) {
			return false
		}
	}
	return true
}

// exportable checks one entry of the module's own export list.
func (c *checker) exportable(it *ast.ImportItem, o *Object) bool {
	switch o.Kind {
	case FuncObj:
		at, ok := o.Type.(*Arrow)
		if !ok {
			return true
		}
		if len(at.Abilities) > 0 {
			c.errorf(it.Name, "cannot export %s: it takes abilities, which the host cannot pass", o.Name)
			return false
		}
		for _, p := range at.Params {
			if _, ok := p.Type.(*StreamMap); ok {
				c.errorf(it.Name, "cannot export %s: it takes stream map %s (%s), which the host cannot pass", o.Name, p.Name, p.Type)
			}
		}
		for _, r := range at.Results {
			if !IsData(r) && !isStreamType(r) {
				c.errorf(it.Name, "cannot export %s: it returns %s, which the host cannot receive", o.Name, r)
			}
		}
	case ServiceObj, ConstObj, TypeObj:
	default:
		c.errorf(it.Name, "cannot export %s %s: only functions, services, constants and types are exported", o.Kind, o.Name)
		return false
	}
	return true
}

// isStreamType reports whether t is a stream of data, which an exported
// function returns as an array. A stream map has no such form.
func isStreamType(t Type) bool {
	st, ok := t.(*Stream)
	return ok && IsData(st.Elem)
}

// qualified resolves a possibly dotted name through namespaces.
func (c *checker) qualified(q *ast.QualName, scope *Scope) *Object {
	o := c.lookup(q.Parts[0], scope)
	for _, part := range q.Parts[1:] {
		if o == nil {
			return nil
		}
		if o.Kind != NamespaceObj {
			c.errorf(part, "%s is a %s, not a module", o.Name, o.Kind)
			return nil
		}
		next := o.Members.LookupLocal(part.Name)
		if next == nil {
			c.suggest(part, closest(part.Name, o.Members.Names()), "module %s has no %s", o.Name, part.Name)
			return nil
		}
		c.info.Uses[part] = next
		o = next
	}
	return o
}

// lookup resolves an identifier, reporting unknown names with
// suggestions.
func (c *checker) lookup(id *ast.Ident, scope *Scope) *Object {
	if o := scope.Lookup(id.Name); o != nil {
		c.info.Uses[id] = o
		return o
	}
	c.unknown(id, scope)
	return nil
}

func (c *checker) unknown(id *ast.Ident, scope *Scope) {
	if m, ok := c.hidden[id.Name]; ok {
		c.errorf(id, "%s is defined in module %s but not declared there: add it to the 'declares' list of its header", id.Name, m)
		return
	}
	for _, d := range c.mod.File.Decls {
		if n := declName(d); n != nil && n.Name == id.Name && n.Pos() > id.Pos() {
			c.errorf(id, "%s is declared later, at line %d: Aqua needs declarations before their use", id.Name, c.fset.Position(n.Pos()).Line)
			return
		}
	}
	c.suggest(id, closest(id.Name, scope.visible()), "undefined: %s", id.Name)
}

func declName(d ast.Decl) *ast.Ident {
	switch d := d.(type) {
	case *ast.DataDecl:
		return d.Name
	case *ast.AliasDecl:
		return d.Name
	case *ast.ConstDecl:
		return d.Name
	case *ast.ServiceDecl:
		return d.Name
	case *ast.AbilityDecl:
		return d.Name
	case *ast.FuncDecl:
		return d.Name
	}
	return nil
}

// typ resolves a type expression.
func (c *checker) typ(t ast.Type, scope *Scope) Type {
	switch t := t.(type) {
	case *ast.NamedType:
		if len(t.Name.Parts) == 1 {
			if b, ok := Scalar(t.Name.Parts[0].Name); ok {
				return b
			}
		}
		o := c.qualified(t.Name, scope)
		if o == nil {
			return Invalid
		}
		switch o.Kind {
		case TypeObj, ServiceObj:
			return o.Type
		}
		c.errorf(t, "%s is a %s, not a type", t.Name, o.Kind)
		return Invalid
	case *ast.ArrayType:
		return &Array{Elem: c.elemType(t.Elem, scope, "array")}
	case *ast.OptionType:
		return &Option{Elem: c.elemType(t.Elem, scope, "option")}
	case *ast.StreamType:
		return &Stream{Elem: c.elemType(t.Elem, scope, "stream")}
	case *ast.StreamMapType:
		return &StreamMap{Elem: c.elemType(t.Elem, scope, "stream map")}
	case *ast.TopBottomType:
		if t.Top {
			return Top
		}
		return Bottom
	case *ast.ArrowType:
		return c.arrowType(t, scope)
	}
	return Invalid
}

func (c *checker) elemType(t ast.Type, scope *Scope, what string) Type {
	e := c.typ(t, scope)
	if !IsData(e) {
		c.errorf(t, "%s elements must be data, not %s", what, e)
		return Invalid
	}
	return e
}

func (c *checker) arrowType(t *ast.ArrowType, scope *Scope) *Arrow {
	a := &Arrow{}
	for _, ab := range t.Abilities {
		at := c.typ(ab, scope)
		if _, ok := at.(*Ability); !ok && at != Invalid {
			c.errorf(ab, "%s is not an ability", ab.Name)
		}
		a.Abilities = append(a.Abilities, Field{ab.Name.Last().Name, at})
	}
	for _, p := range t.Params {
		f := Field{Type: c.typ(p.Type, scope)}
		if p.Name != nil {
			f.Name = p.Name.Name
		}
		a.Params = append(a.Params, f)
	}
	for _, r := range t.Results {
		a.Results = append(a.Results, c.typ(r, scope))
	}
	return a
}
