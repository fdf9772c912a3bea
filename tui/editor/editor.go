// Package editor is the workbench's Aqua editor: tabs for several files,
// line numbers, syntax colouring, and diagnostics from a debounced
// background compile, shown in the gutter, at the end of the line and
// under the text. It edits as terminal editors do: undo and redo,
// selection with shift and the arrows, copy, cut and paste (to the
// terminal's clipboard too, through OSC 52), find, go to line, and lines
// longer than the pane scroll sideways.
package editor

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Debounce is how long the editor waits after the last keystroke before
// compiling.
const Debounce = 250 * time.Millisecond

// File is a file to open: its path and text. Saved is false for a file
// that does not exist on disk yet.
type File struct {
	Path, Text string
	Saved      bool
}

// SavedMsg reports a save of Path at Version.
type SavedMsg struct {
	Path    string
	Version int
	Err     error
	// state is the undo state saved.
	state int
}

// compileDueMsg fires Debounce after an edit.
type compileDueMsg struct {
	path    string
	version int
}

// barKind is what the editor's bottom line asks for.
type barKind uint8

const (
	barFind barKind = iota + 1
	barGoTo
)

// bar is the editor's one-line prompt, in place of the diagnostic line.
type bar struct {
	kind  barKind
	input textinput.Model
	note  string
}

// Editor is the editor pane.
type Editor struct {
	ctx      *ui.Context
	run      context.Context
	compile  ui.Compiler
	docs     []*doc
	active   int
	focused  bool
	w, h     int
	debounce time.Duration

	// clip is the editor's own clipboard: copies go to the terminal's
	// too, but not every terminal lets a program read it back.
	clip  string
	bar   *bar
	query string // the last search
}

// New returns an editor over files; compile runs in the background under
// run's context.
func New(c *ui.Context, run context.Context, compile ui.Compiler, files []File) *Editor {
	e := &Editor{ctx: c, run: run, compile: compile, debounce: Debounce}
	for _, f := range files {
		e.docs = append(e.docs, newDoc(f.Path, f.Text))
	}
	if len(e.docs) == 0 {
		e.docs = []*doc{newDoc("untitled.aqua", "")}
	}
	return e
}

// Init compiles every open file.
func (e *Editor) Init() tea.Cmd {
	var cmds []tea.Cmd
	for _, d := range e.docs {
		cmds = append(cmds, e.compileCmd(d))
	}
	return tea.Batch(cmds...)
}

func (e *Editor) doc() *doc { return e.docs[e.active] }

// Active returns the path of the file being edited, its latest build and
// the version that build is of.
func (e *Editor) Active() (path string, b ui.Build, version int) {
	d := e.doc()
	return d.path, d.build, d.built
}

// Diagnostics returns the active file's diagnostics.
func (e *Editor) Diagnostics() diag.List { return e.doc().diagnostics() }

// Dirty reports whether any file has changes that are not saved: edits
// since it was opened or saved that undo has not taken back.
func (e *Editor) Dirty() bool {
	for _, d := range e.docs {
		if d.dirty() {
			return true
		}
	}
	return false
}

// Cursor returns the 1-based line and column of the cursor.
func (e *Editor) Cursor() (line, col int) { return e.doc().row + 1, e.doc().col + 1 }

// Selection returns the selected text, "" if none.
func (e *Editor) Selection() string { return e.doc().selected() }

// Clipboard returns what the editor's clipboard holds.
func (e *Editor) Clipboard() string { return e.clip }

// Text returns the active file's text.
func (e *Editor) Text() string { return e.doc().text() }

// Prompting reports whether find or go to line is open, so the editor
// wants every key.
func (e *Editor) Prompting() bool { return e.bar != nil }

// Files returns every open file as it stands in the editor, edits
// included, in tab order.
func (e *Editor) Files() []File {
	files := make([]File, len(e.docs))
	for i, d := range e.docs {
		files[i] = File{Path: d.path, Text: d.text(), Saved: !d.dirty()}
	}
	return files
}

// Save writes the active file.
func (e *Editor) Save() tea.Cmd {
	d := e.doc()
	path, text, version, state := d.path, d.text(), d.version, d.state
	return func() tea.Msg {
		err := os.WriteFile(path, []byte(text), 0o644)
		return SavedMsg{Path: path, Version: version, Err: err, state: state}
	}
}

func (e *Editor) compileCmd(d *doc) tea.Cmd {
	src := ui.Source{Path: d.path, Text: d.text()}
	version, ctx, compile := d.version, e.run, e.compile
	return func() tea.Msg {
		return ui.BuildMsg{Path: src.Path, Version: version, Build: compile(ctx, src)}
	}
}

func (e *Editor) find(path string) *doc {
	for _, d := range e.docs {
		if d.path == path {
			return d
		}
	}
	return nil
}

// Update handles keys when focused, and builds, saves and jumps always.
func (e *Editor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.BuildMsg:
		if d := e.find(msg.Path); d != nil && msg.Version >= d.built {
			d.setBuild(msg.Version, msg.Build)
		}
		return nil
	case compileDueMsg:
		if d := e.find(msg.path); d != nil && d.version == msg.version {
			return e.compileCmd(d)
		}
		return nil
	case SavedMsg:
		d := e.find(msg.Path)
		if msg.Err != nil {
			return func() tea.Msg { return ui.StatusMsg{Text: "save: " + msg.Err.Error(), Err: true} }
		}
		if d != nil {
			d.saved = msg.state
			// Typing after a save is a new edit, so that undo can come
			// back to the text saved.
			d.breakUndoJoin = d.breakUndoJoin || d.state == msg.state
		}
		return ui.Status("saved " + msg.Path)
	case ui.JumpMsg:
		for i, d := range e.docs {
			if d.path == msg.Path || msg.Path == "" && i == e.active {
				e.active = i
				d.moveTo(msg.Line-1, msg.Column-1, false)
				e.scroll()
				break
			}
		}
		return nil
	case tea.PasteMsg:
		if e.focused && e.bar == nil {
			e.doc().insert(msg.Content, false)
			return e.changed()
		}
		if e.bar != nil {
			var cmd tea.Cmd
			e.bar.input, cmd = e.bar.input.Update(msg)
			return cmd
		}
	case tea.KeyPressMsg:
		if e.focused {
			if e.bar != nil {
				return e.barKey(msg)
			}
			return e.key(msg)
		}
	}
	return nil
}

// NextError moves the cursor to the next diagnostic after it, wrapping.
func (e *Editor) NextError() bool {
	d := e.doc()
	ds := d.diagnostics()
	if len(ds) == 0 {
		return false
	}
	next := ds[0]
	for _, x := range ds {
		if x.Pos.Line-1 > d.row || x.Pos.Line-1 == d.row && x.Pos.Column-1 > d.col {
			next = x
			break
		}
	}
	d.moveTo(next.Pos.Line-1, next.Pos.Column-1, false)
	e.scroll()
	return true
}

func (e *Editor) changed() tea.Cmd {
	e.scroll()
	d := e.doc()
	msg := compileDueMsg{path: d.path, version: d.version}
	return tea.Tick(e.debounce, func(time.Time) tea.Msg { return msg })
}

// copySelection puts the selection on the editor's clipboard and, through
// OSC 52, on the terminal's.
func (e *Editor) copySelection() tea.Cmd {
	text := e.doc().selected()
	if text == "" {
		return nil
	}
	e.clip = text
	return tea.Batch(tea.SetClipboard(text), ui.Status(fmt.Sprintf("copied %s", describe(text))))
}

// describe sizes text for the status line.
func describe(text string) string {
	if n := strings.Count(text, "\n"); n > 0 {
		return fmt.Sprintf("%d lines", n+1)
	}
	return fmt.Sprintf("%d characters", len([]rune(text)))
}

func (e *Editor) key(msg tea.KeyPressMsg) tea.Cmd {
	km := e.ctx.Keys.Editor
	d := e.doc()
	switch {
	case key.Matches(msg, km.NextTab):
		e.active = (e.active + 1) % len(e.docs)
		return nil
	case key.Matches(msg, km.PrevTab):
		e.active = (e.active + len(e.docs) - 1) % len(e.docs)
		return nil
	case key.Matches(msg, km.Undo):
		if !d.undoEdit() {
			return ui.Status("nothing to undo")
		}
		return e.changed()
	case key.Matches(msg, km.Redo):
		if !d.redoEdit() {
			return ui.Status("nothing to redo")
		}
		return e.changed()
	case key.Matches(msg, km.Copy):
		return e.copySelection()
	case key.Matches(msg, km.Cut):
		if _, _, ok := d.selection(); !ok {
			// Without a selection, cut the line, as micro does.
			d.anchor, d.selecting = pos{d.row + 1, 0}, true
			if d.row+1 >= len(d.lines) {
				d.anchor = pos{d.row, len(d.lines[d.row])}
			}
			d.col = 0
		}
		cmd := e.copySelection()
		d.backspace()
		return tea.Batch(cmd, e.changed())
	case key.Matches(msg, km.Paste):
		if e.clip == "" {
			return ui.Status("nothing to paste: the clipboard is empty (the terminal's paste key pastes its own)")
		}
		d.insert(e.clip, false)
		return e.changed()
	case key.Matches(msg, km.SelectAll):
		d.moveTo(0, 0, false)
		end := d.end()
		d.moveTo(end.row, end.col, true)
		e.scroll()
		return nil
	case key.Matches(msg, km.Find):
		return e.openBar(barFind, "find: ", e.query)
	case key.Matches(msg, km.GoTo):
		return e.openBar(barGoTo, "go to line: ", "")
	}
	name := msg.String()
	extend := key.Matches(msg, km.Select)
	if extend {
		name = strings.Replace(name, "shift+", "", 1)
	}
	switch name {
	case "up":
		d.moveTo(d.row-1, d.col, extend)
	case "down":
		d.moveTo(d.row+1, d.col, extend)
	case "left":
		if _, a, ok := d.selection(); ok && !extend {
			a, _, _ = d.selection()
			d.moveTo(a.row, a.col, false)
		} else if d.col == 0 && d.row > 0 {
			d.moveTo(d.row-1, len(d.lines[d.row-1]), extend)
		} else {
			d.moveTo(d.row, d.col-1, extend)
		}
	case "right":
		if _, b, ok := d.selection(); ok && !extend {
			d.moveTo(b.row, b.col, false)
		} else if d.col == len(d.lines[d.row]) && d.row+1 < len(d.lines) {
			d.moveTo(d.row+1, 0, extend)
		} else {
			d.moveTo(d.row, d.col+1, extend)
		}
	case "home":
		d.moveTo(d.row, 0, extend)
	case "end":
		d.moveTo(d.row, len(d.lines[d.row]), extend)
	case "pgup":
		d.moveTo(d.row-e.textHeight(), d.col, extend)
	case "pgdown":
		d.moveTo(d.row+e.textHeight(), d.col, extend)
	case "ctrl+home":
		d.moveTo(0, 0, extend)
	case "ctrl+end":
		end := d.end()
		d.moveTo(end.row, end.col, extend)
	case "enter":
		d.newline()
		return e.changed()
	case "backspace":
		d.backspace()
		return e.changed()
	case "delete", "ctrl+d":
		d.deleteForward()
		return e.changed()
	case "tab":
		d.insert("  ", false)
		return e.changed()
	default:
		if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
			d.insert(msg.Text, true)
			return e.changed()
		}
	}
	e.scroll()
	return nil
}

// openBar opens the find or go to line prompt on the bottom line.
func (e *Editor) openBar(k barKind, label, value string) tea.Cmd {
	in := textinput.New()
	in.Prompt = label
	in.SetValue(value)
	in.CursorEnd()
	in.SetWidth(min(max(e.w-len(label)-24, 8), 40))
	e.bar = &bar{kind: k, input: in}
	return e.bar.input.Focus()
}

// barKey handles a key while find or go to line is open: in find, enter
// and ↓ go to the next match and ↑ to the one before, and the prompt
// stays until esc; go to line closes on enter.
func (e *Editor) barKey(msg tea.KeyPressMsg) tea.Cmd {
	b := e.bar
	value := strings.TrimSpace(b.input.Value())
	switch msg.String() {
	case "esc":
		e.bar = nil
		return nil
	case "enter", "down", "up":
		if b.kind == barGoTo {
			if msg.String() != "enter" {
				return nil
			}
			e.bar = nil
			return e.goTo(value)
		}
		e.findNext(b.input.Value(), msg.String() == "up")
		return nil
	}
	var cmd tea.Cmd
	b.input, cmd = b.input.Update(msg)
	b.note = ""
	return cmd
}

// findNext selects the next match of query after the cursor (or the one
// before it, with back).
func (e *Editor) findNext(query string, back bool) {
	d, b := e.doc(), e.bar
	if query == "" {
		b.note = "type what to find"
		return
	}
	e.query = query
	from := d.cursor()
	if a, _, ok := d.selection(); ok && back {
		from = a
	}
	at, ok := d.find(query, from, back)
	if !ok {
		b.note = "not found"
		return
	}
	d.moveTo(at.row, at.col, false)
	end := endOf(at, query)
	d.moveTo(end.row, end.col, true)
	n, i := d.count(query, at)
	b.note = fmt.Sprintf("%d of %d", i, n)
	e.scroll()
}

// goTo moves to "LINE" or "LINE:COL".
func (e *Editor) goTo(value string) tea.Cmd {
	ls, cs, hasCol := strings.Cut(value, ":")
	line, err := strconv.Atoi(strings.TrimSpace(ls))
	col := 1
	if err == nil && hasCol {
		col, err = strconv.Atoi(strings.TrimSpace(cs))
	}
	if err != nil || line < 1 || col < 1 {
		return func() tea.Msg {
			return ui.StatusMsg{Text: fmt.Sprintf("go to line: %q is not LINE or LINE:COL", value), Err: true}
		}
	}
	d := e.doc()
	d.moveTo(line-1, col-1, false)
	e.scroll()
	return nil
}

// ShortHelp lists the editor's keys.
func (e *Editor) ShortHelp() []key.Binding {
	km := e.ctx.Keys
	if e.bar != nil {
		if e.bar.kind == barGoTo {
			return []key.Binding{
				key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go")),
				key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			}
		}
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter", "down"), key.WithHelp("enter/↓", "next")),
			key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		}
	}
	return []key.Binding{km.Global.Save, km.Editor.Undo, km.Editor.Find, km.Editor.Leave}
}

// FullHelp lists the editor's keys in columns.
func (e *Editor) FullHelp() [][]key.Binding {
	km := e.ctx.Keys
	return [][]key.Binding{
		{km.Global.Save, km.Global.NextErr, km.Editor.Undo, km.Editor.Redo},
		{km.Editor.Select, km.Editor.SelectAll, km.Editor.Copy, km.Editor.Cut, km.Editor.Paste},
		{km.Editor.Find, km.Editor.GoTo, km.Editor.NextTab, km.Editor.Leave},
	}
}

// SetSize sets the pane's content size.
func (e *Editor) SetSize(w, h int) {
	e.w, e.h = w, h
	if e.bar != nil {
		e.bar.input.SetWidth(min(max(w-len(e.bar.input.Prompt)-24, 8), 40))
	}
	e.scroll()
}

// Focus gives the editor the keyboard.
func (e *Editor) Focus() { e.focused = true }

// Blur takes the keyboard away.
func (e *Editor) Blur() { e.focused = false }

// Focused reports whether the editor has the keyboard.
func (e *Editor) Focused() bool { return e.focused }

// textHeight is the number of source lines shown: the pane minus the tab
// row and the status line.
func (e *Editor) textHeight() int { return max(e.h-2, 1) }

// layout returns the width of the line numbers and of the text.
func (e *Editor) layout(d *doc) (gutter, textW int) {
	gutter = len(strconv.Itoa(len(d.lines)))
	return gutter, max(e.w-gutter-2, 1)
}

// scroll keeps the cursor on screen, both ways.
func (e *Editor) scroll() {
	d := e.doc()
	h := e.textHeight()
	if d.row < d.top {
		d.top = d.row
	}
	if d.row >= d.top+h {
		d.top = d.row - h + 1
	}
	// No empty rows below the file while lines above it are hidden (as
	// after the pane grows).
	d.top = max(0, min(d.top, len(d.lines)-h))
	_, w := e.layout(d)
	if d.col < d.left {
		d.left = d.col
	}
	if d.col >= d.left+w {
		d.left = d.col - w + 1
	}
	d.left = max(d.left, 0)
}

// View draws the tabs, the visible lines and the status line.
func (e *Editor) View() string {
	lines := make([]string, 0, e.h)
	lines = append(lines, e.tabs())
	d := e.doc()
	st := e.ctx.Styles
	gutter, textW := e.layout(d)
	for i := d.top; i < d.top+e.textHeight() && i < len(d.lines); i++ {
		mark := " "
		if sev, ok := d.hasDiag[i]; ok {
			mark = st.Error.Render("●")
			if sev == diag.Warning {
				mark = st.Warning.Render("▲")
			}
		}
		numStyle := st.LineNumber
		if i == d.row {
			numStyle = st.LineNumAt
		}
		num := numStyle.Render(fmt.Sprintf("%*d", gutter, i+1))
		lines = append(lines, num+mark+" "+e.renderLine(d, i, textW))
	}
	for len(lines) < e.h-1 {
		lines = append(lines, st.Subtle.Render(strings.Repeat(" ", gutter)+" ~"))
	}
	lines = append(lines, e.statusLine(d))
	return ui.Block(lines, e.w, e.h)
}

func (e *Editor) tabs() string {
	st := e.ctx.Styles
	var parts []string
	for i, d := range e.docs {
		name := d.path
		if j := strings.LastIndexByte(name, '/'); j >= 0 {
			name = name[j+1:]
		}
		if d.dirty() {
			name += " •"
		}
		if i == e.active {
			parts = append(parts, st.TabActive.Render(name))
		} else {
			parts = append(parts, st.Tab.Render(name))
		}
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, parts...)
}

// statusLine is the open prompt, or the diagnostics summary with the
// cursor's line:col on the right.
func (e *Editor) statusLine(d *doc) string {
	st := e.ctx.Styles
	where := fmt.Sprintf("%d:%d", d.row+1, d.col+1)
	if sel := d.selected(); sel != "" && e.bar == nil {
		where = describe(sel) + " selected · " + where
	}
	right := st.Muted.Render(" " + where)
	var left string
	if e.bar != nil {
		left = e.bar.input.View()
		if e.bar.note != "" {
			left += "  " + st.Muted.Render(e.bar.note)
		}
	} else {
		left = e.diagLine(d)
	}
	space := e.w - ansi.StringWidth(right)
	if space < 1 {
		return ui.Fit(left, e.w)
	}
	return ui.Fit(left, space) + right
}

// diagLine summarises the diagnostics: the one under the cursor if any,
// else a count.
func (e *Editor) diagLine(d *doc) string {
	st := e.ctx.Styles
	ds := d.diagnostics()
	if x, ok := d.lineDiag(d.row); ok {
		s := st.Error
		if x.Severity == diag.Warning {
			s = st.Warning
		}
		return s.Render(fmt.Sprintf("%d:%d %s", x.Pos.Line, x.Pos.Column, diagText(x)))
	}
	switch errs := len(ds.Errors()); {
	case d.built < 0:
		return st.Muted.Render("compiling…")
	case errs > 0:
		return st.Error.Render(fmt.Sprintf("%d error(s), %d warning(s) · ctrl+e next error", errs, len(ds)-errs))
	case len(ds) > 0:
		return st.Warning.Render(fmt.Sprintf("%d warning(s)", len(ds)))
	}
	return st.Good.Render(fmt.Sprintf("✓ compiles · %d function(s)", len(d.build.Functions)))
}

func diagText(x diag.Diagnostic) string {
	s := x.Msg
	if len(x.Suggest) > 0 {
		s += " (did you mean " + strings.Join(x.Suggest, ", ") + "?)"
	}
	return s
}

// renderLine draws the columns of line i from the horizontal scroll on,
// width cells: colours, the selection, the cursor and the span of a
// diagnostic underlined, then the diagnostic's message if it fits.
func (e *Editor) renderLine(d *doc, i, width int) string {
	st := e.ctx.Styles
	line := d.lines[i]
	x, hasDiag := d.lineDiag(i)
	errFrom, errTo := -1, -1
	if hasDiag {
		errFrom = x.Pos.Column - 1
		errTo = errFrom + 1
		if x.End.IsValid() && x.End.Line == x.Pos.Line && x.End.Column > x.Pos.Column {
			errTo = x.End.Column - 1
		}
		// Columns are bytes; for ASCII lines they are runes too.
		if errFrom >= len(line) {
			errFrom, errTo = -1, -1
		}
	}
	cursor := -1
	if i == d.row && e.focused {
		cursor = d.col
	}
	selFrom, selTo := -1, -1
	if a, b, ok := d.selection(); ok && i >= a.row && i <= b.row {
		selFrom, selTo = 0, len(line)+1 // the line's end, selected too
		if i == a.row {
			selFrom = a.col
		}
		if i == b.row {
			selTo = b.col
		}
	}
	classes := make([]Class, len(line))
	for _, sp := range Highlight(line) {
		for j := sp.Start; j < sp.End && j < len(classes); j++ {
			classes[j] = sp.Class
		}
	}
	style := func(c Class) lipgloss.Style {
		switch c {
		case Keyword:
			return st.Keyword
		case Type:
			return st.Type
		case String:
			return st.String
		case Number:
			return st.Number
		case Comment:
			return st.Comment
		case Func:
			return st.Func
		}
		return st.Text
	}
	// kind tells cells apart: a run of cells of one kind renders whole.
	type kind struct {
		class          Class
		err, sel, curs bool
	}
	kindAt := func(j int) kind {
		k := kind{err: j >= errFrom && j < errTo, sel: j >= selFrom && j < selTo, curs: j == cursor}
		if j < len(classes) {
			k.class = classes[j]
		}
		return k
	}
	render := func(k kind, s string) string {
		rs := style(k.class)
		if k.err {
			rs = st.ErrorSpan
		}
		if k.sel {
			rs = rs.Background(st.Theme.Selection)
		}
		if k.curs {
			rs = rs.Reverse(true)
		}
		return rs.Render(s)
	}
	var b strings.Builder
	from, to := min(d.left, len(line)), min(len(line), d.left+width)
	for j := from; j < to; {
		k := kindAt(j)
		n := j + 1
		for n < to && kindAt(n) == k {
			n++
		}
		b.WriteString(render(k, string(line[j:n])))
		j = n
	}
	used := to - from
	// The cursor, or a selected line end, past the last rune.
	if end := len(line); end >= d.left && end < d.left+width && (cursor == end || selFrom <= end && end < selTo) {
		b.WriteString(render(kind{sel: selFrom <= end && end < selTo, curs: cursor == end}, " "))
		used++
	}
	if hasDiag && width-used > 6 && d.left == 0 {
		msg := "  ● " + diagText(x)
		s := st.Error
		if x.Severity == diag.Warning {
			s = st.Warning
		}
		b.WriteString(s.Faint(true).Render(ui.Fit(msg, width-used)))
	}
	return b.String()
}
