package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// debugState is what the workbench knows of the session's debugger: the
// last state read, and what the panes show of it.
type debugState struct {
	dbg     session.Debugger
	changes <-chan struct{}
	cancel  func()

	st ui.DebugMsg
	// shown is the hop the AIR pane and the inspector show.
	shown *session.Hop
	// stepping is set while a step waits for an interpretation; cancelStep
	// gives up the wait.
	stepping   bool
	cancelStep context.CancelFunc
}

// debugChangedMsg is the debugger's state after it told of a change.
type debugChangedMsg struct{ ui.DebugMsg }

// stepDoneMsg ends a step, whatever its outcome.
type stepDoneMsg struct{ ui.DebugMsg }

func newDebugState(d session.Debugger) debugState {
	s := debugState{dbg: d}
	if d != nil {
		s.changes, s.cancel = d.Subscribe()
	}
	return s
}

func (s *debugState) close() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.cancelStep != nil {
		s.cancelStep()
	}
}

// snapshot reads the debugger's state; it runs in commands.
func snapshot(d session.Debugger) ui.DebugMsg {
	msg := ui.DebugMsg{Paused: d.Paused(), Pending: d.Pending(), Breakpoints: d.Breakpoints(), Recorded: d.Recording().Len()}
	if st, ok := d.Current(); ok {
		msg.Stop = st
		hops := d.Recording().Particle(st.Hop.Particle.ID)
		msg.Hop, msg.Hops = slices.Index(hops, st.Hop)+1, len(hops)
	}
	return msg
}

// readDebugger reads the debugger's state once, for the header.
func (m *Model) readDebugger() tea.Cmd {
	d := m.debug.dbg
	if d == nil {
		return nil
	}
	return func() tea.Msg { return snapshot(d) }
}

// watchDebugger waits for the debugger to change and reads its state.
func (m *Model) watchDebugger() tea.Cmd {
	d, changes, ctx := m.debug.dbg, m.debug.changes, m.run
	if d == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case <-changes:
		}
		return debugChangedMsg{snapshot(d)}
	}
}

// debugAct runs f on the debugger off the UI goroutine and reports the
// state after it, with what f said.
func (m *Model) debugAct(f func(session.Debugger) (note string, err error)) tea.Cmd {
	d := m.debug.dbg
	return func() tea.Msg {
		note, err := f(d)
		msg := snapshot(d)
		msg.Note, msg.Err = note, err
		return msg
	}
}

// debugKey handles the debugger's keys; it reports whether msg was one.
func (m *Model) debugKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	km := m.ctx.Keys.Debug
	isDebug := key.Matches(msg, km.Pause, km.Step, km.StepOver, km.Back, km.Forward, km.Break, km.SaveRec)
	if !isDebug {
		return nil, false
	}
	if m.debug.dbg == nil {
		m.setStatus("this session cannot be paused or stepped: "+m.title()+" has no debugger", true)
		return nil, true
	}
	switch {
	case key.Matches(msg, km.Pause):
		return m.togglePause(), true
	case key.Matches(msg, km.Step):
		return m.step(), true
	case key.Matches(msg, km.StepOver):
		return m.stepOver(), true
	case key.Matches(msg, km.Back):
		return m.debugAct(func(d session.Debugger) (string, error) {
			if _, ok := d.Back(); !ok {
				return "", errors.New("no hop before this one")
			}
			return "", nil
		}), true
	case key.Matches(msg, km.Forward):
		return m.debugAct(func(d session.Debugger) (string, error) {
			if _, ok := d.Forward(); !ok {
				return "", errors.New("no hop after this one recorded yet; ctrl+n steps")
			}
			return "", nil
		}), true
	case key.Matches(msg, km.Break):
		return m.breakHere(), true
	default:
		m.openPrompt(promptSave, "save recording to: ", defaultRecordingName(m.now()))
		return nil, true
	}
}

func (m *Model) togglePause() tea.Cmd {
	if m.debug.st.Paused {
		if m.debug.cancelStep != nil {
			m.debug.cancelStep()
		}
		return m.debugAct(func(d session.Debugger) (string, error) {
			d.Continue()
			if n := len(d.Breakpoints()); n > 0 {
				return fmt.Sprintf("continued to the next breakpoint (%d set)", n), nil
			}
			return "continued", nil
		})
	}
	return m.debugAct(func(d session.Debugger) (string, error) {
		d.Pause()
		return "paused: particles are held; ctrl+n steps, ctrl+p continues", nil
	})
}

// step pauses the network if it runs and lets the next interpretation
// through, waiting for one to be held.
func (m *Model) step() tea.Cmd {
	return m.stepWith(func(ctx context.Context, d session.Debugger) (string, error) {
		_, err := d.Step(ctx)
		return "", err
	})
}

// stepOver steps until the calls the current hop asked for have come back
// to its peer; from a hop that asked for none it steps.
func (m *Model) stepOver() tea.Cmd {
	h := m.debug.st.Stop.Hop
	if h == nil || len(h.Outcome.CallRequests) == 0 || m.debug.stepping {
		return m.step()
	}
	calls := "the call"
	if n := len(h.Outcome.CallRequests); n > 1 {
		calls = fmt.Sprintf("the %d calls", n)
	}
	cmd := m.stepWith(func(ctx context.Context, d session.Debugger) (string, error) {
		st, err := d.StepOver(ctx)
		if err != nil || st.Hit != nil {
			return "", err
		}
		return fmt.Sprintf("stepped over %s of hop %d: hop %d takes the results", calls, h.Seq, st.Hop.Seq), nil
	})
	m.setStatus(fmt.Sprintf("stepping over %s of hop %d until the results come back; ctrl+p continues", calls, h.Seq), false)
	return cmd
}

// stepWith pauses the network if it runs and steps it with step, whose
// note goes on the status line.
func (m *Model) stepWith(step func(context.Context, session.Debugger) (string, error)) tea.Cmd {
	if m.debug.stepping {
		m.setStatus("waiting for a particle to arrive; run a function, or ctrl+p to continue", false)
		return nil
	}
	ctx, cancel := context.WithCancel(m.run)
	m.debug.stepping, m.debug.cancelStep = true, cancel
	if len(m.debug.st.Pending) == 0 {
		m.setStatus("waiting for a particle to arrive; run a function, or ctrl+p to continue", false)
	}
	d := m.debug.dbg
	return func() tea.Msg {
		defer cancel()
		d.Pause()
		note, err := step(ctx, d)
		msg := snapshot(d)
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		msg.Note, msg.Err = note, err
		return stepDoneMsg{msg}
	}
}

// breakHere toggles a breakpoint on what the focused pane has selected:
// the instruction on the AIR pane's cursor line, the peer, the service
// function of the call. Elsewhere it asks for one.
func (m *Model) breakHere() tea.Cmd {
	var b session.Breakpoint
	var what string
	switch m.focus {
	case AIRPane:
		span, ok := m.air.CursorSpan()
		if !ok {
			m.setStatus("no instruction on this line", true)
			return nil
		}
		line, _ := session.Position(m.air.Script(), span.Start)
		b = session.Breakpoint{Kind: session.OnInstruction, Span: span, Script: m.air.Script()}
		what = fmt.Sprintf("the instruction on line %d", line)
	case PeersPane:
		p, ok := m.peers.Selected()
		if !ok {
			return nil
		}
		b = session.Breakpoint{Kind: session.OnPeer, Peer: p.ID}
		what = "peer " + p.Name
	case CallsPane:
		c, ok := m.calls.Selected()
		if !ok {
			m.setStatus("no call selected", true)
			return nil
		}
		b = session.Breakpoint{Kind: session.OnCall, Service: c.Service, Function: c.Function}
		what = "calls of " + c.Service + "." + c.Function
	default:
		m.openPrompt(promptBreak, "break on (service, service.function, error, clear): ", "")
		return nil
	}
	return m.toggleBreakpoint(b, what)
}

func (m *Model) toggleBreakpoint(b session.Breakpoint, what string) tea.Cmd {
	return m.debugAct(func(d session.Debugger) (string, error) {
		bs := d.Breakpoints()
		if i := slices.Index(bs, b); i >= 0 {
			d.SetBreakpoints(slices.Delete(bs, i, i+1))
			return "breakpoint removed: " + what, nil
		}
		d.SetBreakpoints(append(bs, b))
		return "breakpoint on " + what, nil
	})
}

// parseBreakpoint reads a breakpoint as typed in the prompt: "error",
// "clear" (clear is then true), "service" or "service.function".
func parseBreakpoint(spec string) (b session.Breakpoint, clear bool, err error) {
	spec = strings.TrimSpace(spec)
	switch spec {
	case "":
		return b, false, errors.New("want a service, service.function, error or clear")
	case "error":
		return session.Breakpoint{Kind: session.OnError}, false, nil
	case "clear":
		return b, true, nil
	}
	svc, fn, _ := strings.Cut(spec, ".")
	if svc == "" || strings.ContainsAny(spec, " \t") || strings.Contains(fn, ".") {
		return b, false, fmt.Errorf("%q: want a service, service.function, error or clear", spec)
	}
	return session.Breakpoint{Kind: session.OnCall, Service: svc, Function: fn}, false, nil
}

func describeBreakpoint(b session.Breakpoint) string {
	switch b.Kind {
	case session.OnError:
		return "any error"
	case session.OnCall:
		if b.Function == "" {
			return "calls of " + b.Service
		}
		return "calls of " + b.Service + "." + b.Function
	}
	return "?"
}

// applyDebug takes a state read from the debugger: the header shows it,
// and a new stop is shown in the AIR pane and the inspector.
func (m *Model) applyDebug(msg ui.DebugMsg) {
	m.debug.st = msg
	switch {
	case msg.Err != nil:
		m.setStatus(msg.Err.Error(), true)
	case msg.Note != "":
		m.setStatus(msg.Note, false)
	}
	h := msg.Stop.Hop
	if h == nil || h == m.debug.shown {
		return
	}
	m.debug.shown = h
	m.showStop()
	if m.focus != FunctionsPane && m.focus != PeersPane {
		m.topRight = AIRPane
	}
	if msg.Stop.Hit != nil && msg.Note == "" && msg.Err == nil {
		m.setStatus(fmt.Sprintf("stopped at a breakpoint: hop %d at %s", h.Seq, m.ctx.Name(h.Peer)), false)
	}
}

// showStop shows the debugger's stop in the AIR pane and the inspector.
func (m *Model) showStop() {
	msg, h := m.debug.st, m.debug.shown
	title := fmt.Sprintf("hop %d of %d · %s at %s", msg.Hop, msg.Hops, h.Particle.ID, m.ctx.Name(h.Peer))
	m.air.ShowHop(h, title)
	m.inspector.Update(ui.SelectMsg{Selection: ui.Selection{Hop: h, HopTitle: title}})
}

// renameStop shows the stop again after the peers' names changed, if the
// AIR pane and the inspector still show it: they name its peers.
func (m *Model) renameStop() {
	h := m.debug.shown
	if h == nil || m.air.Hop() != h || m.inspector.Selection().Hop != h {
		return
	}
	m.showStop()
}

// syncMarks marks in the AIR pane the instruction breakpoints set in the
// script it shows.
func (m *Model) syncMarks() {
	var spans []air.Span
	for _, b := range m.debug.st.Breakpoints {
		if b.Kind == session.OnInstruction && b.Script == m.air.Script() {
			spans = append(spans, b.Span)
		}
	}
	m.air.SetMarks(spans)
}

// debugHeader describes the debugger's state for the header.
func (m *Model) debugHeader() string {
	if m.debug.dbg == nil {
		return ""
	}
	st := m.ctx.Styles
	s := m.debug.st
	var parts []string
	if s.Paused {
		parts = append(parts, st.Warning.Render(fmt.Sprintf("paused, %d held", len(s.Pending))))
	}
	if h := s.Stop.Hop; h != nil {
		parts = append(parts, st.Muted.Render(fmt.Sprintf("hop %d/%d at %s", s.Hop, s.Hops, m.ctx.Name(h.Peer))))
	}
	if n := len(s.Breakpoints); n > 0 {
		parts = append(parts, st.Breakpoint.Render(fmt.Sprintf("● %d", n)))
	}
	if len(parts) == 0 {
		return ""
	}
	return st.Muted.Render(" · ") + strings.Join(parts, st.Muted.Render(" · "))
}

// defaultRecordingName names a recording saved at t.
func defaultRecordingName(t time.Time) string {
	return "aquarium-" + t.Format("20060102-150405") + ".rec.json"
}

// saveRecording writes the debugger's recording to path, with the
// editor's files as the sources the particles were compiled from.
func (m *Model) saveRecording(path string) tea.Cmd {
	var sources []session.Source
	for _, f := range m.editor.Files() {
		sources = append(sources, session.Source{Path: f.Path, Text: f.Text})
	}
	return m.debugAct(func(d session.Debugger) (string, error) {
		hops := d.Recording().Hops()
		if len(hops) == 0 {
			return "", errors.New("nothing recorded yet: run a function first")
		}
		if err := session.SaveRecording(path, hops, sources); err != nil {
			return "", err
		}
		return fmt.Sprintf("saved %d hops to %s", len(hops), path), nil
	})
}
