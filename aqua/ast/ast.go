// Package ast declares the syntax tree of Aqua source files.
//
// Every node records where it starts and ends (Pos and End), so
// diagnostics and editors can point at any part of the tree. The parser
// produces the tree; the type checker never changes it but records what it
// learns in a side table (types.Info), as go/types does for go/ast.
package ast

import "github.com/aquarium-p2p/aquarium/aqua/token"

// Node is any syntax tree node.
type Node interface {
	Pos() token.Pos // first character of the node
	End() token.Pos // first character after the node
}

// Expr is a value expression.
type Expr interface {
	Node
	exprNode()
}

// Type is a type expression.
type Type interface {
	Node
	typeNode()
}

// Stmt is a statement in a function body.
type Stmt interface {
	Node
	stmtNode()
}

// Decl is a top-level declaration.
type Decl interface {
	Node
	declNode()
}

// Ident is a name: a variable, a function, a type, a service, a constant.
type Ident struct {
	NamePos token.Pos
	Name    string
}

func (x *Ident) Pos() token.Pos { return x.NamePos }
func (x *Ident) End() token.Pos { return x.NamePos + token.Pos(len(x.Name)) }
func (*Ident) exprNode()        {}

// QualName is a possibly dotted name such as Lib.Sub.Name.
type QualName struct {
	Parts []*Ident
}

func (x *QualName) Pos() token.Pos { return x.Parts[0].Pos() }
func (x *QualName) End() token.Pos { return x.Parts[len(x.Parts)-1].End() }

// String joins the parts with dots.
func (x *QualName) String() string {
	s := x.Parts[0].Name
	for _, p := range x.Parts[1:] {
		s += "." + p.Name
	}
	return s
}

// Last returns the final part of the name.
func (x *QualName) Last() *Ident { return x.Parts[len(x.Parts)-1] }

// File is one parsed source file.
type File struct {
	Name string // file name as given to the parser
	// Header is the "aqua Name" or "module Name" line; nil if absent.
	Header  *ModuleClause
	Imports []*Import
	Exports []*Export
	Decls   []Decl
	Start   token.Pos
	Finish  token.Pos
}

func (f *File) Pos() token.Pos { return f.Start }
func (f *File) End() token.Pos { return f.Finish }

// ModuleClause is the header line "aqua Name [declares ...]".
type ModuleClause struct {
	Keyword    token.Pos
	Deprecated bool // written as "module" rather than "aqua"
	Name       *QualName
	// Declares lists the declared names; DeclaresAll is set for "declares *".
	Declares    []*ImportItem
	DeclaresAll bool
	Finish      token.Pos
}

func (m *ModuleClause) Pos() token.Pos { return m.Keyword }
func (m *ModuleClause) End() token.Pos { return m.Finish }

// ImportItem is one name in an import, use, declares or export list,
// optionally renamed with "as".
type ImportItem struct {
	Name *QualName
	As   *Ident // nil when not renamed
}

func (x *ImportItem) Pos() token.Pos { return x.Name.Pos() }
func (x *ImportItem) End() token.Pos {
	if x.As != nil {
		return x.As.End()
	}
	return x.Name.End()
}

// Import is "import", "import ... from", "use" or "use ... from".
type Import struct {
	Keyword token.Pos
	Use     bool          // "use": names come in under a namespace
	Items   []*ImportItem // nil: every declared name
	Path    *BasicLit     // the quoted path
	As      *QualName     // namespace of "use ... as Alias"; nil if absent
	Finish  token.Pos
}

func (x *Import) Pos() token.Pos { return x.Keyword }
func (x *Import) End() token.Pos { return x.Finish }

// Export is "export a, B as C".
type Export struct {
	Keyword token.Pos
	Items   []*ImportItem
}

func (x *Export) Pos() token.Pos { return x.Keyword }
func (x *Export) End() token.Pos { return x.Items[len(x.Items)-1].End() }
