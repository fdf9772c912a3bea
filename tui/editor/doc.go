package editor

import (
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// doc is one open file: its lines, cursor, scroll and latest build.
type doc struct {
	path  string
	lines [][]rune
	row   int // cursor line, from 0
	col   int // cursor rune column, from 0
	top   int // first visible line

	// version counts edits; saved is the version on disk.
	version, saved int
	// build is the latest compile result, of version built.
	build   ui.Build
	built   int
	hasDiag map[int]diag.Severity // 0-based line -> worst severity
}

func newDoc(path, text string, saved bool) *doc {
	d := &doc{path: path, version: 1, built: -1}
	for l := range strings.SplitSeq(text, "\n") {
		d.lines = append(d.lines, []rune(l))
	}
	if saved {
		d.saved = d.version
	}
	return d
}

func (d *doc) text() string {
	var b strings.Builder
	for i, l := range d.lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(string(l))
	}
	return b.String()
}

func (d *doc) dirty() bool { return d.version != d.saved }

func (d *doc) edited() { d.version++ }

func (d *doc) clampCol() { d.col = max(0, min(d.col, len(d.lines[d.row]))) }

func (d *doc) insert(s string) {
	for _, r := range s {
		switch r {
		case '\r':
		case '\n':
			d.newline(false)
		case '\t':
			d.insertRunes([]rune("  "))
		default:
			d.insertRunes([]rune{r})
		}
	}
	d.edited()
}

func (d *doc) insertRunes(rs []rune) {
	l := d.lines[d.row]
	nl := make([]rune, 0, len(l)+len(rs))
	nl = append(append(append(nl, l[:d.col]...), rs...), l[d.col:]...)
	d.lines[d.row] = nl
	d.col += len(rs)
}

// newline splits the line at the cursor; with indent, the new line keeps
// the indentation, one level deeper after a line ending in ':'.
func (d *doc) newline(indent bool) {
	l := d.lines[d.row]
	head, tail := append([]rune(nil), l[:d.col]...), append([]rune(nil), l[d.col:]...)
	var pad []rune
	if indent {
		for _, r := range head {
			if r != ' ' {
				break
			}
			pad = append(pad, ' ')
		}
		if t := strings.TrimSpace(string(head)); strings.HasSuffix(t, ":") && !strings.HasPrefix(t, "--") {
			pad = append(pad, ' ', ' ')
		}
	}
	d.lines[d.row] = head
	rest := append(pad, tail...)
	d.lines = append(d.lines[:d.row+1], append([][]rune{rest}, d.lines[d.row+1:]...)...)
	d.row++
	d.col = len(pad)
}

func (d *doc) backspace() {
	switch {
	case d.col > 0:
		l := d.lines[d.row]
		d.lines[d.row] = append(l[:d.col-1:d.col-1], l[d.col:]...)
		d.col--
	case d.row > 0:
		prev := d.lines[d.row-1]
		d.col = len(prev)
		d.lines[d.row-1] = append(prev[:len(prev):len(prev)], d.lines[d.row]...)
		d.lines = append(d.lines[:d.row], d.lines[d.row+1:]...)
		d.row--
	default:
		return
	}
	d.edited()
}

func (d *doc) deleteForward() {
	l := d.lines[d.row]
	switch {
	case d.col < len(l):
		d.lines[d.row] = append(l[:d.col:d.col], l[d.col+1:]...)
	case d.row+1 < len(d.lines):
		d.lines[d.row] = append(l[:len(l):len(l)], d.lines[d.row+1]...)
		d.lines = append(d.lines[:d.row+1], d.lines[d.row+2:]...)
	default:
		return
	}
	d.edited()
}

func (d *doc) moveTo(row, col int) {
	d.row = max(0, min(row, len(d.lines)-1))
	d.col = col
	d.clampCol()
}

// setBuild records a build and indexes its diagnostics by line.
func (d *doc) setBuild(version int, b ui.Build) {
	d.build, d.built = b, version
	d.hasDiag = map[int]diag.Severity{}
	for _, x := range d.diagnostics() {
		l := x.Pos.Line - 1
		if s, ok := d.hasDiag[l]; !ok || x.Severity < s {
			d.hasDiag[l] = x.Severity
		}
	}
}

// diagnostics returns the build's diagnostics in this file.
func (d *doc) diagnostics() diag.List {
	var out diag.List
	for _, x := range d.build.Diagnostics {
		if x.Pos.Filename == d.path || x.Pos.Filename == "" {
			out = append(out, x)
		}
	}
	return out
}

// lineDiag returns the first diagnostic on 0-based line l.
func (d *doc) lineDiag(l int) (diag.Diagnostic, bool) {
	if _, ok := d.hasDiag[l]; !ok {
		return diag.Diagnostic{}, false
	}
	for _, x := range d.diagnostics() {
		if x.Pos.Line-1 == l {
			return x, true
		}
	}
	return diag.Diagnostic{}, false
}
