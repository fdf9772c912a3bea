package aqua

import (
	"slices"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/parser"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// A Workspace parses the files it keeps a top-level declaration at a
// time, and keeps the parts of the last text of each, so that an edit
// re-parses only the declarations it touches: in a file of 5,000
// lines, parsing everything again took half the time of a keystroke.
//
// A file is cut where lexer.TopLines says a line starts a top-level
// logical line whatever comes before it, into a head (the header,
// imports and exports) and one part for each declaration after it.
// Each part is parsed on its own (parser.ParsePart), in a range of Pos
// values of its own, and the file's token.File maps each range to where
// its part stands this time (token.Piece). A part whose text (and
// whether a part follows it) is the same as one of the last parse is
// not parsed again: the parser reads a declaration's lines and nothing
// else, so its syntax tree and the diagnostics it reported, moved to
// where the part now starts, are what parsing it again would give. The
// file's syntax tree is assembled from its parts' trees, and then
// checked as a whole.
//
// A reused part keeps its Pos range, and the ranges must rise through
// the file, as Pos values are compared to order places: each new part
// is parsed just after the part before it, with room after it for its
// text to grow (slack), and a part of the last parse is reused only if
// its range starts after the end of the part before it. An edit that
// outgrows the room after it re-parses the parts that follow, until
// one with room before it. A file that has a line other than a
// declaration after its first declaration, rare and an error, is
// parsed whole.

// layout is how a file was last parsed: its parts, in the Pos region
// that the file's parts take their ranges from.
type layout struct {
	start, end int
	parts      map[string][]*part // by text, in the order of their ranges
	used       uint64             // when the Workspace last handed it out
}

// part is one parsed part of a file.
type part struct {
	text string
	more bool // parsed as followed by another part
	base int  // the Pos of its first byte
	tree *ast.File
	// diags are what parsing it reported, at positions counted from the
	// part's start (line 1, offset 0).
	diags diag.List
}

// slack is the room left after a new part of n bytes for its text to
// grow into.
func slack(n int) int { return 64 + n/2 }

// regionSize is the size of the Pos region of a file of n bytes: room
// for many edits before the parts run out of it and the file is parsed
// again from scratch, in a new region.
func regionSize(n int) int { return 8*n + 1<<20 }

// span is the text of a part: src[from:to].
type span struct{ from, to int }

// cut cuts src into a head and declaration parts; ok is false when the
// file is to be parsed whole.
func cut(src []byte) (spans []span, ok bool) {
	starts := lexer.TopLines(src)
	first := slices.IndexFunc(starts, func(off int) bool { return isDeclLine(src, off) })
	if first < 0 {
		return nil, false
	}
	if starts[first] > 0 {
		spans = append(spans, span{0, starts[first]})
	}
	for i, from := range starts[first:] {
		if !isDeclLine(src, from) {
			return nil, false
		}
		to := len(src)
		if i := first + i + 1; i < len(starts) {
			to = starts[i]
		}
		spans = append(spans, span{from, to})
	}
	return spans, true
}

// isDeclLine reports whether the line at off starts a declaration,
// whose parse depends on its own lines only.
func isDeclLine(src []byte, off int) bool {
	end := off
	for end < len(src) && (src[end] == '_' || src[end] >= 'a' && src[end] <= 'z' || src[end] >= 'A' && src[end] <= 'Z' || src[end] >= '0' && src[end] <= '9') {
		end++
	}
	switch string(src[off:end]) {
	case "func", "data", "ability", "alias", "const", "service":
		return true
	}
	return false
}

// parseKept parses a file the Workspace keeps, as its parts, reusing
// those of its last parse that are unchanged.
func (l *loader) parseKept(path, key string, src []byte) (*token.File, *ast.File, diag.List) {
	spans, ok := cut(src)
	if !ok {
		tf := l.prog.Fset.AddFileAt(path, src, l.ws.reserve(len(src)+1))
		tree, diags := parser.ParseFile(tf)
		return tf, tree, diags
	}
	prev := l.ws.layout(key)
	lay, parts := l.lay(path, src, spans, prev)
	if lay == nil { // out of room: start again in a new region
		lay, parts = l.lay(path, src, spans, nil)
	}
	l.ws.putLayout(key, lay)

	pieces := make([]token.Piece, len(parts))
	for i, p := range parts {
		pieces[i] = token.Piece{Offset: spans[i].from, Base: p.base}
	}
	tf := l.prog.Fset.AddPieces(path, src, pieces)
	tree := &ast.File{Name: path, Start: tf.Pos(0), Finish: tf.Pos(len(src))}
	var diags diag.List
	for i, p := range parts {
		if i == 0 {
			tree.Header, tree.Imports, tree.Exports = p.tree.Header, p.tree.Imports, p.tree.Exports
		}
		tree.Decls = append(tree.Decls, p.tree.Decls...)
		line := tf.Position(tf.Pos(spans[i].from)).Line - 1
		for _, d := range p.diags {
			diags = append(diags, moved(d, path, line, spans[i].from))
		}
	}
	return tf, tree, diags
}

// lay finds or parses the parts of src, in prev's region (or a new one
// when prev is nil), and returns them with the layout they make; nil
// if they do not fit in prev's region.
func (l *loader) lay(path string, src []byte, spans []span, prev *layout) (*layout, []*part) {
	lay := &layout{parts: map[string][]*part{}}
	if prev != nil {
		lay.start, lay.end = prev.start, prev.end
	} else {
		size := regionSize(len(src))
		lay.start = l.ws.reserve(size)
		lay.end = lay.start + size
	}
	used := map[*part]bool{}
	// candidate is the part of the last parse that can stand for text
	// at or after the Pos from.
	candidate := func(text string, more bool, from int) *part {
		if prev == nil {
			return nil
		}
		for _, p := range prev.parts[text] {
			if p.more == more && p.base >= from && !used[p] {
				return p
			}
		}
		return nil
	}
	parts := make([]*part, len(spans))
	free := lay.start
	for i, s := range spans {
		text := string(src[s.from:s.to])
		more := i < len(spans)-1
		p := candidate(text, more, free)
		if p == nil {
			base := free
			if i > 0 { // a head grows at its start: leave no room before it
				base += l.gap(free, len(text), spans, i, src, candidate)
			}
			p = parsePart(path, text, more, base)
		}
		used[p] = true
		parts[i] = p
		lay.parts[text] = append(lay.parts[text], p)
		free = p.base + len(text) + 1
		if free > lay.end {
			return nil, nil
		}
	}
	return lay, parts
}

// gap is the room to leave before a new part of n bytes placed at free.
// When the part after it can be reused, half the room up to it, so that
// both can grow; when that part is of the last parse but the edit
// pushed past it, none, to catch up with the parts after it; else as
// much as the part before it may grow.
func (l *loader) gap(free, n int, spans []span, i int, src []byte, candidate func(string, bool, int) *part) int {
	if i+1 >= len(spans) {
		return slack(n)
	}
	next := spans[i+1]
	text, more := string(src[next.from:next.to]), i+1 < len(spans)-1
	if p := candidate(text, more, free+n+1); p != nil {
		return min(slack(n), (p.base-(free+n+1))/2)
	}
	if candidate(text, more, 0) != nil {
		return 0
	}
	return slack(n)
}

// parsePart parses the text of a part with its Pos values from base.
func parsePart(path, text string, more bool, base int) *part {
	tree, diags := parser.ParsePart(token.NewFile(path, base, []byte(text)), more)
	return &part{text: text, more: more, base: base, tree: tree, diags: diags}
}

// moved is a diagnostic of a part that starts at line+1 and offset of
// the file named path. Only a head's diagnostics name positions in
// their messages (a second module header), and a head starts the file.
func moved(d diag.Diagnostic, path string, line, offset int) diag.Diagnostic {
	move := func(p token.Position) token.Position {
		if p.IsValid() && p.Filename == path {
			p.Line += line
			p.Offset += offset
		}
		return p
	}
	d.Pos, d.End = move(d.Pos), move(d.End)
	return d
}
