// Package airview is the workbench pane that shows the compiled AIR of
// the selected function.
package airview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

var instructions = map[string]bool{
	"seq": true, "par": true, "xor": true, "call": true, "fold": true, "next": true, "new": true,
	"ap": true, "canon": true, "null": true, "never": true, "match": true, "mismatch": true,
	"fail": true,
}

// Model is the AIR pane.
type Model struct {
	ctx     *ui.Context
	name    string
	lines   []string
	top     int
	focused bool
	w, h    int
	// rendered caches coloured lines; reset with the text.
	rendered []string
}

// New returns an empty AIR pane.
func New(c *ui.Context) *Model { return &Model{ctx: c} }

// SetFunction shows fn's AIR.
func (m *Model) SetFunction(fn ui.Function) {
	if fn.Name == m.name && strings.Join(m.lines, "\n") == strings.TrimRight(fn.AIR, "\n") {
		return
	}
	m.name = fn.Name
	m.lines = strings.Split(strings.TrimRight(fn.AIR, "\n"), "\n")
	m.rendered = make([]string, len(m.lines))
	m.top = min(m.top, max(len(m.lines)-m.h, 0))
}

// Update scrolls when focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return nil
	}
	km := m.ctx.Keys.List
	switch {
	case key.Matches(k, km.Up):
		m.top--
	case key.Matches(k, km.Down):
		m.top++
	case key.Matches(k, km.PageUp):
		m.top -= m.h
	case key.Matches(k, km.PageDown):
		m.top += m.h
	case key.Matches(k, km.Top):
		m.top = 0
	case key.Matches(k, km.Bottom):
		m.top = len(m.lines)
	}
	m.top = max(0, min(m.top, len(m.lines)-m.h+1))
	return nil
}

// View draws the visible AIR lines.
func (m *Model) View() string {
	st := m.ctx.Styles
	if m.name == "" {
		return ui.Block([]string{st.Muted.Render("select a function to see its AIR")}, m.w, m.h)
	}
	lines := []string{st.Muted.Render("-- " + m.name)}
	for i := m.top; i < len(m.lines) && len(lines) < m.h; i++ {
		if m.rendered[i] == "" {
			m.rendered[i] = m.colour(m.lines[i])
		}
		lines = append(lines, m.rendered[i])
	}
	return ui.Block(lines, m.w, m.h)
}

// colour colours the instruction name after each opening parenthesis and
// string literals.
func (m *Model) colour(line string) string {
	st := m.ctx.Styles
	var b strings.Builder
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == '"':
			j := strings.IndexByte(line[i+1:], '"')
			end := len(line)
			if j >= 0 {
				end = i + j + 2
			}
			b.WriteString(st.String.Render(line[i:end]))
			i = end
		case c == '(':
			j := i + 1
			for j < len(line) && line[j] >= 'a' && line[j] <= 'z' {
				j++
			}
			b.WriteString(st.Muted.Render("("))
			if instructions[line[i+1:j]] {
				b.WriteString(st.Keyword.Render(line[i+1 : j]))
			} else {
				b.WriteString(st.Text.Render(line[i+1 : j]))
			}
			i = j
		default:
			j := i
			for j < len(line) && line[j] != '"' && line[j] != '(' {
				j++
			}
			b.WriteString(st.Text.Render(line[i:j]))
			i = j
		}
	}
	return b.String()
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.ctx.Keys.List
	return []key.Binding{km.Up, km.Down, km.PageDown}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
