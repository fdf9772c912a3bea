// Package editor is the workbench's Aqua editor: tabs for several files,
// line numbers, syntax colouring, and diagnostics from a debounced
// background compile, shown in the gutter, at the end of the line and
// under the text.
package editor

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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
}

// compileDueMsg fires Debounce after an edit.
type compileDueMsg struct {
	path    string
	version int
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
}

// New returns an editor over files; compile runs in the background under
// run's context.
func New(c *ui.Context, run context.Context, compile ui.Compiler, files []File) *Editor {
	e := &Editor{ctx: c, run: run, compile: compile, debounce: Debounce}
	for _, f := range files {
		e.docs = append(e.docs, newDoc(f.Path, f.Text, f.Saved))
	}
	if len(e.docs) == 0 {
		e.docs = []*doc{newDoc("untitled.aqua", "", false)}
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

// Dirty reports whether any file has unsaved changes.
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
	path, text, version := d.path, d.text(), d.version
	return func() tea.Msg {
		err := os.WriteFile(path, []byte(text), 0o644)
		return SavedMsg{Path: path, Version: version, Err: err}
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
			d.saved = msg.Version
		}
		return ui.Status("saved " + msg.Path)
	case ui.JumpMsg:
		for i, d := range e.docs {
			if d.path == msg.Path || msg.Path == "" && i == e.active {
				e.active = i
				d.moveTo(msg.Line-1, msg.Column-1)
				e.scroll()
				break
			}
		}
		return nil
	case tea.PasteMsg:
		if e.focused {
			e.doc().insert(msg.Content)
			return e.changed()
		}
	case tea.KeyPressMsg:
		if e.focused {
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
	d.moveTo(next.Pos.Line-1, next.Pos.Column-1)
	e.scroll()
	return true
}

func (e *Editor) changed() tea.Cmd {
	e.scroll()
	d := e.doc()
	msg := compileDueMsg{path: d.path, version: d.version}
	return tea.Tick(e.debounce, func(time.Time) tea.Msg { return msg })
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
	}
	switch msg.String() {
	case "up":
		d.moveTo(d.row-1, d.col)
	case "down":
		d.moveTo(d.row+1, d.col)
	case "left":
		if d.col == 0 && d.row > 0 {
			d.moveTo(d.row-1, len(d.lines[d.row-1]))
		} else {
			d.moveTo(d.row, d.col-1)
		}
	case "right":
		if d.col == len(d.lines[d.row]) && d.row+1 < len(d.lines) {
			d.moveTo(d.row+1, 0)
		} else {
			d.moveTo(d.row, d.col+1)
		}
	case "home", "ctrl+a":
		d.col = 0
	case "end":
		d.col = len(d.lines[d.row])
	case "pgup":
		d.moveTo(d.row-e.textHeight(), d.col)
	case "pgdown":
		d.moveTo(d.row+e.textHeight(), d.col)
	case "ctrl+home":
		d.moveTo(0, 0)
	case "ctrl+end":
		d.moveTo(len(d.lines)-1, 0)
	case "enter":
		d.newline(true)
		d.edited()
		return e.changed()
	case "backspace":
		d.backspace()
		return e.changed()
	case "delete", "ctrl+d":
		d.deleteForward()
		return e.changed()
	case "tab":
		d.insert("  ")
		return e.changed()
	default:
		if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
			d.insert(msg.Text)
			return e.changed()
		}
	}
	e.scroll()
	return nil
}

// ShortHelp lists the editor's keys.
func (e *Editor) ShortHelp() []key.Binding {
	km := e.ctx.Keys
	return []key.Binding{km.Global.Save, km.Global.NextErr, km.Editor.NextTab, km.Editor.Leave}
}

// FullHelp lists the editor's keys in columns.
func (e *Editor) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

// SetSize sets the pane's content size.
func (e *Editor) SetSize(w, h int) { e.w, e.h = w, h; e.scroll() }

// Focus gives the editor the keyboard.
func (e *Editor) Focus() { e.focused = true }

// Blur takes the keyboard away.
func (e *Editor) Blur() { e.focused = false }

// Focused reports whether the editor has the keyboard.
func (e *Editor) Focused() bool { return e.focused }

// textHeight is the number of source lines shown: the pane minus the tab
// row and the diagnostic line.
func (e *Editor) textHeight() int { return max(e.h-2, 1) }

func (e *Editor) scroll() {
	d := e.doc()
	h := e.textHeight()
	if d.row < d.top {
		d.top = d.row
	}
	if d.row >= d.top+h {
		d.top = d.row - h + 1
	}
	d.top = max(0, min(d.top, len(d.lines)-1))
}

// View draws the tabs, the visible lines and the diagnostic line.
func (e *Editor) View() string {
	lines := make([]string, 0, e.h)
	lines = append(lines, e.tabs())
	d := e.doc()
	st := e.ctx.Styles
	gutter := len(strconv.Itoa(len(d.lines)))
	textW := max(e.w-gutter-2, 1)
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
	lines = append(lines, e.diagLine(d))
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

// renderLine colours line i, marks the cursor and underlines the span of
// a diagnostic, then appends the diagnostic's message if it fits.
func (e *Editor) renderLine(d *doc, i, width int) string {
	st := e.ctx.Styles
	line := d.lines[i]
	spans := Highlight(line)
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
	var b strings.Builder
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
	n := min(len(line), width)
	// Render rune by rune only around the cursor and the error; spans
	// elsewhere render whole.
	for _, sp := range spans {
		if sp.Start >= n {
			break
		}
		end := min(sp.End, n)
		s := style(sp.Class)
		if (cursor < sp.Start || cursor >= end) && (errTo <= sp.Start || errFrom >= end) {
			b.WriteString(s.Render(string(line[sp.Start:end])))
			continue
		}
		for j := sp.Start; j < end; j++ {
			rs := s
			if j >= errFrom && j < errTo {
				rs = st.ErrorSpan
			}
			if j == cursor {
				rs = rs.Reverse(true)
			}
			b.WriteString(rs.Render(string(line[j])))
		}
	}
	used := n
	if cursor >= len(line) && cursor < width {
		b.WriteString(st.Text.Reverse(true).Render(" "))
		used++
	}
	if hasDiag && width-used > 6 {
		msg := "  ● " + diagText(x)
		s := st.Error
		if x.Severity == diag.Warning {
			s = st.Warning
		}
		b.WriteString(s.Faint(true).Render(ui.Fit(msg, width-used)))
	}
	return b.String()
}
