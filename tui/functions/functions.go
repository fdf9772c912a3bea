// Package functions is the workbench pane that lists a file's exported
// functions, runs one through an argument form, and keeps the history of
// runs with their results and errors.
package functions

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// historyLimit bounds the run history.
const historyLimit = 200

// entry is one run in the history.
type entry struct {
	ui.RunResult
	running bool
}

// Model is the functions pane.
type Model struct {
	ctx     *ui.Context
	fns     []ui.Function
	data    map[string]json.RawMessage
	history []entry // newest first
	cur     ui.Cursor
	focused bool
	w, h    int

	// form is non-nil while arguments are being entered.
	form *form
	// last holds the values last entered in each function's form, by
	// signature, so that the form opens with them again.
	last map[string][]string
}

type form struct {
	fn     ui.Function
	inputs []textinput.Model
	at     int
	err    string
}

// New returns an empty functions pane.
func New(c *ui.Context) *Model { return &Model{ctx: c, data: map[string]json.RawMessage{}} }

// SetFunctions shows the functions of the latest successful build.
func (m *Model) SetFunctions(fns []ui.Function) {
	m.fns = fns
	if m.form != nil {
		for _, f := range fns {
			if f.Name == m.form.fn.Name {
				m.form.fn.AIR = f.AIR
			}
		}
	}
	m.cur.SetLen(m.rows(), m.listHeight())
}

// Functions returns the functions shown.
func (m *Model) Functions() []ui.Function { return m.fns }

// Selected returns the function under the cursor.
func (m *Model) Selected() (ui.Function, bool) {
	if m.cur.Index < len(m.fns) {
		return m.fns[m.cur.Index], true
	}
	return ui.Function{}, false
}

// SelectLine puts the cursor on the function declared at line, and
// reports whether there is one.
func (m *Model) SelectLine(line int) bool {
	for i, f := range m.fns {
		if f.Line == line && line > 0 {
			m.cur.Index = i
			m.cur.SetLen(m.rows(), m.listHeight())
			return true
		}
	}
	return false
}

// SetData sets the data names the form offers, such as nodes.
func (m *Model) SetData(data map[string]json.RawMessage) { m.data = data }

// Editing reports whether the argument form is open, so the pane wants
// every key.
func (m *Model) Editing() bool { return m.form != nil }

func (m *Model) rows() int { return len(m.fns) + len(m.history) }

// OpenForm opens the argument form for the selected function; a
// function without parameters runs at once.
func (m *Model) OpenForm() tea.Cmd {
	fn, ok := m.Selected()
	if !ok {
		if len(m.fns) == 0 {
			return ui.Status("no exported function to run")
		}
		fn = m.fns[0]
	}
	f := &form{fn: fn}
	for _, p := range fn.Params {
		in := textinput.New()
		in.Prompt = ""
		in.SetWidth(max(m.w-len(p.Name)-len(p.Type.String())-6, 8))
		in.SetValue(Default(p.Name, p.Type.String()))
		if last := m.last[fn.Signature]; len(last) == len(fn.Params) {
			in.SetValue(last[len(f.inputs)])
		}
		in.CursorEnd()
		f.inputs = append(f.inputs, in)
	}
	m.form = f
	if len(f.inputs) == 0 {
		return m.submit()
	}
	return f.inputs[0].Focus()
}

// remember keeps the form's values for the next time it opens.
func (m *Model) remember() {
	f := m.form
	if len(f.inputs) == 0 {
		return
	}
	if m.last == nil {
		m.last = map[string][]string{}
	}
	values := make([]string, len(f.inputs))
	for i, in := range f.inputs {
		values[i] = in.Value()
	}
	m.last[f.fn.Signature] = values
}

func (m *Model) submit() tea.Cmd {
	f := m.form
	m.remember()
	args := map[string]json.RawMessage{}
	var shown []string
	for i, p := range f.fn.Params {
		if p.Type.Kind == session.KindArrow {
			f.err = fmt.Sprintf("%s is a function (%s): the workbench cannot pass callbacks", p.Name, p.Type)
			return nil
		}
		v, err := ParseArg(f.inputs[i].Value(), m.data)
		if err != nil {
			err = fmt.Errorf("%s: %w", p.Name, err)
		} else {
			// Its error's path (args.name...) names the parameter.
			err = session.CheckArg(p.Name, p.Type, v)
		}
		if err != nil {
			f.err = err.Error()
			f.at = i
			return nil
		}
		args[p.Name] = v
		shown = append(shown, strings.TrimSpace(f.inputs[i].Value()))
	}
	m.form = nil
	req := ui.RunRequest{Function: f.fn, Args: args, Display: f.fn.Name + "(" + strings.Join(shown, ", ") + ")"}
	return func() tea.Msg { return req }
}

// Update handles the form, the cursor and run outcomes.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.RunStartedMsg:
		m.history = append([]entry{{RunResult: ui.RunResult{ID: msg.ID, Display: msg.Display, ParticleID: msg.ParticleID}, running: true}}, m.history...)
		if len(m.history) > historyLimit {
			m.history = m.history[:historyLimit]
		}
		m.cur.Index = len(m.fns)
		m.cur.SetLen(m.rows(), m.listHeight())
		return nil
	case ui.RunDoneMsg:
		for i := range m.history {
			if m.history[i].ID == msg.Result.ID {
				m.history[i] = entry{RunResult: msg.Result}
			}
		}
		return nil
	case tea.KeyPressMsg:
		if !m.focused {
			return nil
		}
		if m.form != nil {
			return m.formKey(msg)
		}
		n := m.rows()
		if m.cur.Move(msg, m.ctx.Keys.List, n, m.listHeight()) {
			return m.selectCmd()
		}
		if key.Matches(msg, m.ctx.Keys.List.Select) {
			if m.cur.Index < len(m.fns) {
				return m.OpenForm()
			}
			return m.selectCmd()
		}
	}
	return nil
}

// selectCmd tells the inspector about the history entry under the cursor.
func (m *Model) selectCmd() tea.Cmd {
	i := m.cur.Index - len(m.fns)
	if i < 0 || i >= len(m.history) {
		return nil
	}
	r := m.history[i].RunResult
	return tea.Batch(
		func() tea.Msg { return ui.SelectMsg{Selection: ui.Selection{Result: &r}} },
		func() tea.Msg { return ui.FilterMsg{Particle: r.ParticleID} },
	)
}

func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	f := m.form
	switch msg.String() {
	case "esc":
		m.remember()
		m.form = nil
		return nil
	case "enter":
		return m.submit()
	case "up", "shift+tab":
		if len(f.inputs) > 0 {
			f.inputs[f.at].Blur()
			f.at = (f.at + len(f.inputs) - 1) % len(f.inputs)
			return f.inputs[f.at].Focus()
		}
		return nil
	case "down", "tab":
		if len(f.inputs) > 0 {
			f.inputs[f.at].Blur()
			f.at = (f.at + 1) % len(f.inputs)
			return f.inputs[f.at].Focus()
		}
		return nil
	}
	if len(f.inputs) == 0 {
		return nil
	}
	var cmd tea.Cmd
	f.inputs[f.at], cmd = f.inputs[f.at].Update(msg)
	f.err = ""
	return cmd
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	if m.form != nil {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
			key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "field")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	km := m.ctx.Keys.List
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run / inspect")), km.Up, km.Down}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.cur.SetLen(m.rows(), m.listHeight())
}

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }

func (m *Model) listHeight() int { return max(m.h-1, 1) }

// View draws the function list and history, or the form.
func (m *Model) View() string {
	if m.form != nil {
		return m.formView()
	}
	st := m.ctx.Styles
	var lines []string
	if len(m.fns) == 0 {
		lines = append(lines, st.Muted.Render("no exported functions (export f to list it here)"))
	}
	end := min(m.cur.Offset+m.listHeight(), m.rows())
	for i := m.cur.Offset; i < end; i++ {
		var row string
		if i < len(m.fns) {
			row = st.Func.Render(m.fns[i].Name) + st.Muted.Render(strings.TrimPrefix(m.fns[i].Signature, m.fns[i].Name))
		} else {
			row = m.historyRow(m.history[i-len(m.fns)])
		}
		lines = append(lines, ui.Row(row, m.w, i == m.cur.Index, m.focused, st.Selected, st.CursorLine))
		if i == len(m.fns)-1 && len(m.history) > 0 && len(lines) < m.listHeight() {
			lines = append(lines, st.Subtle.Render("── runs "+strings.Repeat("─", max(m.w-8, 0))))
		}
	}
	hint := "enter: run the function under the cursor"
	if len(m.history) > 0 {
		hint = fmt.Sprintf("%d run(s) · enter on a run inspects it", len(m.history))
	}
	lines = append(lines[:min(len(lines), m.h-1)], st.Muted.Render(hint))
	return ui.Block(lines, m.w, m.h)
}

func (m *Model) historyRow(e entry) string {
	st := m.ctx.Styles
	switch {
	case e.running:
		return st.Warning.Render("… ") + e.Display
	case e.Err != nil:
		return st.Error.Render("✗ ") + e.Display + st.Error.Render(" "+e.Err.Error())
	}
	return st.Good.Render("✓ ") + e.Display + " = " + st.String.Render(FormatValues(e.Values)) +
		st.Muted.Render(" "+e.Took.Round(time.Millisecond).String())
}

// FormatValues renders results as run prints them: the value, an array
// for several, null for none.
func FormatValues(vs []json.RawMessage) string {
	switch len(vs) {
	case 0:
		return "null"
	case 1:
		return string(vs[0])
	}
	b, _ := json.Marshal(vs)
	return string(b)
}

func (m *Model) formView() string {
	st := m.ctx.Styles
	f := m.form
	lines := []string{st.Func.Render(f.fn.Name) + st.Muted.Render(strings.TrimPrefix(f.fn.Signature, f.fn.Name))}
	for i, p := range f.fn.Params {
		label := st.Label.Render(fmt.Sprintf("%s: %s = ", p.Name, p.Type))
		lines = append(lines, label+f.inputs[i].View())
	}
	if len(f.fn.Params) == 0 {
		lines = append(lines, st.Muted.Render("no arguments"))
	}
	if f.err != "" {
		// The whole message, wrapped: its path and types are the point.
		for _, l := range strings.Split(ansi.Wrap(f.err, max(m.w, 1), " ,"), "\n") {
			lines = append(lines, st.Error.Render(l))
		}
	}
	lines = append(lines, st.Muted.Render("JSON or Aqua literals; data: "+names(m.data)))
	return ui.Block(lines, m.w, m.h)
}
