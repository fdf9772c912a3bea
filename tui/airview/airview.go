// Package airview is the workbench pane that shows AIR: the compiled
// script of the selected function or, when the debugger stands at a hop,
// the script that hop ran with the instructions it stopped at
// highlighted. A cursor line is where an instruction breakpoint is set.
package airview

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

var instructions = map[string]bool{
	"seq": true, "par": true, "xor": true, "call": true, "fold": true, "next": true, "new": true,
	"ap": true, "canon": true, "null": true, "never": true, "match": true, "mismatch": true,
	"fail": true,
}

// Model is the AIR pane.
type Model struct {
	ctx *ui.Context
	// fn is the function shown, when no hop is.
	fn ui.Function
	// hop is the hop shown, if any; title describes it.
	hop   *session.Hop
	title string

	script string
	lines  []string
	starts []int // byte offset of each line in script
	// stops are the highlighted byte ranges of each line, by line.
	stops map[int][][2]int
	marks map[int]bool
	cur   int
	top   int

	focused bool
	w, h    int
	// rendered caches coloured lines; reset with the text.
	rendered []string
}

// New returns an empty AIR pane.
func New(c *ui.Context) *Model { return &Model{ctx: c} }

// SetFunction shows fn's AIR, leaving any hop shown.
func (m *Model) SetFunction(fn ui.Function) {
	if m.hop == nil && fn.Name == m.fn.Name && fn.AIR == m.fn.AIR {
		return
	}
	m.fn, m.hop, m.title = fn, nil, ""
	m.setScript(fn.AIR)
	m.stops = nil
}

// ShowHop shows the script h ran with the instructions it stopped at
// highlighted, and puts the cursor on the first of them. title says
// which hop it is, such as "hop 3 of 8 · p-0001 at node1".
func (m *Model) ShowHop(h *session.Hop, title string) {
	m.hop, m.title = h, title
	if h == nil {
		m.setScript(m.fn.AIR)
		m.stops = nil
		return
	}
	if h.Particle.Script != m.script {
		m.setScript(h.Particle.Script)
	}
	m.stops = map[int][][2]int{}
	first := -1
	for _, s := range h.Outcome.Stops {
		line := m.lineOf(s.Span.Start)
		if line < 0 {
			continue
		}
		// A stop that spans lines is marked on its first: that is where
		// the instruction is named.
		from := s.Span.Start - m.starts[line]
		to := min(s.Span.End-m.starts[line], len(m.lines[line]))
		m.stops[line] = append(m.stops[line], [2]int{from, to})
		if first < 0 || line < first {
			first = line
		}
	}
	if first >= 0 {
		m.cur = first
		m.top = max(0, first-m.body()/3)
	}
	m.clamp()
}

// Hop returns the hop shown, if any.
func (m *Model) Hop() *session.Hop { return m.hop }

// Script returns the AIR shown.
func (m *Model) Script() string { return m.script }

// SetMarks marks the lines of the script shown that spans, instruction
// breakpoints, fall on.
func (m *Model) SetMarks(spans []air.Span) {
	if len(spans) == 0 && len(m.marks) == 0 {
		return
	}
	marks := map[int]bool{}
	for _, s := range spans {
		if l := m.lineOf(s.Start); l >= 0 {
			marks[l] = true
		}
	}
	m.marks = marks
}

// CursorSpan returns the span of the cursor line's instructions, from
// its first parenthesis to its end: an instruction breakpoint there stops
// after any hop that stopped at an instruction starting on that line.
func (m *Model) CursorSpan() (air.Span, bool) {
	if m.cur >= len(m.lines) || m.script == "" {
		return air.Span{}, false
	}
	line := m.lines[m.cur]
	i := strings.IndexByte(line, '(')
	if i < 0 {
		return air.Span{}, false
	}
	end := len(strings.TrimRight(line, ") \t"))
	end = max(end, i+1)
	return air.Span{Start: m.starts[m.cur] + i, End: m.starts[m.cur] + end}, true
}

// Cursor returns the cursor's line, from 0.
func (m *Model) Cursor() int { return m.cur }

func (m *Model) setScript(s string) {
	m.script = s
	text := strings.TrimRight(s, "\n")
	m.lines = strings.Split(text, "\n")
	m.starts = m.starts[:0]
	off := 0
	for _, l := range m.lines {
		m.starts = append(m.starts, off)
		off += len(l) + 1
	}
	m.rendered = make([]string, len(m.lines))
	m.marks = nil
	m.cur = min(m.cur, len(m.lines)-1)
	m.clamp()
}

// lineOf returns the line holding byte offset off, or -1.
func (m *Model) lineOf(off int) int {
	if off < 0 || off > len(m.script) || len(m.starts) == 0 {
		return -1
	}
	i, found := slices.BinarySearch(m.starts, off)
	if !found {
		i--
	}
	return i
}

func (m *Model) body() int { return max(m.h-1, 1) }

func (m *Model) clamp() {
	m.cur = max(0, min(m.cur, len(m.lines)-1))
	if m.cur < m.top {
		m.top = m.cur
	}
	if m.cur >= m.top+m.body() {
		m.top = m.cur - m.body() + 1
	}
	m.top = max(0, min(m.top, len(m.lines)-m.body()))
}

// Update moves the cursor when focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return nil
	}
	km := m.ctx.Keys.List
	switch {
	case key.Matches(k, km.Up):
		m.cur--
	case key.Matches(k, km.Down):
		m.cur++
	case key.Matches(k, km.PageUp):
		m.cur -= m.body()
	case key.Matches(k, km.PageDown):
		m.cur += m.body()
	case key.Matches(k, km.Top):
		m.cur = 0
	case key.Matches(k, km.Bottom):
		m.cur = len(m.lines) - 1
	}
	m.clamp()
	return nil
}

// View draws the title and the visible AIR lines.
func (m *Model) View() string {
	st := m.ctx.Styles
	if m.script == "" {
		return ui.Block([]string{st.Muted.Render("select a function to see its AIR")}, m.w, m.h)
	}
	title := "-- " + m.fn.Name
	if m.hop != nil {
		title = "-- " + m.title
		if ss := m.hop.Outcome.Stops; len(ss) > 0 {
			line, col := session.Position(m.script, ss[0].Span.Start)
			title += fmt.Sprintf(" · %s %d:%d", ss[0].Kind, line, col)
		}
	}
	lines := []string{st.Muted.Render(title)}
	for i := m.top; i < len(m.lines) && len(lines) < m.h; i++ {
		lines = append(lines, m.gutter(i)+m.line(i))
	}
	return ui.Block(lines, m.w, m.h)
}

// gutter draws the three cells before line i: the cursor, then a stop or
// breakpoint mark.
func (m *Model) gutter(i int) string {
	st := m.ctx.Styles
	cursor := " "
	if i == m.cur && m.focused {
		cursor = st.AccentText.Render("›")
	}
	mark := "  "
	switch {
	case len(m.stops[i]) > 0:
		mark = st.Warning.Render("▶") + " "
	case m.marks[i]:
		mark = st.Breakpoint.Render("●") + " "
	}
	return cursor + mark
}

// line renders line i, its stops highlighted.
func (m *Model) line(i int) string {
	text := m.lines[i]
	spans := m.stops[i]
	if len(spans) == 0 {
		if m.rendered[i] == "" {
			m.rendered[i] = m.colour(text)
		}
		return m.rendered[i]
	}
	spans = slices.Clone(spans)
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	at := 0
	for _, s := range spans {
		from, to := max(s[0], at), min(s[1], len(text))
		if from >= to {
			continue
		}
		b.WriteString(m.colour(text[at:from]))
		b.WriteString(m.ctx.Styles.StopSpan.Render(text[from:to]))
		at = to
	}
	b.WriteString(m.colour(text[at:]))
	return b.String()
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
	return []key.Binding{km.Up, km.Down, m.ctx.Keys.Debug.Break}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.ctx.Keys.List
	return [][]key.Binding{{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom}, {m.ctx.Keys.Debug.Break}}
}

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clamp()
}

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
