// Package timeline is the workbench's trace pane: particles as a sequence
// diagram, one lane per peer, with a row for every hop, interpretation and
// service call. It renders only the rows on screen and caches each
// rendered row, so it stays fast with many thousands of events.
package timeline

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/store"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// cacheLimit bounds the rendered-row cache.
const cacheLimit = 4096

// Model is the trace pane.
type Model struct {
	ctx     *ui.Context
	store   *store.Store
	filter  string
	rows    []uint64 // seqs of the events shown
	indexed uint64   // highest seq considered for rows
	cur     ui.Cursor
	focused bool
	w, h    int

	cache    map[uint64]string
	cacheKey string // width and lanes the cache was rendered for
}

// New returns a trace pane over s.
func New(c *ui.Context, s *store.Store) *Model {
	return &Model{ctx: c, store: s, cur: ui.Cursor{Follow: true}, cache: map[uint64]string{}}
}

// shown reports whether e gets a row.
func shown(e *trace.Event) bool {
	switch e.Kind {
	case trace.Verified, trace.CallRequested:
		return false
	case trace.Received:
		return e.From == "" || e.From == e.Peer
	}
	return true
}

// Sync indexes the events the store gained since the last call.
func (m *Model) Sync() {
	first := m.store.First()
	if len(m.rows) > 0 && m.rows[0] < first {
		i := 0
		for i < len(m.rows) && m.rows[i] < first {
			i++
		}
		m.rows = append([]uint64(nil), m.rows[i:]...)
	}
	start := 0
	if m.indexed >= first && first > 0 {
		start = int(m.indexed - first + 1)
	}
	for i := start; i < m.store.Len(); i++ {
		e := m.store.At(i)
		if e.Seq <= m.indexed {
			continue
		}
		if (m.filter == "" || e.Particle == m.filter) && shown(e) {
			m.rows = append(m.rows, e.Seq)
		}
	}
	if n := m.store.Len(); n > 0 {
		m.indexed = m.store.At(n - 1).Seq
	}
	m.cur.SetLen(len(m.rows), m.bodyHeight())
}

// SetFilter shows only particle id ("" for all).
func (m *Model) SetFilter(id string) {
	if id == m.filter {
		return
	}
	m.filter = id
	m.rows, m.indexed = m.rows[:0], 0
	clear(m.cache)
	m.cur = ui.Cursor{Follow: true}
	m.Sync()
}

// Filter returns the particle shown, or "".
func (m *Model) Filter() string { return m.filter }

// Rows returns how many rows the pane has.
func (m *Model) Rows() int { return len(m.rows) }

// Update handles keys when focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return nil
	}
	km := m.ctx.Keys.Trace
	switch {
	case key.Matches(k, km.Filter):
		return m.cycleFilter()
	case key.Matches(k, km.ClearFilter):
		return func() tea.Msg { return ui.FilterMsg{} }
	case m.cur.Move(k, m.ctx.Keys.List, len(m.rows), m.bodyHeight()):
		return m.selectCmd()
	case key.Matches(k, m.ctx.Keys.List.Select):
		if e := m.selected(); e != nil {
			id := e.Particle
			return func() tea.Msg { return ui.FilterMsg{Particle: id} }
		}
	}
	return nil
}

// cycleFilter moves the filter to the particle before the current one,
// newest first, and back to all after the oldest.
func (m *Model) cycleFilter() tea.Cmd {
	ps := m.store.Particles()
	if len(ps) == 0 {
		return nil
	}
	next := ps[len(ps)-1].ID
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].ID == m.filter {
			next = ""
			if i > 0 {
				next = ps[i-1].ID
			}
			break
		}
	}
	return func() tea.Msg { return ui.FilterMsg{Particle: next} }
}

func (m *Model) selected() *trace.Event {
	if m.cur.Index >= len(m.rows) || len(m.rows) == 0 {
		return nil
	}
	e, ok := m.store.BySeq(m.rows[m.cur.Index])
	if !ok {
		return nil
	}
	return e
}

func (m *Model) selectCmd() tea.Cmd {
	e := m.selected()
	if e == nil {
		return nil
	}
	ev := *e
	return func() tea.Msg { return ui.SelectMsg{Selection: ui.Selection{Event: &ev}} }
}

func (m *Model) bodyHeight() int { return max(m.h-1, 1) }

// layout returns the width of the time column and of one lane.
func (m *Model) layout() (timeW, laneW int) {
	timeW = 9
	n := max(len(m.ctx.Lanes), 1)
	laneW = (m.w - timeW - 24) / n
	return timeW, max(3, min(laneW, 9))
}

// View draws the lane header and the visible rows.
func (m *Model) View() string {
	st := m.ctx.Styles
	timeW, laneW := m.layout()
	key := fmt.Sprintf("%d/%d/%v", m.w, laneW, m.ctx.Lanes)
	if key != m.cacheKey || len(m.cache) > cacheLimit {
		clear(m.cache)
		m.cacheKey = key
	}
	var head strings.Builder
	head.WriteString(strings.Repeat(" ", timeW))
	for _, id := range m.ctx.Lanes {
		head.WriteString(center(m.ctx.Name(id), laneW))
	}
	title := "all particles"
	if m.filter != "" {
		title = "particle " + short(m.filter)
	}
	lines := []string{st.Muted.Render(head.String()) + " " + st.AccentText.Render(title)}
	if len(m.rows) == 0 {
		lines = append(lines, st.Muted.Render("no events yet: run a function (ctrl+r)"))
	}
	end := min(m.cur.Offset+m.bodyHeight(), len(m.rows))
	for i := m.cur.Offset; i < end; i++ {
		seq := m.rows[i]
		row, ok := m.cache[seq]
		if !ok {
			e, held := m.store.BySeq(seq)
			if !held {
				continue
			}
			// Cut to the pane once, here: with a hundred lanes a row is
			// twice as wide as the pane, and cutting it again on every
			// frame would cost more than drawing the rows shown.
			row = ui.Fit(m.renderRow(e, timeW, laneW), m.w)
			m.cache[seq] = row
		}
		lines = append(lines, ui.Row(row, m.w, i == m.cur.Index, m.focused, st.Selected, st.CursorLine))
	}
	return ui.Block(lines, m.w, m.h)
}

// center centres a lane's name over it; a name too long becomes its
// first letter and trailing digits ("node12" -> "n12").
func center(s string, w int) string {
	if len(s) >= w {
		digits := strings.TrimRight(s, "0123456789")
		s = s[:1] + s[len(digits):]
	}
	if len(s) >= w {
		return s[:max(w-1, 0)] + " "
	}
	left := (w - len(s)) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-left-len(s))
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// cell classes for the lane graphic.
const (
	cEmpty = iota
	cLane
	cArrow
	cMark
	cBad
)

func (m *Model) lane(id peer.ID) int {
	for i, l := range m.ctx.Lanes {
		if l == id {
			return i
		}
	}
	return -1
}

// renderRow draws one event: elapsed time, the lanes with its marks, and
// a description.
func (m *Model) renderRow(e *trace.Event, timeW, laneW int) string {
	st := m.ctx.Styles
	// One particle's rows count from its start; all particles' from the
	// first event, so that their rows compare.
	p, known := m.store.Particle(e.Particle)
	elapsed := e.Time.Sub(m.store.Epoch())
	if m.filter != "" && known {
		elapsed = e.Time.Sub(p.Start)
	}
	n := len(m.ctx.Lanes)
	cells := make([]rune, n*laneW)
	class := make([]uint8, n*laneW)
	for i := range cells {
		cells[i] = ' '
	}
	mid := func(l int) int { return l*laneW + laneW/2 }
	for l := range n {
		cells[mid(l)], class[mid(l)] = '│', cLane
	}
	at := m.lane(e.Peer)
	mark := func(r rune, c uint8) {
		if at >= 0 {
			cells[mid(at)], class[mid(at)] = r, c
		}
	}
	var desc string
	switch e.Kind {
	case trace.Sent:
		to := m.lane(e.To)
		if at >= 0 && to >= 0 && to != at {
			a, b := mid(at), mid(to)
			step, head := 1, '▶'
			if b < a {
				step, head = -1, '◀'
			}
			for i := a; i != b; i += step {
				cells[i], class[i] = '─', cArrow
			}
			cells[a], cells[b], class[b] = '●', head, cArrow
		} else {
			mark('●', cArrow)
		}
		desc = st.Arrow.Render("→ "+m.ctx.Name(e.To)) + st.Muted.Render(" "+size(e.DataSize))
	case trace.Received:
		mark('◉', cArrow)
		desc = st.Arrow.Render("start") + st.Muted.Render(" at "+m.ctx.Name(e.Peer))
	case trace.Interpreted:
		// Which interpreter ran the hop: native or avm.wasm.
		by := ""
		if e.Interpreter != "" {
			by = " by " + e.Interpreter
		}
		if e.Err != "" {
			mark('▣', cBad)
			desc = st.Error.Render(fmt.Sprintf("interpreted%s %s: error %d: %s", by, dur(e.Duration), e.RetCode, e.Err))
		} else {
			mark('▣', cMark)
			desc = st.Interp.Render("interpreted") + st.Muted.Render(" "+dur(e.Duration)+" "+size(e.DataSize)) + st.Interp.Render(by)
		}
	case trace.CallFinished:
		name := e.Service + "." + e.Function
		if e.Err != "" {
			mark('◆', cBad)
			desc = st.Error.Render(name+" failed: ") + st.Error.Render(e.Err)
		} else {
			mark('◆', cMark)
			desc = st.Call.Render(name) + st.Muted.Render(" "+dur(e.Duration)+" = "+e.Result)
		}
	case trace.Dropped, trace.Expired:
		mark('✗', cBad)
		desc = st.Error.Render(e.Kind.String() + ": " + e.Reason.String() + " " + e.Err)
		if e.Kind == trace.Expired {
			desc = st.Error.Render("expired")
		}
	case trace.Completed:
		// A particle can complete its script after a failure: the run
		// failed all the same.
		if known && p.Failed {
			mark('✗', cBad)
			desc = st.Error.Render("completed, but the run failed: " + p.Reason)
			break
		}
		mark('✓', cMark)
		desc = st.Good.Render("completed")
	case trace.ServiceLog:
		mark('·', cMark)
		desc = st.Muted.Render("log: " + e.Result)
	default:
		mark('·', cMark)
		desc = e.Kind.String()
	}
	if m.filter == "" {
		desc = st.Subtle.Render(short(e.Particle)+" ") + desc
	}
	var b strings.Builder
	b.WriteString(st.Muted.Render(fmt.Sprintf("%*s", timeW-1, since(elapsed)) + " "))
	styles := [...]lipgloss.Style{cEmpty: st.Text, cLane: st.Lane, cArrow: st.Arrow, cMark: st.Interp, cBad: st.Error}
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && class[j] == class[i] {
			j++
		}
		b.WriteString(styles[class[i]].Render(string(cells[i:j])))
		i = j
	}
	b.WriteString(" ")
	b.WriteString(desc)
	return b.String()
}

// since writes an elapsed time in at most eight cells, so the lanes
// after it stay in line: milliseconds, then seconds, minutes, hours.
func since(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + since(-d)[1:]
	case d < time.Second:
		return fmt.Sprintf("+%.1fms", float64(d.Microseconds())/1000)
	case d < time.Minute:
		return fmt.Sprintf("+%.3fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("+%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 1000*time.Hour:
		return fmt.Sprintf("+%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return ">999h"
}

// Invalidate drops the rendered rows, after something they show changed
// (a particle's run failed).
func (m *Model) Invalidate() { clear(m.cache) }

func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%dµs", d.Microseconds())
}

func size(n int) string {
	if n >= 1024 {
		return fmt.Sprintf("%.1fkB", float64(n)/1024)
	}
	return fmt.Sprintf("%dB", n)
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.ctx.Keys.Trace
	return []key.Binding{km.Filter, km.ClearFilter, m.ctx.Keys.List.Select, km.Follow}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.cur.SetLen(len(m.rows), m.bodyHeight()) }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
