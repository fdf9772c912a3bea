// Package calls is the workbench pane that lists every service call with
// its peer, service, function, arguments, and result or error.
package calls

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/tui/store"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Model is the calls pane.
type Model struct {
	ctx     *ui.Context
	store   *store.Store
	filter  string
	rows    []*ui.Call // the filtered calls; nil when unfiltered
	version uint64     // store version rows were built from
	cur     ui.Cursor
	focused bool
	w, h    int
}

// New returns a calls pane over s.
func New(c *ui.Context, s *store.Store) *Model {
	return &Model{ctx: c, store: s, cur: ui.Cursor{Follow: true}}
}

// SetFilter shows only the calls of particle id ("" for all).
func (m *Model) SetFilter(id string) {
	if id != m.filter {
		m.filter, m.version = id, 0
		m.cur = ui.Cursor{Follow: true}
		m.Sync()
	}
}

// Sync catches up with the store.
func (m *Model) Sync() {
	if m.filter != "" && m.version != m.store.Version {
		m.rows = m.rows[:0]
		for _, c := range m.store.Calls() {
			if c.Particle == m.filter {
				m.rows = append(m.rows, c)
			}
		}
		m.version = m.store.Version
	}
	m.cur.SetLen(len(m.list()), m.h-1)
}

func (m *Model) list() []*ui.Call {
	if m.filter == "" {
		return m.store.Calls()
	}
	return m.rows
}

// Selected returns the call under the cursor, if there is one.
func (m *Model) Selected() (ui.Call, bool) {
	list := m.list()
	if m.cur.Index < len(list) {
		return *list[m.cur.Index], true
	}
	return ui.Call{}, false
}

// Update moves the cursor when focused and tells the inspector.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return nil
	}
	list := m.list()
	if m.cur.Move(k, m.ctx.Keys.List, len(list), m.h-1) || key.Matches(k, m.ctx.Keys.List.Select) {
		if m.cur.Index < len(list) {
			c := *list[m.cur.Index]
			return func() tea.Msg { return ui.SelectMsg{Selection: ui.Selection{Call: &c}} }
		}
	}
	return nil
}

// View draws the visible calls.
func (m *Model) View() string {
	st := m.ctx.Styles
	lines := []string{st.Muted.Render(fmt.Sprintf("%-7s %-24s %-18s %s", "peer", "call", "args", "result"))}
	list := m.list()
	if len(list) == 0 {
		lines = append(lines, st.Muted.Render("no service calls yet"))
	}
	end := min(m.cur.Offset+m.h-1, len(list))
	for i := m.cur.Offset; i < end; i++ {
		c := list[i]
		var res string
		switch {
		case !c.Done:
			res = st.Warning.Render("…")
		case c.Err != "":
			res = st.Error.Render(fmt.Sprintf("error %d: %s", c.RetCode, c.Err))
		default:
			res = st.String.Render(c.Result)
		}
		row := fmt.Sprintf("%-7s %s %s %s", m.ctx.Name(c.Peer),
			st.Call.Render(ui.Fit(c.Service+"."+c.Function, 24)), ui.Fit(c.Args, 18), res)
		lines = append(lines, ui.Row(row, m.w, i == m.cur.Index, m.focused, st.Selected, st.CursorLine))
	}
	return ui.Block(lines, m.w, m.h)
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.ctx.Keys.List
	return []key.Binding{km.Up, km.Down, km.Select}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.cur.SetLen(len(m.list()), h-1) }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
