// Package msglog keeps every message the workbench put on its status
// line, and shows them in full: the status line has one line for the
// latest, cut at the screen's edge, and some messages (a refused attach,
// with the flag that would allow it) are longer than any screen.
package msglog

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Limit bounds the messages kept; the oldest go first.
const Limit = 1000

// Entry is one message.
type Entry struct {
	Time time.Time
	Text string
	Err  bool
	// Repeats counts the times the same message came again at once.
	Repeats int
}

// Model is the log and its view, a viewport over the messages wrapped at
// word boundaries to the width shown.
type Model struct {
	ctx     *ui.Context
	entries []Entry
	vp      viewport.Model
	w, h    int
	stale   bool
}

// New returns an empty log.
func New(c *ui.Context) *Model {
	return &Model{ctx: c, vp: viewport.New()}
}

// Add records a message; the same message twice in a row counts once.
func (m *Model) Add(t time.Time, text string, isErr bool) {
	if text == "" {
		return
	}
	if n := len(m.entries); n > 0 && m.entries[n-1].Text == text && m.entries[n-1].Err == isErr {
		m.entries[n-1].Repeats++
		m.entries[n-1].Time = t
	} else {
		m.entries = append(m.entries, Entry{Time: t, Text: text, Err: isErr})
		if len(m.entries) > Limit {
			m.entries = m.entries[len(m.entries)-Limit:]
		}
	}
	m.stale = true
}

// Entries returns the messages, oldest first.
func (m *Model) Entries() []Entry { return m.entries }

// Len returns how many messages the log holds.
func (m *Model) Len() int { return len(m.entries) }

// Show lays the log out at the bottom, the newest message in view.
func (m *Model) Show() {
	m.render()
	m.vp.GotoBottom()
}

func (m *Model) render() {
	st := m.ctx.Styles
	const stamp = "15:04:05 " // the width of a time
	textW := max(m.w-len(stamp)-2, 10)
	var lines []string
	if len(m.entries) == 0 {
		lines = append(lines, st.Muted.Render("no messages yet"))
	}
	for _, e := range m.entries {
		mark, style := st.Good.Render("·"), st.Text
		if e.Err {
			mark, style = st.Error.Render("✗"), st.Error
		}
		text := e.Text
		if e.Repeats > 0 {
			text += fmt.Sprintf(" (×%d)", e.Repeats+1)
		}
		for i, l := range strings.Split(ansi.Wrap(text, textW, " /,=:"), "\n") {
			head := strings.Repeat(" ", len(stamp)+2)
			if i == 0 {
				head = st.Muted.Render(e.Time.Format(stamp)) + mark + " "
			}
			lines = append(lines, head+style.Render(l))
		}
	}
	m.vp.SetContentLines(lines)
	m.stale = false
}

// Update scrolls the log.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if m.stale {
		m.render()
	}
	var cmd tea.Cmd
	m.vp, cmd = m.vp.Update(msg)
	return cmd
}

// View draws the visible messages.
func (m *Model) View() string {
	if m.stale {
		bottom := m.vp.AtBottom()
		m.render()
		if bottom {
			m.vp.GotoBottom()
		}
	}
	return ui.Block(strings.Split(m.vp.View(), "\n"), m.w, m.h)
}

// SetSize sets the content size and wraps the messages again.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.vp.SetWidth(w)
	m.vp.SetHeight(h)
	m.stale = true
}

// ShortHelp lists the log's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.vp.KeyMap
	return []key.Binding{km.Up, km.Down, km.PageDown,
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))}
}

// FullHelp lists them in a column.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
