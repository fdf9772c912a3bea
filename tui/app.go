// Package tui is the Aquarium workbench: a terminal UI over a session
// (a local network or a remote node) where a developer edits Aqua, sees
// diagnostics as they type, runs exported functions, and watches every
// particle hop and service call.
//
// The root Model owns small panes (package per pane), routes messages by
// class (keys to the focused pane, results to their owner, sizes to all),
// does no I/O in Update and changes no state inside commands. Trace events
// arrive through a Bridge in one batch per frame.
package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/airview"
	"github.com/aquarium-p2p/aquarium/tui/calls"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/functions"
	"github.com/aquarium-p2p/aquarium/tui/inspector"
	"github.com/aquarium-p2p/aquarium/tui/keys"
	"github.com/aquarium-p2p/aquarium/tui/peers"
	"github.com/aquarium-p2p/aquarium/tui/problems"
	"github.com/aquarium-p2p/aquarium/tui/store"
	"github.com/aquarium-p2p/aquarium/tui/theme"
	"github.com/aquarium-p2p/aquarium/tui/timeline"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Pane names a pane of the workbench.
type Pane int

// Panes, in focus order. Functions, AIR and Peers share the top right;
// Trace, Calls and Problems share the bottom left.
const (
	EditorPane Pane = iota
	FunctionsPane
	AIRPane
	PeersPane
	TracePane
	CallsPane
	ProblemsPane
	InspectorPane
	paneCount
)

var paneTitles = [paneCount]string{"Editor", "Functions", "AIR", "Peers", "Trace", "Calls", "Problems", "Inspector"}

func (p Pane) String() string { return paneTitles[p] }

// Options configure the workbench.
type Options struct {
	// Session is the network; required.
	Session session.Session
	// Controller changes the network; nil for a session that cannot.
	Controller session.Controller
	// Debugger pauses, steps and rewinds the network; nil for a session
	// that cannot.
	Debugger session.Debugger
	// Attach opens a session on the node at a multiaddr, for the attach
	// prompt; nil disables it.
	Attach func(ctx context.Context, addr string) (session.Session, error)
	// Compile compiles a file; required.
	Compile ui.Compiler
	// Files are opened in editor tabs.
	Files []editor.File
	// Title names the network in the header, such as "local network".
	Title string
	// Status is the first line of the status bar, such as a hint.
	Status string
	// StoreCapacity bounds the events kept; default 50,000.
	StoreCapacity int
	// Frame is how long the bridge gathers events; default 1/30 s.
	Frame time.Duration
	// PeersEvery is how often the peer list refreshes; default 1 s.
	PeersEvery time.Duration
}

// Model is the workbench's root model.
type Model struct {
	run    context.Context
	opts   Options
	ctx    *ui.Context
	bridge *Bridge
	store  *store.Store

	editor    *editor.Editor
	functions *functions.Model
	air       *airview.Model
	peers     *peers.Model
	trace     *timeline.Model
	calls     *calls.Model
	problems  *problems.Model
	inspector *inspector.Model

	debug  debugState
	prompt *prompt
	// owned are the sessions the workbench opened, closed with it.
	owned []session.Session
	now   func() time.Time

	focus    Pane
	topRight Pane // which of Functions, AIR, Peers shows
	botLeft  Pane // which of Trace, Calls, Problems shows
	help     help.Model
	w, h     int
	rects    [paneCount]rect

	status     string
	statusErr  bool
	runs       int
	running    int
	quitArmed  bool
	nodes      int
	lastBuild  string
	builtFuncs []ui.Function
}

type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

// peersTickMsg asks for a fresh peer list.
type peersTickMsg struct{}

// actionDoneMsg is a finished change to the network.
type actionDoneMsg struct {
	what string
	err  error
}

// New returns the workbench over opts.Session; run bounds every command
// and the bridge.
func New(run context.Context, opts Options) *Model {
	if opts.StoreCapacity <= 0 {
		opts.StoreCapacity = 50_000
	}
	if opts.Frame <= 0 {
		opts.Frame = time.Second / 30
	}
	if opts.PeersEvery <= 0 {
		opts.PeersEvery = time.Second
	}
	c := &ui.Context{Styles: theme.New(theme.Dark()), Keys: keys.Default(), Names: map[peer.ID]string{}}
	st := store.New(opts.StoreCapacity)
	m := &Model{
		debug:     newDebugState(opts.Debugger),
		now:       time.Now,
		run:       run,
		opts:      opts,
		ctx:       c,
		store:     st,
		bridge:    NewBridge(run, opts.Session.Events(), opts.Frame, 8192),
		editor:    editor.New(c, run, opts.Compile, opts.Files),
		functions: functions.New(c),
		air:       airview.New(c),
		peers:     peers.New(c, opts.Controller != nil),
		trace:     timeline.New(c, st),
		calls:     calls.New(c, st),
		problems:  problems.New(c),
		inspector: inspector.New(c),
		topRight:  FunctionsPane,
		botLeft:   TracePane,
		help:      help.New(),
	}
	m.status = opts.Status
	m.help.Styles = help.DefaultDarkStyles()
	m.editor.Focus()
	return m
}

// Close releases the bridge's and the debugger's subscriptions and
// closes the sessions the workbench opened.
func (m *Model) Close() {
	m.bridge.Close()
	m.debug.close()
	for _, s := range m.owned {
		s.Close()
	}
	m.owned = nil
}

func (m *Model) newStore() *store.Store { return store.New(m.opts.StoreCapacity) }

// resetPanes rebuilds the panes that show a session, after it changed.
func (m *Model) resetPanes() {
	m.trace = timeline.New(m.ctx, m.store)
	m.calls = calls.New(m.ctx, m.store)
	m.peers = peers.New(m.ctx, m.opts.Controller != nil)
	m.inspector = inspector.New(m.ctx)
	m.debug.shown = nil
	if fn, ok := m.functions.Selected(); ok {
		m.air.SetFunction(fn)
	}
	if m.w > 0 {
		m.layout()
	}
	m.pane(m.focus).Focus()
}

func (m *Model) pane(p Pane) ui.Component {
	switch p {
	case EditorPane:
		return m.editor
	case FunctionsPane:
		return m.functions
	case AIRPane:
		return m.air
	case PeersPane:
		return m.peers
	case TracePane:
		return m.trace
	case CallsPane:
		return m.calls
	case ProblemsPane:
		return m.problems
	}
	return m.inspector
}

// Init starts the compile of every file, the bridge and the peer list.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.editor.Init(), m.bridge.Wait(1), m.fetchPeers(), m.readDebugger(), m.watchDebugger())
}

func (m *Model) fetchPeers() tea.Cmd {
	s, ctx := m.opts.Session, m.run
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ps, err := s.Peers(ctx)
		return ui.PeersMsg{Peers: ps, Err: err}
	}
}

// Focus moves the keyboard to p, bringing it forward in its area.
func (m *Model) Focus(p Pane) {
	m.pane(m.focus).Blur()
	m.focus = p
	switch p {
	case FunctionsPane, AIRPane, PeersPane:
		m.topRight = p
	case TracePane, CallsPane, ProblemsPane:
		m.botLeft = p
	}
	m.pane(p).Focus()
}

// Focused returns the pane that has the keyboard.
func (m *Model) Focused() Pane { return m.focus }

// Update routes msg.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.syncBuild()
	m.syncMarks()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		return nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseClickMsg:
		mo := msg.Mouse()
		for p := range paneCount {
			if m.visible(p) && m.rects[p].contains(mo.X, mo.Y) {
				m.Focus(p)
			}
		}
		return nil
	case tea.MouseWheelMsg:
		k := tea.KeyPressMsg{Code: tea.KeyDown}
		if msg.Mouse().Button == tea.MouseWheelUp {
			k = tea.KeyPressMsg{Code: tea.KeyUp}
		}
		if m.focus != EditorPane {
			return m.pane(m.focus).Update(k)
		}
		return nil
	case debugChangedMsg:
		m.applyDebug(msg.DebugMsg)
		return m.watchDebugger()
	case stepDoneMsg:
		m.debug.stepping, m.debug.cancelStep = false, nil
		// What the step waited for is over; its note, error or breakpoint
		// says what came of it.
		m.setStatus("", false)
		m.applyDebug(msg.DebugMsg)
		return nil
	case ui.DebugMsg:
		m.applyDebug(msg)
		return nil
	case attachedMsg:
		return m.attached(msg)
	case ui.EventsMsg:
		m.store.Add(msg.Events, msg.Missed)
		m.trace.Sync()
		m.calls.Sync()
		return m.bridge.Wait(msg.Next)
	case ui.PeersMsg:
		names := m.ctx.Names
		m.setPeers(msg)
		if !maps.Equal(names, m.ctx.Names) {
			m.renameStop()
		}
		m.peers.Update(msg)
		return tea.Tick(m.opts.PeersEvery, func(time.Time) tea.Msg { return peersTickMsg{} })
	case peersTickMsg:
		return m.fetchPeers()
	case peers.ActionMsg:
		if msg.Action == peers.Deploy {
			return m.openDeployPrompt(msg.Peer)
		}
		return m.act(msg)
	case actionDoneMsg:
		if msg.err != nil {
			m.setStatus(msg.what+": "+msg.err.Error(), true)
		} else {
			m.setStatus(msg.what, false)
		}
		return m.fetchPeers()
	case ui.BuildMsg:
		return m.editor.Update(msg)
	case ui.RunRequest:
		return m.startRun(msg)
	case ui.RunStartedMsg:
		m.trace.SetFilter(msg.ParticleID)
		m.calls.SetFilter(msg.ParticleID)
		return m.functions.Update(msg)
	case ui.RunDoneMsg:
		m.running--
		r := msg.Result
		if r.Err != nil {
			m.setStatus(r.Display+" failed: "+r.Err.Error(), true)
		} else {
			m.setStatus(r.Display+" = "+functions.FormatValues(r.Values), false)
		}
		m.inspector.Update(ui.SelectMsg{Selection: ui.Selection{Result: &r}})
		return m.functions.Update(msg)
	case ui.SelectMsg:
		return m.inspector.Update(msg)
	case ui.FilterMsg:
		m.trace.SetFilter(msg.Particle)
		m.calls.SetFilter(msg.Particle)
		return nil
	case ui.JumpMsg:
		m.Focus(EditorPane)
		return m.editor.Update(msg)
	case ui.StatusMsg:
		m.setStatus(msg.Text, msg.Err)
		return nil
	}
	// Everything else (debounce timers, saves, cursor blinks) belongs to
	// the editor or the form.
	return tea.Batch(m.editor.Update(msg), m.functions.Update(msg))
}

func (m *Model) setStatus(s string, isErr bool) { m.status, m.statusErr = s, isErr }

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	g := m.ctx.Keys.Global
	if key.Matches(msg, g.Quit) {
		if m.editor.Dirty() && !m.quitArmed {
			m.quitArmed = true
			m.setStatus("unsaved changes: ctrl+s saves, ctrl+c again quits", true)
			return nil
		}
		return tea.Quit
	}
	m.quitArmed = false
	if m.prompt != nil {
		return m.promptKey(msg)
	}
	if cmd, ok := m.debugKey(msg); ok {
		return cmd
	}
	if key.Matches(msg, m.ctx.Keys.Debug.Attach) {
		if m.opts.Attach == nil {
			m.setStatus("this workbench cannot attach to other nodes", true)
			return nil
		}
		return m.openPrompt(promptAttach, "attach to (multiaddr): ", "")
	}
	if m.focus == FunctionsPane && m.functions.Editing() {
		return m.functions.Update(msg)
	}
	for i, b := range g.Pane {
		if key.Matches(msg, b) {
			m.Focus(Pane(i))
			return nil
		}
	}
	switch {
	case key.Matches(msg, g.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return nil
	case key.Matches(msg, g.PrevPane):
		m.Focus((m.focus + paneCount - 1) % paneCount)
		return nil
	case key.Matches(msg, g.NextPane) && m.focus != EditorPane:
		m.Focus((m.focus + 1) % paneCount)
		return nil
	case key.Matches(msg, g.Run):
		m.Focus(FunctionsPane)
		return m.functions.OpenForm()
	case key.Matches(msg, g.Save):
		return m.editor.Save()
	case key.Matches(msg, g.NextErr):
		if m.editor.NextError() {
			m.Focus(EditorPane)
		} else {
			m.setStatus("no errors", false)
		}
		return nil
	case m.focus == EditorPane && key.Matches(msg, m.ctx.Keys.Editor.Leave):
		m.Focus(FunctionsPane)
		return nil
	case m.focus != EditorPane && msg.String() == "q":
		return tea.Quit
	}
	cmd := m.pane(m.focus).Update(msg)
	if m.focus == FunctionsPane {
		if fn, ok := m.functions.Selected(); ok {
			m.air.SetFunction(fn)
		}
	}
	return cmd
}

// syncBuild hands the active file's latest build to the panes that show
// it. Functions keep the last successful build while the file has errors,
// so a typo does not empty the list.
func (m *Model) syncBuild() {
	path, b, version := m.editor.Active()
	id := fmt.Sprintf("%s@%d", path, version)
	if id == m.lastBuild {
		return
	}
	m.lastBuild = id
	m.problems.SetDiagnostics(path, m.editor.Diagnostics())
	if !b.Diagnostics.HasErrors() && version >= 0 {
		m.builtFuncs = b.Functions
		m.functions.SetFunctions(b.Functions)
		if fn, ok := m.functions.Selected(); ok {
			m.air.SetFunction(fn)
		}
	}
}

func (m *Model) setPeers(msg ui.PeersMsg) {
	if msg.Err != nil {
		m.setStatus("peers: "+msg.Err.Error(), true)
		return
	}
	names := map[peer.ID]string{}
	lanes := make([]peer.ID, 0, len(msg.Peers))
	data := map[string]json.RawMessage{}
	var nodes []peer.ID
	for _, p := range msg.Peers {
		names[p.ID] = p.Name
		lanes = append(lanes, p.ID)
		id, _ := json.Marshal(p.ID)
		data[p.Name] = id
		if p.Role == session.Relay {
			data["relay"] = id
		}
		// nodes offers the nodes that can answer: a killed node would
		// only make the particle time out.
		if (p.Role == session.Relay || p.Role == session.Node) && p.Up {
			nodes = append(nodes, p.ID)
		}
	}
	data["nodes"], _ = json.Marshal(nodes)
	m.ctx.Names, m.ctx.Lanes, m.nodes = names, lanes, len(nodes)
	m.functions.SetData(data)
}

func (m *Model) act(a peers.ActionMsg) tea.Cmd {
	c, ctx := m.opts.Controller, m.run
	if c == nil {
		return nil
	}
	name := m.ctx.Name(a.Peer)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		switch a.Action {
		case peers.Add:
			id, err := c.AddNode(ctx)
			return actionDoneMsg{what: "added node " + id.ShortString(), err: err}
		case peers.Kill:
			return actionDoneMsg{what: "killed " + name, err: c.StopNode(ctx, a.Peer)}
		default:
			return actionDoneMsg{what: "restarted " + name, err: c.RestartNode(ctx, a.Peer)}
		}
	}
}

func (m *Model) startRun(req ui.RunRequest) tea.Cmd {
	m.runs++
	m.running++
	id, pid := m.runs, session.NewParticleID()
	s, ctx := m.opts.Session, m.run
	started := ui.RunStartedMsg{ID: id, Display: req.Display, ParticleID: pid}
	m.setStatus("running "+req.Display+"…", false)
	return tea.Batch(
		func() tea.Msg { return started },
		func() tea.Msg {
			t := time.Now()
			res, err := s.Run(ctx, session.Call{Script: req.Function.AIR, Args: req.Args, ParticleID: pid})
			r := ui.RunResult{ID: id, Display: req.Display, ParticleID: pid, Err: err, Took: time.Since(t)}
			if res != nil {
				r.Values = res.Values
			}
			return ui.RunDoneMsg{Result: r}
		},
	)
}

// ShortHelp merges the focused pane's keys with the global ones.
func (m *Model) ShortHelp() []key.Binding {
	g := m.ctx.Keys.Global
	out := append(m.pane(m.focus).ShortHelp(), g.Run)
	if m.debug.dbg != nil {
		d := m.ctx.Keys.Debug
		out = append(out, d.Pause, d.Step)
	}
	return append(out, g.PrevPane, g.Help, g.Quit)
}

// FullHelp lists every key of the focused pane and the workbench.
func (m *Model) FullHelp() [][]key.Binding {
	g, d := m.ctx.Keys.Global, m.ctx.Keys.Debug
	return append(m.pane(m.focus).FullHelp(),
		[]key.Binding{g.Run, g.Save, g.NextErr, g.Help, g.Quit},
		[]key.Binding{d.Pause, d.Step, d.StepOver, d.Back, d.Forward, d.Break},
		[]key.Binding{d.SaveRec, d.Attach, g.NextPane, g.PrevPane},
		[]key.Binding{g.Pane[0], g.Pane[4], g.Pane[7]})
}

var _ help.KeyMap = (*Model)(nil)

func (m *Model) visible(p Pane) bool {
	switch p {
	case FunctionsPane, AIRPane, PeersPane:
		return p == m.topRight
	case TracePane, CallsPane, ProblemsPane:
		return p == m.botLeft
	}
	return true
}

func (m *Model) helpHeight() int {
	if m.help.ShowAll {
		return 6
	}
	return 1
}

// layout computes the panes' rectangles and sizes them.
func (m *Model) layout() {
	m.help.SetWidth(m.w)
	body := max(m.h-1-m.helpHeight(), 6)
	top := body * 55 / 100
	bottom := body - top
	left := m.w * 55 / 100
	botLeft := m.w * 62 / 100
	r := rect{0, 1, left, top}
	m.rects[EditorPane] = r
	for _, p := range []Pane{FunctionsPane, AIRPane, PeersPane} {
		m.rects[p] = rect{left, 1, m.w - left, top}
	}
	for _, p := range []Pane{TracePane, CallsPane, ProblemsPane} {
		m.rects[p] = rect{0, 1 + top, botLeft, bottom}
	}
	m.rects[InspectorPane] = rect{botLeft, 1 + top, m.w - botLeft, bottom}
	for p := range paneCount {
		r := m.rects[p]
		m.pane(p).SetSize(max(r.w-2, 1), max(r.h-2, 1))
	}
}

// View draws the header, the four areas and the help bar.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "aquarium"
	if m.w == 0 {
		v.SetContent("starting…")
		return v
	}
	v.SetContent(m.Render())
	return v
}

// Render draws the whole screen as text, exactly the window's size.
func (m *Model) Render() string {
	st := m.ctx.Styles
	header := st.Header.Render(" aquarium ") + st.Muted.Render(fmt.Sprintf("%s · %d nodes up", m.title(), m.nodes))
	if m.running > 0 {
		header += st.Warning.Render(fmt.Sprintf(" · %d running", m.running))
	}
	header += m.debugHeader()
	if m.status != "" {
		s := st.Status
		if m.statusErr {
			s = st.Error
		}
		header += "  " + s.Render(m.status)
	}
	if m.prompt != nil {
		header = m.promptView()
	}
	lines := []string{ui.Fit(header, m.w)}
	grid := make([]string, 0, m.h)
	top := m.joinRow(m.frame(EditorPane, nil), m.frame(m.topRight, []Pane{FunctionsPane, AIRPane, PeersPane}))
	bottom := m.joinRow(m.frame(m.botLeft, []Pane{TracePane, CallsPane, ProblemsPane}), m.frame(InspectorPane, nil))
	grid = append(grid, top...)
	grid = append(grid, bottom...)
	lines = append(lines, grid...)
	helpView := m.help.View(m)
	lines = append(lines, strings.Split(helpView, "\n")...)
	return ui.Block(lines, m.w, m.h)
}

func (m *Model) title() string {
	if m.opts.Title != "" {
		return m.opts.Title
	}
	return "network"
}

func (m *Model) joinRow(a, b []string) []string {
	out := make([]string, len(a))
	for i := range a {
		out[i] = a[i]
		if i < len(b) {
			out[i] += b[i]
		}
	}
	return out
}

// frame draws pane p in a rounded border with its title, or the titles of
// the tabs sharing its area.
func (m *Model) frame(p Pane, tabs []Pane) []string {
	st := m.ctx.Styles
	r := m.rects[p]
	focused := m.focus == p
	border := st.Subtle
	if focused {
		border = st.AccentText
	}
	if len(tabs) == 0 {
		tabs = []Pane{p}
	}
	var title strings.Builder
	for i, t := range tabs {
		if i > 0 {
			title.WriteString(st.Subtle.Render("│"))
		}
		label := fmt.Sprintf(" %d %s ", int(t)+1, t)
		if t == ProblemsPane && m.problems.Len() > 0 {
			label = fmt.Sprintf(" %d %s (%d) ", int(t)+1, t, m.problems.Len())
		}
		switch {
		case t == p && focused:
			title.WriteString(st.TitleFocused.Render(label))
		case t == p:
			title.WriteString(st.Text.Render(label))
		default:
			title.WriteString(st.Title.Render(label))
		}
	}
	inner := max(r.w-2, 1)
	head := ui.Fit(border.Render("╭─")+title.String(), r.w-1)
	head = strings.TrimRight(head, " ")
	if pad := r.w - 1 - widthOf(head); pad > 0 {
		head += border.Render(strings.Repeat("─", pad))
	}
	head += border.Render("╮")
	lines := []string{head}
	body := strings.Split(m.pane(p).View(), "\n")
	side := border.Render("│")
	for i := range max(r.h-2, 0) {
		line := ""
		if i < len(body) {
			line = body[i]
		}
		lines = append(lines, side+ui.Fit(line, inner)+side)
	}
	lines = append(lines, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return lines
}
