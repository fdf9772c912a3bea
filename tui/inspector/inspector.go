// Package inspector is the workbench pane that shows the details of what
// is selected elsewhere: a trace event, a service call or a run's result.
package inspector

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/functions"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Model is the inspector pane.
type Model struct {
	ctx *ui.Context
	sel ui.Selection
	// hop and hopText cache the rendering of the hop selected: rendering
	// re-runs the hop to find its variables, and a resize needs only a
	// new wrap.
	hop     *session.Hop
	hopText string
	lines   []string
	top     int
	focused bool
	w, h    int
}

// New returns an empty inspector.
func New(c *ui.Context) *Model { return &Model{ctx: c} }

// Update takes selections, and scroll keys when focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.SelectMsg:
		// A selection renders afresh, with the peers' names as they are.
		m.sel, m.top, m.hop = msg.Selection, 0, nil
		m.layout()
	case tea.KeyPressMsg:
		if !m.focused {
			return nil
		}
		km := m.ctx.Keys.List
		switch {
		case key.Matches(msg, km.Up):
			m.top--
		case key.Matches(msg, km.Down):
			m.top++
		case key.Matches(msg, km.PageDown):
			m.top += m.h
		case key.Matches(msg, km.PageUp):
			m.top -= m.h
		}
		m.top = max(0, min(m.top, len(m.lines)-m.h))
	}
	return nil
}

// Selection returns what the inspector shows.
func (m *Model) Selection() ui.Selection { return m.sel }

// layout renders the selection into wrapped lines.
func (m *Model) layout() {
	st := m.ctx.Styles
	var fields [][2]string
	add := func(k, v string) {
		if v != "" {
			fields = append(fields, [2]string{k, v})
		}
	}
	title := ""
	switch s := m.sel; {
	case s.Hop != nil:
		m.lines = m.hopLines(s.Hop, s.HopTitle)
		return
	case s.Event != nil:
		e := s.Event
		title = "event #" + fmt.Sprint(e.Seq) + " · " + e.Kind.String()
		add("particle", e.Particle)
		add("peer", m.ctx.Name(e.Peer)+" "+string(e.Peer))
		add("time", e.Time.Format("15:04:05.000000"))
		if e.From != "" {
			add("from", m.ctx.Name(e.From))
		}
		if e.To != "" {
			add("to", m.ctx.Name(e.To))
		}
		if e.Service != "" {
			add("call", fmt.Sprintf("%s.%s (call %d)", e.Service, e.Function, e.CallID))
		}
		add("args", e.Args)
		add("result", e.Result)
		if e.Duration > 0 {
			add("duration", e.Duration.String())
		}
		if e.DataSize > 0 {
			add("data", fmt.Sprintf("%d bytes", e.DataSize))
		}
		if e.Kind == trace.Dropped {
			add("reason", e.Reason.String())
		}
		if e.RetCode != 0 {
			add("ret code", fmt.Sprint(e.RetCode))
		}
		add("error", e.Err)
	case s.Call != nil:
		c := s.Call
		title = "call " + c.Service + "." + c.Function
		add("particle", c.Particle)
		add("peer", m.ctx.Name(c.Peer)+" "+string(c.Peer))
		add("args", c.Args)
		switch {
		case !c.Done:
			add("state", "running")
		case c.Err != "":
			add("ret code", fmt.Sprint(c.RetCode))
			add("error", c.Err)
		default:
			add("result", c.Result)
		}
		if c.Took > 0 {
			add("duration", c.Took.String())
		}
	case s.Result != nil:
		r := s.Result
		title = "run " + r.Display
		add("particle", r.ParticleID)
		var fe *session.Error
		switch {
		case errors.As(r.Err, &fe):
			add("error", fmt.Sprintf("%d: %s", fe.Code, fe.Message))
			add("instruction", fe.Instruction)
			add("peer", m.ctx.Name(peer.ID(fe.PeerID))+" "+fe.PeerID)
		case r.Err != nil:
			add("error", r.Err.Error())
		default:
			add("result", functions.FormatValues(r.Values))
		}
		if r.Took > 0 {
			add("took", r.Took.Round(time.Microsecond).String())
		}
	default:
		m.lines = []string{st.Muted.Render("select an event, a call or a run")}
		return
	}
	m.lines = []string{st.Header.Render(title)}
	valueW := max(m.w-13, 10)
	for _, f := range fields {
		wrapped := strings.Split(wrap(f[1], valueW), "\n")
		for i, w := range wrapped {
			label := strings.Repeat(" ", 12)
			if i == 0 {
				label = fmt.Sprintf("%-12s", f[0])
			}
			style := st.Value
			if f[0] == "error" || f[0] == "reason" {
				style = st.Error
			}
			m.lines = append(m.lines, st.Label.Render(label)+" "+style.Render(w))
		}
	}
}

// breakpoints are where a line of a value may break besides spaces: in
// paths, ids and JSON.
const breakpoints = "-/,:."

// wrap breaks s into lines of at most width cells at spaces and
// breakpoints, and breaks a word in the middle only when it is wider
// than a line.
func wrap(s string, width int) string { return ansi.Wrap(s, width, breakpoints) }

// hopLines renders a hop as debug.Render writes it: where it ran, the
// instructions it stopped at with the variables the script saw there,
// its calls, and the particle's data there. title, if set, names the hop
// in its first line as the AIR pane does, among its particle's hops.
func (m *Model) hopLines(h *session.Hop, title string) []string {
	st := m.ctx.Styles
	if h != m.hop {
		var b strings.Builder
		if err := session.RenderHop(&b, h, m.ctx.Name); err != nil {
			return []string{st.Error.Render(err.Error())}
		}
		m.hop, m.hopText = h, b.String()
	}
	text := strings.Split(strings.TrimRight(m.hopText, "\n"), "\n")
	if title != "" {
		// debug.Render numbers the hop in the whole recording.
		text[0] = title
	}
	out := []string{st.Header.Render(text[0])}
	for _, l := range text[1:] {
		style := st.Value
		switch {
		case strings.HasPrefix(l, "  error:"):
			style = st.Error
		case !strings.HasPrefix(l, " "):
			style = st.Label
		}
		for w := range strings.SplitSeq(wrap(l, max(m.w, 10)), "\n") {
			out = append(out, style.Render(w))
		}
	}
	return out
}

// View draws the visible lines.
func (m *Model) View() string {
	if m.lines == nil {
		m.layout()
	}
	return ui.Block(m.lines[min(m.top, len(m.lines)):], m.w, m.h)
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.ctx.Keys.List.Up, m.ctx.Keys.List.Down}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size and rewraps.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.layout() }

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
