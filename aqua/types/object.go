package types

import (
	"sort"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// ObjKind says what a name denotes.
type ObjKind int

// Object kinds.
const (
	VarObj       ObjKind = iota // a local value: assignment, call result, stream, closure
	ParamObj                    // a function or closure parameter, including {Ability} parameters
	IterObj                     // a for or parseq iteration variable, or the catch variable
	FuncObj                     // a top-level function
	ConstObj                    // a top-level constant
	TypeObj                     // a data type, alias or ability type
	ServiceObj                  // a service
	NamespaceObj                // a module brought in with "use"
	BuiltinObj                  // INIT_PEER_ID, HOST_PEER_ID, nil, ...
)

var objKindNames = [...]string{"variable", "parameter", "iteration variable", "function", "constant", "type", "service", "module", "built-in constant"}

func (k ObjKind) String() string { return objKindNames[k] }

// Object is a named entity: what an identifier declares or refers to.
type Object struct {
	Kind ObjKind
	Name string
	Type Type
	Pos  token.Pos // declaring identifier; NoPos for built-ins
	// Module is the module a top-level object belongs to; nil for locals
	// and built-ins.
	Module *Module
	// Decl is the declaring node: *ast.FuncDecl, *ast.ServiceDecl,
	// *ast.ConstDecl, *ast.DataDecl, *ast.AliasDecl, *ast.AbilityDecl, or
	// for locals the statement that introduced the name.
	Decl ast.Node
	// Members holds the names of a NamespaceObj.
	Members *Scope
}

// IsStream reports whether the object is a stream or stream map, whose
// writes append instead of defining a new value.
func (o *Object) IsStream() bool {
	switch o.Type.(type) {
	case *Stream, *StreamMap:
		return true
	}
	return false
}

// Scope maps names to objects and links to its enclosing scope.
type Scope struct {
	parent *Scope
	names  map[string]*Object
}

// NewScope returns an empty scope inside parent (which may be nil).
func NewScope(parent *Scope) *Scope {
	return &Scope{parent: parent, names: map[string]*Object{}}
}

// Parent returns the enclosing scope.
func (s *Scope) Parent() *Scope { return s.parent }

// Lookup finds name in s or an enclosing scope.
func (s *Scope) Lookup(name string) *Object {
	for ; s != nil; s = s.parent {
		if o, ok := s.names[name]; ok {
			return o
		}
	}
	return nil
}

// LookupLocal finds name in s only.
func (s *Scope) LookupLocal(name string) *Object { return s.names[name] }

// Insert adds obj, replacing any object of the same name in s.
func (s *Scope) Insert(obj *Object) { s.names[obj.Name] = obj }

// Names returns the names declared in s, sorted.
func (s *Scope) Names() []string {
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// visible returns all names visible from s.
func (s *Scope) visible() []string {
	seen := map[string]bool{}
	var out []string
	for ; s != nil; s = s.parent {
		for n := range s.names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// CallKind says what a call expression invokes.
type CallKind int

// Call kinds.
const (
	CallFunc      CallKind = iota // a top-level function: inlined by code generation
	CallService                   // an arrow of a service: an AIR call
	CallArrow                     // an arrow value: parameter (callback), closure or ability member
	CallStruct                    // Struct(field = value): construction
	CallAbility                   // Ability(field = value): construction
	CallCopy                      // x.copy(field = value)
	CallMapMethod                 // get, getStream, keys, keysStream, contains on a stream map
)

// Call describes one call expression.
type Call struct {
	Kind CallKind
	// Callee is the called function, service, variable or parameter; for
	// an ability member call it is the ability value. Nil when the callee
	// is an expression result (a nested ability field).
	Callee *Object
	// Member is the arrow, method or field name for service, ability and
	// map calls.
	Member string
	// Arrow is the type of what is called; nil for constructions.
	Arrow *Arrow
	// Result is the type constructed by CallStruct, CallAbility and
	// CallCopy.
	Result Type
}

// Info records what the checker learned about a file.
type Info struct {
	Types map[ast.Expr]Type
	Defs  map[*ast.Ident]*Object
	Uses  map[*ast.Ident]*Object
	Calls map[*ast.CallExpr]*Call
}

// NewInfo returns an Info with all maps allocated.
func NewInfo() *Info {
	return &Info{
		Types: map[ast.Expr]Type{},
		Defs:  map[*ast.Ident]*Object{},
		Uses:  map[*ast.Ident]*Object{},
		Calls: map[*ast.CallExpr]*Call{},
	}
}

// NewInfoFor returns an Info with room for what the checker finds in
// size bytes of source, so that checking a large file does not grow
// the maps step by step: in a 5,000-line file that took a fifth of the
// check. The ratios are about those of a large file of the
// language server's benchmark (aqua/lsp bigFile).
func NewInfoFor(size int) *Info {
	return &Info{
		Types: make(map[ast.Expr]Type, size/16),
		Defs:  make(map[*ast.Ident]*Object, size/40),
		Uses:  make(map[*ast.Ident]*Object, size/20),
		Calls: make(map[*ast.CallExpr]*Call, size/80),
	}
}

// ObjectOf returns the object an identifier declares or refers to.
func (info *Info) ObjectOf(id *ast.Ident) *Object {
	if o := info.Defs[id]; o != nil {
		return o
	}
	return info.Uses[id]
}

// Export is one entry of an export list.
type Export struct {
	Name   string // the name the host sees
	Object *Object
}

// Module is a checked source file.
type Module struct {
	Name  string // from the header; "" if the file has none
	File  *ast.File
	Scope *Scope // the module's own top-level declarations
	// declared holds the names other modules may import, which may
	// include names the module itself imported; nil means every name the
	// module declares ("declares *").
	declared map[string]*Object
	// Exports are what the host sees: the functions, services,
	// constants and types of the module's export list, and the
	// functions its imports export that it sees under the same name.
	Exports []Export
	// exported is the export list the module passes on to modules
	// that import it (but not to those that use it): its own entries
	// combined with those of its imports. As in the reference compiler,
	// an entry listed by both keeps both renamings, concatenated, so a
	// module exporting f as g imported by one exporting f as h exports
	// it as gh.
	exported []exportEntry
	// imported holds the names the module's imports bring in.
	imported *Scope
}

// exportEntry is one name of an export list and its new name, if any.
type exportEntry struct {
	name   string
	rename *string
}

// Declared returns the objects other modules may import, by name.
func (m *Module) Declared() map[string]*Object {
	out := map[string]*Object{}
	if m.declared != nil {
		for name, o := range m.declared {
			out[name] = o
		}
		return out
	}
	// "declares *", or no header: every name of the module, the ones it
	// imports (but not the namespaces of use) too.
	if m.imported != nil {
		for name, o := range m.imported.names {
			if o.Kind != NamespaceObj {
				out[name] = o
			}
		}
	}
	for name, o := range m.Scope.names {
		out[name] = o
	}
	return out
}

// Universe is the scope of built-in names shared by every module.
func Universe() *Scope {
	s := NewScope(nil)
	for _, b := range []struct {
		name string
		typ  Type
	}{
		{"INIT_PEER_ID", Typ(String)},
		{"HOST_PEER_ID", Typ(String)},
		{"PARTICLE_TTL", Typ(U32)},
		{"PARTICLE_TIMESTAMP", Typ(U64)},
		{"LAST_ERROR", ErrorType},
		{"nil", &Option{Elem: Bottom}},
	} {
		s.Insert(&Object{Kind: BuiltinObj, Name: b.name, Type: b.typ})
	}
	return s
}
