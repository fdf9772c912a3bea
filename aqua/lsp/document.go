package lsp

import (
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// document is an open file: its text as the editor has it, and what
// the compiler made of that text.
type document struct {
	uri  protocol.DocumentUri
	path string
	text string

	prog  *aqua.Program
	file  *aqua.File  // the document's own checked file
	tfile *token.File // its positions
	diags diag.List
	// good is the last analysis with no errors: while a line is being
	// typed the file often does not parse, and completion still needs
	// the names and types it had.
	good     *aqua.Program
	goodFile *aqua.File
}

// analyse checks the document's text in ws.
func (d *document) analyse(ws *aqua.Workspace) {
	d.prog, d.diags = ws.CheckSource(d.path, []byte(d.text))
	d.file, d.tfile = nil, nil
	if len(d.prog.Roots) > 0 {
		d.file = d.prog.Roots[0]
	}
	for _, f := range d.prog.Fset.Files() {
		if f.Name() == d.path {
			d.tfile = f
		}
	}
	if d.file != nil && !d.diags.HasErrors() {
		d.good, d.goodFile = d.prog, d.file
	}
}

// lspPos converts a 1-based line and byte column of the document into
// an LSP position, whose character counts UTF-16 units.
func (d *document) lspPos(line, col int) protocol.Position {
	if d.tfile == nil {
		return protocol.Position{Line: uint32(max(line-1, 0))}
	}
	return lspPosIn(d.tfile, line, col)
}

func lspPosIn(f *token.File, line, col int) protocol.Position {
	text := f.Line(line)
	n := min(max(col-1, 0), len(text))
	return protocol.Position{Line: uint32(max(line-1, 0)), Character: uint32(utf16Len(text[:n]))}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// offsetOf converts an LSP position into a byte offset of text.
func offsetOf(text string, p protocol.Position) int {
	off := 0
	for range p.Line {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	units := int(p.Character)
	for units > 0 && off < len(text) && text[off] != '\n' {
		r, size := utf8.DecodeRuneInString(text[off:])
		units -= len(utf16.Encode([]rune{r}))
		off += size
	}
	return off
}

// applyEdit replaces a range of text; no range replaces it all.
func applyEdit(text string, rng *protocol.Range, with string) string {
	if rng == nil {
		return with
	}
	start, end := offsetOf(text, rng.Start), offsetOf(text, rng.End)
	if end < start {
		start, end = end, start
	}
	return text[:start] + with + text[end:]
}

// endPos is the LSP position of the end of text.
func endPos(text string) protocol.Position {
	line := strings.Count(text, "\n")
	last := text[strings.LastIndexByte(text, '\n')+1:]
	return protocol.Position{Line: uint32(line), Character: uint32(utf16Len(last))}
}

// pos is the compiler position of an LSP position in the document.
func (d *document) pos(p protocol.Position) token.Pos {
	if d.tfile == nil {
		return token.NoPos
	}
	return d.tfile.Pos(offsetOf(d.text, p))
}

// identAt finds the identifier under the cursor: the one that contains
// it or ends right at it.
func (d *document) identAt(p token.Pos) *ast.Ident {
	if d.file == nil || d.file.Syntax == nil || !p.IsValid() {
		return nil
	}
	var found *ast.Ident
	ast.Inspect(d.file.Syntax, func(n ast.Node) bool {
		if n == nil || n.Pos() > p || n.End() < p {
			return n != nil && n.Pos() <= p
		}
		if id, ok := n.(*ast.Ident); ok {
			found = id
		}
		return true
	})
	return found
}

// exprAt finds the innermost expression under the cursor that has a
// type.
func (d *document) exprAt(p token.Pos) (ast.Expr, types.Type) {
	if d.file == nil || d.file.Syntax == nil {
		return nil, nil
	}
	var x ast.Expr
	var t types.Type
	ast.Inspect(d.file.Syntax, func(n ast.Node) bool {
		if n == nil || n.Pos() > p || n.End() < p {
			return n != nil && n.Pos() <= p
		}
		if e, ok := n.(ast.Expr); ok {
			if et, ok := d.file.Info.Types[e]; ok && et != nil {
				x, t = e, et
			}
		}
		return true
	})
	return x, t
}

// lookupName finds what a name means at a place in a checked file: the
// nearest definition of it before that place, then the file's own
// top-level names, then what its imports bring in.
func lookupName(f *aqua.File, name string, at token.Pos) *types.Object {
	var best *ast.Ident
	var obj *types.Object
	for id, o := range f.Info.Defs {
		if id.Name == name && id.Pos() <= at && (best == nil || id.Pos() > best.Pos()) {
			best, obj = id, o
		}
	}
	if obj != nil {
		return obj
	}
	if o := f.Module.Scope.LookupLocal(name); o != nil {
		return o
	}
	for _, o := range imported(f) {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// imported lists what a file's imports (not uses) bring in, by the
// names the file sees them under.
func imported(f *aqua.File) []*types.Object {
	var out []*types.Object
	deps := f.Imports()
	for i, im := range f.Syntax.Imports {
		if i >= len(deps) {
			break
		}
		declared := deps[i].Module.Declared()
		if im.Use {
			continue
		}
		if im.Items == nil {
			names := make([]string, 0, len(declared))
			for n := range declared {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				out = append(out, declared[n])
			}
			continue
		}
		for _, it := range im.Items {
			if o := declared[it.Name.String()]; o != nil {
				if it.As != nil {
					c := *o
					c.Name = it.As.Name
					o = &c
				}
				out = append(out, o)
			}
		}
	}
	return out
}
