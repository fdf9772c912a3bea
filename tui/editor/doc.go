package editor

import (
	"slices"
	"strings"
	"unicode"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// undoLimit bounds the undo history of a file.
const undoLimit = 10_000

// pos is a place in a file: a line and a rune column, both from 0.
type pos struct{ row, col int }

func (p pos) before(q pos) bool { return p.row < q.row || p.row == q.row && p.col < q.col }

// edit is one change, as undo and redo replay it: at from, removed was
// replaced by inserted, with the cursor at cursor before and after.
type edit struct {
	id               int
	from             pos
	removed          string
	inserted         string
	cursor, cursorTo pos
	// typing is set for runes typed one by one, which later typing at
	// the end of the edit joins.
	typing bool
}

// doc is one open file: its lines, cursor, selection, scroll, undo
// history and latest build.
type doc struct {
	path  string
	lines [][]rune
	row   int // cursor line, from 0
	col   int // cursor rune column, from 0
	top   int // first visible line
	left  int // first visible column

	// anchor is the other end of the selection while selecting is set.
	anchor    pos
	selecting bool

	// undo and redo hold edits, newest last; state is the id of the edit
	// the text stands after (0 for the text as opened), saved the state
	// on disk. ids come from lastID.
	undo, redo    []edit
	state, saved  int
	lastID        int
	breakUndoJoin bool

	// version counts changes, undos included; builds are keyed on it.
	version int
	// build is the latest compile result, of version built.
	build   ui.Build
	built   int
	hasDiag map[int]diag.Severity // 0-based line -> worst severity
}

// newDoc opens text. A file that is not on disk yet is not unsaved work
// until it is edited: quitting loses nothing the user typed.
func newDoc(path, text string) *doc {
	d := &doc{path: path, version: 1, built: -1}
	for l := range strings.SplitSeq(text, "\n") {
		d.lines = append(d.lines, []rune(l))
	}
	return d
}

func (d *doc) text() string { return d.textRange(pos{}, d.end()) }

func (d *doc) dirty() bool { return d.state != d.saved }

func (d *doc) cursor() pos { return pos{d.row, d.col} }

func (d *doc) end() pos {
	last := len(d.lines) - 1
	return pos{last, len(d.lines[last])}
}

func (d *doc) clampCol() { d.col = max(0, min(d.col, len(d.lines[d.row]))) }

// textRange returns the text from a to b, a not after b.
func (d *doc) textRange(a, b pos) string {
	if a.row == b.row {
		return string(d.lines[a.row][a.col:b.col])
	}
	var s strings.Builder
	s.WriteString(string(d.lines[a.row][a.col:]))
	for r := a.row + 1; r < b.row; r++ {
		s.WriteByte('\n')
		s.WriteString(string(d.lines[r]))
	}
	s.WriteByte('\n')
	s.WriteString(string(d.lines[b.row][:b.col]))
	return s.String()
}

// replace puts text in place of the range from a to b and returns where
// the text ends. It touches only the lines of the range: an edit costs
// the length of its lines, not of the file.
func (d *doc) replace(a, b pos, text string) pos {
	parts := strings.Split(text, "\n")
	head, tail := d.lines[a.row][:a.col], d.lines[b.row][b.col:]
	repl := make([][]rune, len(parts))
	for i, p := range parts {
		repl[i] = []rune(p)
	}
	endCol := len(repl[len(repl)-1])
	first := make([]rune, 0, len(head)+len(repl[0]))
	repl[0] = append(append(first, head...), repl[0]...)
	last := repl[len(repl)-1]
	repl[len(repl)-1] = append(last[:len(last):len(last)], tail...)
	if len(parts) == 1 {
		endCol += len(head)
	}
	d.lines = slices.Replace(d.lines, a.row, b.row+1, repl...)
	d.version++
	return pos{a.row + len(parts) - 1, endCol}
}

// change replaces the range from a to b with text as one undoable edit
// and leaves the cursor after the text. typing marks a typed rune, which
// joins the edit before it when it continues it.
func (d *doc) change(a, b pos, text string, typing bool) {
	if b.before(a) {
		a, b = b, a
	}
	removed := d.textRange(a, b)
	if removed == "" && text == "" {
		return
	}
	before := d.cursor()
	to := d.replace(a, b, text)
	d.row, d.col = to.row, to.col
	d.selecting = false
	d.redo = d.redo[:0]
	d.lastID++
	if n := len(d.undo); typing && n > 0 && !d.breakUndoJoin && removed == "" {
		last := &d.undo[n-1]
		// Typing joins the typing before it, up to the end of a word.
		if last.typing && last.cursorTo == a && !endsWord(last.inserted, text) {
			last.inserted += text
			last.cursorTo = to
			last.id = d.lastID
			d.state = last.id
			return
		}
	}
	d.breakUndoJoin = false
	d.undo = append(d.undo, edit{id: d.lastID, from: a, removed: removed, inserted: text, cursor: before, cursorTo: to, typing: typing})
	if len(d.undo) > undoLimit {
		d.undo = slices.Delete(d.undo, 0, len(d.undo)-undoLimit)
	}
	d.state = d.lastID
}

// endsWord reports whether typing next after typed starts a new word:
// a space after a word, or a word after spaces.
func endsWord(typed, next string) bool {
	if typed == "" || next == "" {
		return false
	}
	prev := []rune(typed)
	a, b := unicode.IsSpace(prev[len(prev)-1]), unicode.IsSpace([]rune(next)[0])
	return a != b
}

// endOf returns where text ends when it starts at p.
func endOf(p pos, text string) pos {
	nl := strings.Count(text, "\n")
	if nl == 0 {
		return pos{p.row, p.col + len([]rune(text))}
	}
	return pos{p.row + nl, len([]rune(text[strings.LastIndexByte(text, '\n')+1:]))}
}

// undoEdit reverts the newest edit; it reports false when there is none.
func (d *doc) undoEdit() bool {
	n := len(d.undo)
	if n == 0 {
		return false
	}
	e := d.undo[n-1]
	d.undo = d.undo[:n-1]
	d.replace(e.from, endOf(e.from, e.inserted), e.removed)
	d.redo = append(d.redo, e)
	d.row, d.col = e.cursor.row, e.cursor.col
	d.selecting = false
	d.state = 0
	if n > 1 {
		d.state = d.undo[n-2].id
	}
	d.breakUndoJoin = true
	return true
}

// redoEdit applies again the edit undone last.
func (d *doc) redoEdit() bool {
	n := len(d.redo)
	if n == 0 {
		return false
	}
	e := d.redo[n-1]
	d.redo = d.redo[:n-1]
	d.replace(e.from, endOf(e.from, e.removed), e.inserted)
	d.undo = append(d.undo, e)
	d.row, d.col = e.cursorTo.row, e.cursorTo.col
	d.selecting = false
	d.state = e.id
	d.breakUndoJoin = true
	return true
}

// selection returns the selected range, start first, if any.
func (d *doc) selection() (a, b pos, ok bool) {
	if !d.selecting || d.anchor == d.cursor() {
		return pos{}, pos{}, false
	}
	a, b = d.anchor, d.cursor()
	if b.before(a) {
		a, b = b, a
	}
	return a, b, true
}

func (d *doc) selected() string {
	a, b, ok := d.selection()
	if !ok {
		return ""
	}
	return d.textRange(a, b)
}

// insert types s at the cursor, in place of the selection if there is
// one. Tabs become two spaces and carriage returns go.
func (d *doc) insert(s string, typing bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.ReplaceAll(s, "\t", "  ")
	a, b, ok := d.selection()
	if !ok {
		a, b = d.cursor(), d.cursor()
	}
	d.change(a, b, s, typing && !ok)
}

// newline splits the line at the cursor; the new line keeps the
// indentation, one level deeper after a line ending in ':'.
func (d *doc) newline() {
	a, _, ok := d.selection()
	if !ok {
		a = d.cursor()
	}
	head := d.lines[a.row][:a.col]
	var pad []rune
	for _, r := range head {
		if r != ' ' {
			break
		}
		pad = append(pad, ' ')
	}
	if t := strings.TrimSpace(string(head)); strings.HasSuffix(t, ":") && !strings.HasPrefix(t, "--") {
		pad = append(pad, ' ', ' ')
	}
	d.insert("\n"+string(pad), false)
}

// backspace deletes the selection or the rune before the cursor.
func (d *doc) backspace() {
	if a, b, ok := d.selection(); ok {
		d.change(a, b, "", false)
		return
	}
	c := d.cursor()
	switch {
	case c.col > 0:
		d.change(pos{c.row, c.col - 1}, c, "", false)
	case c.row > 0:
		d.change(pos{c.row - 1, len(d.lines[c.row-1])}, c, "", false)
	}
}

// deleteForward deletes the selection or the rune under the cursor.
func (d *doc) deleteForward() {
	if a, b, ok := d.selection(); ok {
		d.change(a, b, "", false)
		return
	}
	c := d.cursor()
	switch {
	case c.col < len(d.lines[c.row]):
		d.change(c, pos{c.row, c.col + 1}, "", false)
	case c.row+1 < len(d.lines):
		d.change(c, pos{c.row + 1, 0}, "", false)
	}
}

// moveTo moves the cursor; with extend the selection follows it,
// otherwise it ends.
func (d *doc) moveTo(row, col int, extend bool) {
	if extend && !d.selecting {
		d.anchor, d.selecting = d.cursor(), true
	}
	if !extend {
		d.selecting = false
	}
	d.row = max(0, min(row, len(d.lines)-1))
	d.col = col
	d.clampCol()
	d.breakUndoJoin = true
}

// matcher returns a test for query at a line and column. Lower-case
// queries match any case.
func matcher(query string) (q []rune, match func(l []rune, at int) bool) {
	q = []rune(query)
	fold := strings.ToLower(query) == query
	return q, func(l []rune, at int) bool {
		if at+len(q) > len(l) {
			return false
		}
		for i, r := range q {
			c := l[at+i]
			if fold {
				c = unicode.ToLower(c)
			}
			if c != r {
				return false
			}
		}
		return true
	}
}

// find returns the first match of query at or after from (before it,
// when back), wrapping around the file.
func (d *doc) find(query string, from pos, back bool) (pos, bool) {
	q, match := matcher(query)
	if len(q) == 0 {
		return pos{}, false
	}
	n := len(d.lines)
	for k := 0; k <= n; k++ {
		if !back {
			r := (from.row + k) % n
			start := 0
			if k == 0 {
				start = from.col
			}
			for c := start; c+len(q) <= len(d.lines[r]); c++ {
				if match(d.lines[r], c) {
					return pos{r, c}, true
				}
			}
			continue
		}
		r := ((from.row-k)%n + n) % n
		last := len(d.lines[r]) - len(q)
		if k == 0 {
			last = min(last, from.col-1)
		}
		for c := last; c >= 0; c-- {
			if match(d.lines[r], c) {
				return pos{r, c}, true
			}
		}
	}
	return pos{}, false
}

// count returns how many times query occurs, without overlaps, and the
// index from 1 of the match at p (0 if none starts there).
func (d *doc) count(query string, p pos) (n, at int) {
	q, match := matcher(query)
	if len(q) == 0 {
		return 0, 0
	}
	for r, l := range d.lines {
		for c := 0; c+len(q) <= len(l); {
			if !match(l, c) {
				c++
				continue
			}
			n++
			if p == (pos{r, c}) {
				at = n
			}
			c += len(q)
		}
	}
	return n, at
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
