// Package problems is the workbench pane that lists the compiler's
// diagnostics for the file being edited; enter jumps to one.
package problems

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Model is the problems pane.
type Model struct {
	ctx     *ui.Context
	path    string
	diags   diag.List
	cur     ui.Cursor
	focused bool
	w, h    int
}

// New returns an empty problems pane.
func New(c *ui.Context) *Model { return &Model{ctx: c} }

// SetDiagnostics shows the diagnostics of the file at path.
func (m *Model) SetDiagnostics(path string, ds diag.List) {
	m.path, m.diags = path, ds
	m.cur.SetLen(len(ds), m.h)
}

// Len returns how many diagnostics are listed.
func (m *Model) Len() int { return len(m.diags) }

// Update moves the cursor and jumps.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return nil
	}
	if m.cur.Move(k, m.ctx.Keys.List, len(m.diags), m.h) {
		return nil
	}
	if key.Matches(k, m.ctx.Keys.List.Select) && m.cur.Index < len(m.diags) {
		d := m.diags[m.cur.Index]
		jump := ui.JumpMsg{Path: m.path, Line: d.Pos.Line, Column: d.Pos.Column}
		return func() tea.Msg { return jump }
	}
	return nil
}

// View draws the visible diagnostics.
func (m *Model) View() string {
	st := m.ctx.Styles
	if len(m.diags) == 0 {
		return ui.Block([]string{st.Good.Render("no problems")}, m.w, m.h)
	}
	var lines []string
	end := min(m.cur.Offset+m.h, len(m.diags))
	for i := m.cur.Offset; i < end; i++ {
		d := m.diags[i]
		sev := st.Error.Render("error  ")
		if d.Severity == diag.Warning {
			sev = st.Warning.Render("warning")
		}
		msg := d.Msg
		if len(d.Suggest) > 0 {
			msg += " (did you mean " + strings.Join(d.Suggest, ", ") + "?)"
		}
		row := fmt.Sprintf("%s %s %s", sev, st.Muted.Render(fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Column)), msg)
		lines = append(lines, ui.Row(row, m.w, i == m.cur.Index, m.focused, st.Selected, st.CursorLine))
	}
	return ui.Block(lines, m.w, m.h)
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.ctx.Keys.List.Up, m.ctx.Keys.List.Down,
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "jump"))}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.cur.SetLen(len(m.diags), h) }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
