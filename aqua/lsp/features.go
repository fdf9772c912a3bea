package lsp

import (
	"os"
	"regexp"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/format"
	"github.com/aquarium-p2p/aquarium/aqua/token"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil || d.file == nil {
		return nil, nil
	}
	at := d.pos(p.Position)
	var text string
	var rng *protocol.Range
	if id := d.identAt(at); id != nil {
		if o := d.file.Info.ObjectOf(id); o != nil {
			text = describe(o)
			rng = d.rangeOf(id.Pos(), id.End())
		}
	}
	if text == "" {
		x, t := d.exprAt(at)
		if x == nil {
			return nil, nil
		}
		text = t.String()
		rng = d.rangeOf(x.Pos(), x.End())
	}
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: "```aqua\n" + text + "\n```"},
		Range:    rng,
	}, nil
}

// describe says what an object is, as Aqua would declare it.
func describe(o *types.Object) string {
	switch o.Kind {
	case types.FuncObj:
		return "func " + o.Name + o.Type.String()
	case types.ServiceObj:
		var b strings.Builder
		b.WriteString("service " + o.Name)
		if s, ok := o.Type.(*types.Service); ok {
			if s.HasDefaultID {
				b.WriteString(`("` + s.DefaultID + `")`)
			}
			b.WriteString(":")
			for _, a := range s.Arrows {
				b.WriteString("\n  " + a.Name + a.Type.String())
			}
		}
		return b.String()
	case types.TypeObj:
		switch t := o.Type.(type) {
		case *types.Struct:
			return "data " + o.Name + fieldList(t.Fields)
		case *types.Ability:
			return "ability " + o.Name + fieldList(t.Fields)
		}
		return "alias " + o.Name + ": " + o.Type.String()
	case types.ConstObj:
		return "const " + o.Name + ": " + o.Type.String()
	case types.NamespaceObj:
		return "module " + o.Name
	}
	return o.Name + ": " + o.Type.String()
}

func fieldList(fs []types.Field) string {
	var b strings.Builder
	b.WriteString(":")
	for _, f := range fs {
		b.WriteString("\n  " + f.Name + ": " + f.Type.String())
	}
	return b.String()
}

func (d *document) rangeOf(from, to token.Pos) *protocol.Range {
	a, b := d.tfile.Position(from), d.tfile.Position(to)
	return &protocol.Range{Start: d.lspPos(a.Line, a.Column), End: d.lspPos(b.Line, b.Column)}
}

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil || d.file == nil {
		return nil, nil
	}
	id := d.identAt(d.pos(p.Position))
	if id == nil {
		return nil, nil
	}
	o := d.file.Info.ObjectOf(id)
	if o == nil || !o.Pos.IsValid() {
		return nil, nil
	}
	tf := d.prog.Fset.File(o.Pos)
	if tf == nil {
		return nil, nil
	}
	at := tf.Position(o.Pos)
	uri := d.uri
	if at.Filename != d.path {
		// Files of the embedded standard library have no place on disk.
		if _, err := os.Stat(at.Filename); err != nil {
			return nil, nil
		}
		uri = pathURI(at.Filename)
	}
	start := lspPosIn(tf, at.Line, at.Column)
	end := lspPosIn(tf, at.Line, at.Column+len(o.Name))
	return protocol.Location{URI: uri, Range: protocol.Range{Start: start, End: end}}, nil
}

// member is a qualified name being typed before the cursor: "a.b." or
// "a.b.pre".
var member = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z0-9_]*)$`)
var word = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*$`)

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	off := offsetOf(d.text, p.Position)
	lineStart := strings.LastIndexByte(d.text[:off], '\n') + 1
	before := d.text[lineStart:off]
	f, prog := d.file, d.prog
	if f == nil || f.Info == nil || len(f.Info.Defs) == 0 {
		f, prog = d.goodFile, d.good
	}
	if f == nil {
		return []protocol.CompletionItem{}, nil
	}
	// Positions of the analysis used: the cursor's offset in its file,
	// which may be an older text; near enough for finding definitions.
	at := token.NoPos
	for _, tf := range prog.Fset.Files() {
		if tf.Name() == d.path {
			at = tf.Pos(off)
		}
	}
	if m := member.FindStringSubmatch(before); m != nil {
		return members(f, strings.Split(m[1], "."), m[2], at), nil
	}
	return names(f, word.FindString(before), at), nil
}

// members completes after a dot: the fields of a struct or ability,
// the arrows of a service, the names of a module brought in with use.
func members(f *aqua.File, path []string, prefix string, at token.Pos) []protocol.CompletionItem {
	o := lookupName(f, path[0], at)
	if o == nil {
		return []protocol.CompletionItem{}
	}
	t := o.Type
	scope := o.Members
	for _, name := range path[1:] {
		if scope != nil {
			m := scope.Lookup(name)
			if m == nil {
				return []protocol.CompletionItem{}
			}
			t, scope = m.Type, m.Members
			continue
		}
		ft, ok := field(t, name)
		if !ok {
			return []protocol.CompletionItem{}
		}
		t = ft
	}
	items := []protocol.CompletionItem{}
	add := func(name string, kind protocol.CompletionItemKind, detail string) {
		if strings.HasPrefix(name, prefix) {
			items = append(items, protocol.CompletionItem{Label: name, Kind: &kind, Detail: &detail})
		}
	}
	if scope != nil {
		for _, n := range scope.Names() {
			m := scope.Lookup(n)
			add(n, kindOf(m), m.Type.String())
		}
		return items
	}
	switch t := t.(type) {
	case *types.Struct:
		for _, fl := range t.Fields {
			add(fl.Name, protocol.CompletionItemKindField, fl.Type.String())
		}
	case *types.Ability:
		for _, fl := range t.Fields {
			k := protocol.CompletionItemKindField
			if _, ok := fl.Type.(*types.Arrow); ok {
				k = protocol.CompletionItemKindMethod
			}
			add(fl.Name, k, fl.Type.String())
		}
	case *types.Service:
		for _, fl := range t.Arrows {
			add(fl.Name, protocol.CompletionItemKindMethod, fl.Type.String())
		}
	}
	return items
}

func field(t types.Type, name string) (types.Type, bool) {
	var fs []types.Field
	switch t := t.(type) {
	case *types.Struct:
		fs = t.Fields
	case *types.Ability:
		fs = t.Fields
	case *types.Service:
		fs = t.Arrows
	}
	for _, f := range fs {
		if f.Name == name {
			return f.Type, true
		}
	}
	return nil, false
}

// names completes a word: the names defined before the cursor in the
// file (parameters and values of the functions), its top-level names,
// and those its imports bring in.
func names(f *aqua.File, prefix string, at token.Pos) []protocol.CompletionItem {
	seen := map[string]bool{}
	items := []protocol.CompletionItem{}
	add := func(o *types.Object) {
		if seen[o.Name] || !strings.HasPrefix(o.Name, prefix) {
			return
		}
		seen[o.Name] = true
		k, detail := kindOf(o), o.Type.String()
		items = append(items, protocol.CompletionItem{Label: o.Name, Kind: &k, Detail: &detail})
	}
	fn := enclosingFunc(f.Syntax, at)
	if fn != nil {
		for id, o := range f.Info.Defs {
			if id.Pos() >= fn.Pos() && id.Pos() < at {
				add(o)
			}
		}
	}
	for _, n := range f.Module.Scope.Names() {
		add(f.Module.Scope.LookupLocal(n))
	}
	for _, o := range imported(f) {
		add(o)
	}
	for _, n := range types.Universe().Names() {
		add(types.Universe().LookupLocal(n))
	}
	return items
}

func enclosingFunc(file *ast.File, at token.Pos) *ast.FuncDecl {
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= at && at <= fd.End() {
			return fd
		}
	}
	return nil
}

func kindOf(o *types.Object) protocol.CompletionItemKind {
	switch o.Kind {
	case types.FuncObj:
		return protocol.CompletionItemKindFunction
	case types.ServiceObj:
		return protocol.CompletionItemKindInterface
	case types.TypeObj:
		return protocol.CompletionItemKindStruct
	case types.ConstObj, types.BuiltinObj:
		return protocol.CompletionItemKindConstant
	case types.NamespaceObj:
		return protocol.CompletionItemKindModule
	}
	if _, ok := o.Type.(*types.Arrow); ok {
		return protocol.CompletionItemKindFunction
	}
	return protocol.CompletionItemKindVariable
}

func (s *Server) documentSymbol(_ *glsp.Context, p *protocol.DocumentSymbolParams) (any, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil || d.file == nil || d.file.Syntax == nil {
		return []protocol.DocumentSymbol{}, nil
	}
	out := []protocol.DocumentSymbol{}
	sym := func(name *ast.Ident, whole ast.Node, kind protocol.SymbolKind, detail string, children []protocol.DocumentSymbol) protocol.DocumentSymbol {
		ds := protocol.DocumentSymbol{
			Name: name.Name, Kind: kind,
			Range: *d.rangeOf(whole.Pos(), whole.End()), SelectionRange: *d.rangeOf(name.Pos(), name.End()),
			Children: children,
		}
		if detail != "" {
			ds.Detail = &detail
		}
		return ds
	}
	fields := func(fs []*ast.Field, kind protocol.SymbolKind) []protocol.DocumentSymbol {
		var out []protocol.DocumentSymbol
		for _, f := range fs {
			if f.Name != nil {
				out = append(out, sym(f.Name, f, kind, "", nil))
			}
		}
		return out
	}
	typeOf := func(id *ast.Ident) string {
		if o := d.file.Info.Defs[id]; o != nil {
			return o.Type.String()
		}
		return ""
	}
	for _, decl := range d.file.Syntax.Decls {
		switch x := decl.(type) {
		case *ast.FuncDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindFunction, typeOf(x.Name), nil))
		case *ast.ServiceDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindInterface, "", fields(x.Arrows, protocol.SymbolKindMethod)))
		case *ast.DataDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindStruct, "", fields(x.Fields, protocol.SymbolKindField)))
		case *ast.AbilityDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindInterface, "", fields(x.Fields, protocol.SymbolKindField)))
		case *ast.AliasDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindClass, typeOf(x.Name), nil))
		case *ast.ConstDecl:
			out = append(out, sym(x.Name, x, protocol.SymbolKindConstant, typeOf(x.Name), nil))
		}
	}
	return out, nil
}

// formatting formats the whole document as `aquarium fmt` does; a file
// with syntax errors is left alone, as the formatter leaves it.
func (s *Server) formatting(_ *glsp.Context, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	d := s.doc(p.TextDocument.URI)
	if d == nil {
		return nil, nil
	}
	out, err := format.Source(d.path, []byte(d.text))
	if err != nil || string(out) == d.text {
		return []protocol.TextEdit{}, nil
	}
	return []protocol.TextEdit{{
		Range:   protocol.Range{Start: protocol.Position{}, End: endPos(d.text)},
		NewText: string(out),
	}}, nil
}
