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
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/airview"
	"github.com/aquarium-p2p/aquarium/tui/calls"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/functions"
	"github.com/aquarium-p2p/aquarium/tui/inspector"
	"github.com/aquarium-p2p/aquarium/tui/keys"
	"github.com/aquarium-p2p/aquarium/tui/msglog"
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
	// Self is the peer the workbench attaches to remote nodes as; the
	// workbench shows it, since a node must allow it to attach.
	Self peer.ID
	// ReadOnly is set for a session that runs nothing and is always
	// paused, such as a replay: the workbench offers neither run nor
	// pause.
	ReadOnly bool
	// TTL bounds the life of the particles the workbench starts; default
	// the session's (15 s). On a local network their time stands still
	// while the network is paused.
	TTL time.Duration
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
	log    *msglog.Model
	// showLog puts the message log in place of the panes; zoom gives
	// the focused pane the whole screen.
	showLog, zoom bool
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

// actionDoneMsg is a finished change to the network: what was done, or
// what failed and why.
type actionDoneMsg struct {
	what   string // "deployed kv on node1"
	failed string // "deploy kv on node1"
	err    error
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
	c := &ui.Context{Styles: theme.New(theme.Dark()), Keys: keys.Default(), Names: map[peer.ID]string{}, Self: opts.Self}
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
		peers:     peers.New(c, opts.Controller != nil, interpreterSetter(opts) != nil),
		trace:     timeline.New(c, st),
		calls:     calls.New(c, st),
		problems:  problems.New(c),
		inspector: inspector.New(c),
		log:       msglog.New(c),
		topRight:  FunctionsPane,
		botLeft:   TracePane,
		help:      help.New(),
	}
	m.setStatus(opts.Status, false)
	if opts.Self != "" {
		m.log.Add(m.now(), fmt.Sprintf("this workbench attaches to nodes (ctrl+o) as %s: a node lets it in when started with --allow-inspect %s", opts.Self, opts.Self), false)
	}
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
	m.peers = peers.New(m.ctx, m.opts.Controller != nil, interpreterSetter(m.opts) != nil)
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
	if m.zoom && m.w > 0 {
		m.layout()
	}
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
		if m.showLog {
			return nil
		}
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
		if m.showLog {
			return m.log.Update(k)
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
			m.setStatus("could not "+msg.failed+": "+msg.err.Error(), true)
		} else {
			m.setStatus(msg.what, false)
		}
		return m.fetchPeers()
	case ui.BuildMsg:
		return m.editor.Update(msg)
	case ui.RunRequest:
		if m.opts.ReadOnly {
			m.setStatus(m.readOnlyNote(), true)
			return nil
		}
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
			// The trace names the particle: its reason need not.
			reason := r.Err.Error()
			if fe := (*session.Error)(nil); errors.As(r.Err, &fe) {
				reason = fe.Message
			}
			m.store.Fail(r.ParticleID, reason)
			m.trace.Invalidate()
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

// setStatus puts s on the status line and in the message log.
func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
	m.log.Add(m.now(), s, isErr)
}

// typing reports whether keys go to a text field: the editor, a prompt,
// the run form. There q is a letter, not quit.
func (m *Model) typing() bool {
	return m.prompt != nil || m.focus == EditorPane && !m.showLog ||
		m.focus == FunctionsPane && m.functions.Editing()
}

// quit ends the workbench, unless a file has unsaved changes: then it
// warns, and quits on the next quit key.
func (m *Model) quit() tea.Cmd {
	if m.editor.Dirty() && !m.quitArmed {
		m.quitArmed = true
		m.setStatus("unsaved changes: ctrl+s saves, ctrl+c again quits", true)
		return nil
	}
	return tea.Quit
}

// readOnlyNote says why a read-only session neither runs nor pauses.
func (m *Model) readOnlyNote() string {
	return m.title() + " runs nothing and is always paused: ctrl+n steps, ctrl+← and ctrl+→ move through a particle's hops"
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	g := m.ctx.Keys.Global
	// With text selected in the editor, ctrl+c copies it.
	if m.focus == EditorPane && !m.showLog && m.prompt == nil && key.Matches(msg, m.ctx.Keys.Editor.Copy) && m.editor.Selection() != "" {
		m.quitArmed = false
		return m.editor.Update(msg)
	}
	if key.Matches(msg, g.Quit) || !m.typing() && key.Matches(msg, g.QuitKey) {
		return m.quit()
	}
	m.quitArmed = false
	if m.prompt != nil {
		return m.promptKey(msg)
	}
	if m.opts.ReadOnly && key.Matches(msg, g.Run, m.ctx.Keys.Debug.Pause) {
		m.setStatus(m.readOnlyNote(), true)
		return nil
	}
	if cmd, ok := m.debugKey(msg); ok {
		return cmd
	}
	if key.Matches(msg, m.ctx.Keys.Debug.Attach) {
		if m.opts.Attach == nil {
			m.setStatus("this workbench cannot attach to other nodes", true)
			return nil
		}
		label := "attach to (multiaddr): "
		if m.opts.Self != "" {
			label = "attach as " + m.opts.Self.ShortString() + " to (multiaddr): "
		}
		return m.openPrompt(promptAttach, label, "")
	}
	switch {
	case key.Matches(msg, g.Messages):
		m.showLog = !m.showLog
		m.layout()
		if m.showLog {
			m.log.Show()
		}
		return nil
	case m.showLog && msg.String() == "esc":
		m.showLog = false
		m.layout()
		return nil
	case m.showLog:
		return m.log.Update(msg)
	case key.Matches(msg, g.Zoom):
		m.zoom = !m.zoom
		m.layout()
		return nil
	}
	if m.focus == FunctionsPane && m.functions.Editing() {
		return m.functions.Update(msg)
	}
	if m.focus == EditorPane && m.editor.Prompting() {
		return m.editor.Update(msg)
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
		if m.focus == EditorPane {
			if cmd, ok := m.runAtCursor(); ok {
				return cmd
			}
		}
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
		if p.Role == session.RoleRelay {
			data["relay"] = id
		}
		// nodes offers the nodes that can answer: a killed node would
		// only make the particle time out.
		if (p.Role == session.RoleRelay || p.Role == session.RoleNode) && p.Up {
			nodes = append(nodes, p.ID)
		}
	}
	data["nodes"], _ = json.Marshal(nodes)
	m.ctx.Names, m.ctx.Lanes, m.nodes = names, lanes, len(nodes)
	m.functions.SetData(data)
}

// interpreterSetter returns what switches the interpreter of the
// session's nodes: its controller, if it can; nil otherwise.
func interpreterSetter(opts Options) session.InterpreterSetter {
	s, _ := opts.Controller.(session.InterpreterSetter)
	return s
}

func (m *Model) act(a peers.ActionMsg) tea.Cmd {
	c, ctx := m.opts.Controller, m.run
	if c == nil {
		return nil
	}
	name := m.ctx.Name(a.Peer)
	if a.Action == peers.Interpret {
		s := interpreterSetter(m.opts)
		if s == nil {
			return nil
		}
		// avm.wasm compiles on first use: that takes a few seconds.
		m.setStatus("switching "+name+" to "+a.Interpreter+"…", false)
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			err := s.SetInterpreter(ctx, a.Peer, a.Interpreter)
			return actionDoneMsg{what: name + " runs " + a.Interpreter, failed: "switch " + name + " to " + a.Interpreter, err: err}
		}
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		switch a.Action {
		case peers.Add:
			id, err := c.AddNode(ctx)
			return actionDoneMsg{what: "added node " + id.ShortString(), failed: "add a node", err: err}
		case peers.Kill:
			return actionDoneMsg{what: "killed " + name, failed: "kill " + name, err: c.StopNode(ctx, a.Peer)}
		default:
			return actionDoneMsg{what: "restarted " + name, failed: "restart " + name, err: c.RestartNode(ctx, a.Peer)}
		}
	}
}

func (m *Model) startRun(req ui.RunRequest) tea.Cmd {
	m.runs++
	m.running++
	id, pid := m.runs, session.NewParticleID()
	s, ctx, ttl := m.opts.Session, m.run, m.opts.TTL
	started := ui.RunStartedMsg{ID: id, Display: req.Display, ParticleID: pid}
	m.setStatus("running "+req.Display+"…", false)
	return tea.Batch(
		func() tea.Msg { return started },
		func() tea.Msg {
			t := time.Now()
			res, err := s.Run(ctx, session.Call{Script: req.Function.AIR, Args: req.Args, Results: req.Function.Results, ParticleID: pid, TTL: ttl})
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
	if m.showLog {
		return append(m.log.ShortHelp(), g.Messages, g.Quit)
	}
	// The bar is cut at the window's edge: help and quit come before
	// the keys a narrow window can do without.
	out := m.pane(m.focus).ShortHelp()
	if !m.opts.ReadOnly {
		out = append(out, g.Run)
	}
	quit := g.Quit
	if !m.typing() {
		quit = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	}
	out = append(out, g.Help, quit)
	if m.debug.dbg != nil {
		d := m.ctx.Keys.Debug
		if !m.opts.ReadOnly {
			out = append(out, d.Pause)
		}
		out = append(out, d.Step)
	}
	return dedupe(append(out, g.PrevPane))
}

// FullHelp lists every key of the focused pane and the workbench, each
// once.
func (m *Model) FullHelp() [][]key.Binding {
	g, d := m.ctx.Keys.Global, m.ctx.Keys.Debug
	if m.showLog {
		return [][]key.Binding{m.log.ShortHelp(), {g.Messages, g.Quit}}
	}
	quit := g.Quit
	if !m.typing() {
		quit = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q/ctrl+c", "quit"))
	}
	run := []key.Binding{g.Run, g.Save, g.NextErr, g.Help, quit}
	steps := []key.Binding{d.Pause, d.Step, d.StepOver, d.Back, d.Forward, d.Break}
	if m.opts.ReadOnly {
		run = slices.Delete(run, 0, 1)
		steps = slices.Delete(steps, 0, 1)
	}
	panes := []key.Binding{
		key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab/shift+tab", "next/prev pane")),
		key.NewBinding(key.WithKeys("alt+1"), key.WithHelp("alt+1-8", "go to pane")),
	}
	groups := append(m.pane(m.focus).FullHelp(), run, steps,
		append([]key.Binding{d.SaveRec, d.Attach, g.Messages, g.Zoom}, panes...))
	seen := map[key.Help]bool{}
	out := groups[:0]
	for _, grp := range groups {
		var kept []key.Binding
		for _, b := range grp {
			if h := b.Help(); b.Enabled() && !seen[h] {
				seen[h] = true
				kept = append(kept, b)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

// dedupe drops the bindings whose help repeats an earlier one.
func dedupe(bs []key.Binding) []key.Binding {
	seen := map[key.Help]bool{}
	out := bs[:0]
	for _, b := range bs {
		if h := b.Help(); !seen[h] {
			seen[h] = true
			out = append(out, b)
		}
	}
	return out
}

var _ help.KeyMap = (*Model)(nil)

func (m *Model) visible(p Pane) bool {
	if m.showLog {
		return false
	}
	if m.zoom {
		return p == m.focus
	}
	switch p {
	case FunctionsPane, AIRPane, PeersPane:
		return p == m.topRight
	case TracePane, CallsPane, ProblemsPane:
		return p == m.botLeft
	}
	return true
}

// helpView draws the help: one line of the focused pane's keys, or with
// f1 every key, in columns that wrap to rows so none is cut at the
// screen's edge.
func (m *Model) helpView() string {
	if !m.help.ShowAll {
		return m.help.View(m)
	}
	var rows []string
	var row [][]key.Binding
	width := 0
	sep := ansi.StringWidth(m.help.FullSeparator)
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, m.help.FullHelpView(row))
		}
		row, width = nil, 0
	}
	for _, grp := range m.FullHelp() {
		w := 0
		for l := range strings.SplitSeq(m.help.FullHelpView([][]key.Binding{grp}), "\n") {
			w = max(w, ansi.StringWidth(l))
		}
		if len(row) > 0 && width+sep+w > m.w {
			flush()
		}
		if len(row) > 0 {
			width += sep
		}
		row = append(row, grp)
		width += w
	}
	flush()
	return strings.Join(rows, "\n")
}

func (m *Model) helpHeight() int { return strings.Count(m.helpView(), "\n") + 1 }

// layout computes the panes' rectangles and sizes them. A zoomed pane,
// or the message log, takes the whole body.
func (m *Model) layout() {
	// Full help lays its columns out to the window's width itself.
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
	if m.zoom {
		for _, p := range m.area(m.focus) {
			m.rects[p] = rect{0, 1, m.w, body}
		}
	}
	for p := range paneCount {
		r := m.rects[p]
		m.pane(p).SetSize(max(r.w-2, 1), max(r.h-2, 1))
	}
	m.log.SetSize(max(m.w-2, 1), max(body-2, 1))
}

// area returns the panes that share p's place on the screen.
func (m *Model) area(p Pane) []Pane {
	switch p {
	case FunctionsPane, AIRPane, PeersPane:
		return []Pane{FunctionsPane, AIRPane, PeersPane}
	case TracePane, CallsPane, ProblemsPane:
		return []Pane{TracePane, CallsPane, ProblemsPane}
	}
	return []Pane{p}
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
	switch {
	case m.showLog:
		lines = append(lines, m.logFrame()...)
	case m.zoom:
		var tabs []Pane
		if area := m.area(m.focus); len(area) > 1 {
			tabs = area
		}
		lines = append(lines, m.frame(m.focus, tabs)...)
	default:
		top := m.joinRow(m.frame(EditorPane, nil), m.frame(m.topRight, []Pane{FunctionsPane, AIRPane, PeersPane}))
		bottom := m.joinRow(m.frame(m.botLeft, []Pane{TracePane, CallsPane, ProblemsPane}), m.frame(InspectorPane, nil))
		lines = append(lines, top...)
		lines = append(lines, bottom...)
	}
	lines = append(lines, strings.Split(m.helpView(), "\n")...)
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
	if m.zoom {
		title.WriteString(st.Muted.Render(" zoomed: alt+z back "))
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

// logFrame draws the message log in a border over the whole body.
func (m *Model) logFrame() []string {
	st := m.ctx.Styles
	body := max(m.h-1-m.helpHeight(), 6)
	title := st.TitleFocused.Render(fmt.Sprintf(" Messages (%d) ", m.log.Len()))
	head := ui.Fit(st.AccentText.Render("╭─")+title, m.w-1)
	head = strings.TrimRight(head, " ")
	if pad := m.w - 1 - widthOf(head); pad > 0 {
		head += st.AccentText.Render(strings.Repeat("─", pad))
	}
	lines := []string{head + st.AccentText.Render("╮")}
	side := st.AccentText.Render("│")
	for _, l := range strings.Split(m.log.View(), "\n") {
		lines = append(lines, side+ui.Fit(l, max(m.w-2, 1))+side)
	}
	lines = lines[:min(len(lines), body-1)]
	return append(lines, st.AccentText.Render("╰"+strings.Repeat("─", max(m.w-2, 0))+"╯"))
}
