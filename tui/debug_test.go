package tui

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/debug/replay"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// newReplayModel returns a workbench over the replay of
// testdata/threepeers.rec, a particle from a client through two nodes
// and back in eight hops, with the debugger's state read.
func newReplayModel(t testing.TB, w, h int, opts Options) (*Model, *replay.Session) {
	t.Helper()
	s := replay.New(loadRecording(t, "testdata/threepeers.rec"))
	hello := readFile(t, "testdata/hello.aqua")
	opts.Session, opts.Debugger, opts.Compile, opts.Files = s, s, compile, []editor.File{hello}
	if opts.Title == "" {
		opts.Title = "replay"
	}
	m := New(t.Context(), opts)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	m.Update(ui.BuildMsg{Path: hello.Path, Version: 1, Build: compile(context.Background(), ui.Source{Path: hello.Path, Text: hello.Text})})
	m.Update(snapshot(s))
	return m, s
}

// loadRecording reads the recording file at path.
func loadRecording(t testing.TB, path string) *debug.Recording {
	t.Helper()
	rec, err := debug.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// do presses k and runs the command it returns, as the program would,
// feeding the message back.
func do(t testing.TB, m *Model, k tea.KeyPressMsg) {
	t.Helper()
	_, cmd := m.Update(k)
	if cmd == nil {
		return
	}
	if msg := cmd(); msg != nil {
		m.Update(msg)
	}
}

var (
	ctrlLeft  = tea.KeyPressMsg{Code: tea.KeyLeft, Mod: tea.ModCtrl}
	ctrlRight = tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModCtrl}
)

func TestStepThroughThreePeers(t *testing.T) {
	m, _ := newReplayModel(t, 140, 40, Options{})
	// Where each hop stopped, as aquarium replay --summary prints it.
	// The variables the inspector shows at each stop.
	want := []struct {
		peer, stop, vars string
	}{
		{"client", "call 2:2", "no variables"}, {"client", "send 4:3", `x = "x"  (getDataSrv.x on client)`},
		{"node0", "call 4:3", `x = "x"`}, {"node0", "send 6:4", `y = "x"  (op.identity on node0)`},
		{"node1", "call 6:4", `y = "x"`}, {"node1", "send 7:4", `z = "x"  (op.concat_strings on node1)`},
		{"client", "call 7:4", `z = "x"`}, {"client", "", ""},
	}
	data := make([]string, len(want))
	for i, w := range want {
		do(t, m, keyMsg("ctrl+n"))
		h := m.air.Hop()
		if h == nil || h.Seq != uint64(i+1) {
			t.Fatalf("step %d: AIR pane shows hop %v", i+1, h)
		}
		air := ansi.Strip(m.air.View())
		title := strings.SplitN(air, "\n", 2)[0]
		if !strings.Contains(title, " at "+w.peer) || !strings.Contains(title, w.stop) {
			t.Errorf("step %d: AIR title %q, want peer %s and stop %q", i+1, title, w.peer, w.stop)
		}
		if hdr := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(hdr, "hop "+string(rune('1'+i))+"/8 at "+w.peer) {
			t.Errorf("step %d: header %q", i+1, hdr)
		}
		m.inspector.SetSize(100, 60)
		data[i] = ansi.Strip(m.inspector.View())
		if !strings.Contains(data[i], "particle-1 at "+w.peer) {
			t.Errorf("step %d: inspector does not show the hop:\n%s", i+1, data[i])
		}
		if !strings.Contains(data[i], w.vars) {
			t.Errorf("step %d: inspector does not show %q:\n%s", i+1, w.vars, data[i])
		}
	}
	if !strings.Contains(data[len(data)-1], "complete") {
		t.Error("the last hop's data does not say the particle completed")
	}
	// Back through every hop: the same data at each.
	for i := len(want) - 2; i >= 0; i-- {
		do(t, m, ctrlLeft)
		if h := m.air.Hop(); h == nil || h.Seq != uint64(i+1) {
			t.Fatalf("back to %d: AIR pane shows hop %v", i+1, h)
		}
		if got := ansi.Strip(m.inspector.View()); got != data[i] {
			t.Errorf("back at hop %d the data differs:\n%s\nwas\n%s", i+1, got, data[i])
		}
	}
	do(t, m, ctrlLeft)
	if !strings.Contains(m.status, "no hop before") || !m.statusErr {
		t.Errorf("back from the first hop: status %q", m.status)
	}
	do(t, m, ctrlRight)
	if h := m.air.Hop(); h == nil || h.Seq != 2 {
		t.Errorf("forward from hop 1 shows %v", h)
	}
}

func TestStepOverKey(t *testing.T) {
	m, _ := newReplayModel(t, 140, 40, Options{})
	// From no stop, and from hop 2, which asked for no call, alt+n steps.
	do(t, m, keyMsg("alt+n"))
	if h := m.air.Hop(); h == nil || h.Seq != 1 {
		t.Fatalf("alt+n with no stop shows hop %v, want 1", h)
	}
	// Hop 1 asked the client for getDataSrv.x: over it is hop 2, which
	// takes the result.
	do(t, m, keyMsg("alt+n"))
	if h := m.air.Hop(); h == nil || h.Seq != 2 {
		t.Fatalf("alt+n over hop 1 shows hop %v, want 2", h)
	}
	if want := "stepped over the call of hop 1: hop 2 takes the results"; m.status != want {
		t.Errorf("status %q, want %q", m.status, want)
	}
	do(t, m, keyMsg("alt+n"))
	if h := m.air.Hop(); h == nil || h.Seq != 3 {
		t.Errorf("alt+n over hop 2 shows hop %v, want 3", h)
	}
	if m.status != "" {
		t.Errorf("after a plain step the status still says %q", m.status)
	}
	offered := false
	for _, col := range m.FullHelp() {
		for _, b := range col {
			offered = offered || b.Help().Key == "alt+n"
		}
	}
	if !offered {
		t.Error("the help does not offer alt+n")
	}
}

// TestInstructionBreakpointStaysInItsScript sets a breakpoint in the AIR
// of the recorded particle and finds it neither marked in another
// function's AIR nor stopping a particle of it.
func TestInstructionBreakpointStaysInItsScript(t *testing.T) {
	m, s := newReplayModel(t, 140, 40, Options{})
	do(t, m, keyMsg("ctrl+n"))
	// Line 4, where hop 1 did not stop.
	m.Focus(AIRPane)
	press(m, "g", "down", "down", "down")
	do(t, m, keyMsg("ctrl+t"))
	if !strings.Contains(ansi.Strip(m.air.View()), "● ") {
		t.Fatal("the AIR pane does not mark the breakpoint")
	}
	// The same line of hello's AIR is not marked.
	m.Focus(FunctionsPane)
	press(m, "down")
	if fn, _ := m.functions.Selected(); m.air.Script() != fn.AIR {
		t.Fatalf("the AIR pane shows %q, not the function's AIR", m.air.Script())
	}
	if strings.Contains(ansi.Strip(m.air.View()), "● ") {
		t.Errorf("hello's AIR shows a breakpoint set in another script:\n%s", ansi.Strip(m.air.View()))
	}
	// Hop 2 stopped on line 4; the same hop of another script at the same
	// place does not stop there.
	b := s.Breakpoints()[0]
	sends := s.Recording().Hops()[1]
	hop := *sends
	other := *hop.Particle
	other.Script += " "
	hop.Particle = &other
	if !b.Matches(sends) || b.Matches(&hop) {
		t.Error("the breakpoint does not tell its script from another")
	}
}

// TestStopRenamedWithPeers reads the debugger's stop before the peers'
// names arrive, as a replay opened at its first hop may: once they do,
// the AIR pane and the inspector name the hop's peer.
func TestStopRenamedWithPeers(t *testing.T) {
	s := replay.New(loadRecording(t, "testdata/threepeers.rec"))
	if _, err := s.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	m := New(t.Context(), Options{Session: s, Debugger: s, Compile: compile})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	m.Update(snapshot(s))
	title := func() string { return strings.SplitN(ansi.Strip(m.air.View()), "\n", 2)[0] }
	if strings.Contains(title(), "at client") {
		t.Fatal("the hop's peer is named before the names arrived")
	}
	ps, _ := s.Peers(t.Context())
	m.Update(ui.PeersMsg{Peers: ps})
	if !strings.Contains(title(), "at client") {
		t.Errorf("AIR title %q does not name the client", title())
	}
	if !strings.Contains(ansi.Strip(m.inspector.View()), "particle-1 at client") {
		t.Errorf("the inspector does not name the client:\n%s", ansi.Strip(m.inspector.View()))
	}
	// The same names again change nothing.
	m.Focus(AIRPane)
	press(m, "down")
	cur := m.air.Cursor()
	m.Update(ui.PeersMsg{Peers: ps})
	if m.air.Cursor() != cur {
		t.Error("a peer list with the same names showed the stop again")
	}
}

func TestAIRStopGolden(t *testing.T) {
	m, _ := newReplayModel(t, 140, 40, Options{})
	press(m, "alt+3")
	for range 3 {
		do(t, m, keyMsg("ctrl+n"))
	}
	m.air.SetSize(100, 12)
	view := m.air.View()
	// The stop is highlighted: the call node0 ran, exactly.
	call := `(call "12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq" ("op" "identity") [x] y)`
	if !strings.Contains(view, m.ctx.Styles.StopSpan.Render(call)) {
		t.Errorf("the stop is not highlighted:\n%q", view)
	}
	golden.RequireEqual(t, ansi.Strip(view))
}

func TestBreakpoints(t *testing.T) {
	m, s := newReplayModel(t, 140, 40, Options{})
	// An instruction breakpoint on the AIR pane's cursor line: step to a
	// hop so that the pane shows the script, then move to line 6.
	do(t, m, keyMsg("ctrl+n"))
	m.Focus(AIRPane)
	press(m, "g", "down", "down", "down", "down", "down")
	do(t, m, keyMsg("ctrl+t"))
	bs := s.Breakpoints()
	if len(bs) != 1 || bs[0].Kind != debug.OnInstruction {
		t.Fatalf("breakpoints %v, want one on an instruction", bs)
	}
	if line, _ := debug.Position(m.air.Script(), bs[0].Span.Start); line != 6 {
		t.Errorf("breakpoint on line %d, want 6", line)
	}
	if bs[0].Script != m.air.Script() {
		t.Error("the breakpoint does not name the script it was set in")
	}
	if !strings.Contains(ansi.Strip(m.air.View()), "● ") {
		t.Error("the AIR pane does not mark the breakpoint")
	}
	// Continue stops at the first hop that stopped on line 6: node0
	// sending to node1.
	do(t, m, keyMsg("ctrl+p"))
	if h := m.air.Hop(); h == nil || h.Seq != 4 {
		t.Fatalf("continue stopped at %v, want hop 4", h)
	}
	if !strings.Contains(m.status, "breakpoint") {
		t.Errorf("status %q does not say a breakpoint stopped it", m.status)
	}
	// Pressed again on the same line, it goes.
	do(t, m, keyMsg("ctrl+t"))
	if n := len(s.Breakpoints()); n != 0 {
		t.Errorf("%d breakpoints after toggling off", n)
	}

	// A peer breakpoint from the Peers pane: node1 is the second row.
	m.Focus(PeersPane)
	press(m, "down")
	do(t, m, keyMsg("ctrl+t"))
	if bs := s.Breakpoints(); len(bs) != 1 || bs[0].Kind != debug.OnPeer || m.ctx.Name(bs[0].Peer) != "node1" {
		t.Fatalf("breakpoints %v, want one on node1", bs)
	}
	do(t, m, keyMsg("ctrl+p"))
	if h := m.air.Hop(); h == nil || h.Seq != 5 {
		t.Errorf("continue to node1 stopped at %v, want hop 5", h)
	}

	// Elsewhere a prompt asks.
	m.Focus(TracePane)
	do(t, m, keyMsg("ctrl+t"))
	if m.prompt == nil {
		t.Fatal("ctrl+t in the trace opened no prompt")
	}
	for _, r := range "op.concat_strings" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	do(t, m, keyMsg("enter"))
	bs = s.Breakpoints()
	if len(bs) != 2 || bs[1] != (session.Breakpoint{Kind: debug.OnCall, Service: "op", Function: "concat_strings"}) {
		t.Errorf("breakpoints %v, want node1 and op.concat_strings", bs)
	}
	if hdr := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(hdr, "● 2") {
		t.Errorf("header %q does not count the breakpoints", hdr)
	}
	do(t, m, keyMsg("ctrl+t"))
	m.prompt.input.SetValue("clear")
	do(t, m, keyMsg("enter"))
	if n := len(s.Breakpoints()); n != 0 {
		t.Errorf("%d breakpoints after clear", n)
	}
}

func TestParseBreakpoint(t *testing.T) {
	for _, tt := range []struct {
		in    string
		want  session.Breakpoint
		clear bool
		err   bool
	}{
		{in: "error", want: session.Breakpoint{Kind: debug.OnError}},
		{in: " clear ", clear: true},
		{in: "op", want: session.Breakpoint{Kind: debug.OnCall, Service: "op"}},
		{in: "op.identity", want: session.Breakpoint{Kind: debug.OnCall, Service: "op", Function: "identity"}},
		{in: "", err: true},
		{in: ".identity", err: true},
		{in: "op.a.b", err: true},
		{in: "op identity", err: true},
	} {
		b, clear, err := parseBreakpoint(tt.in)
		if (err != nil) != tt.err || b != tt.want || clear != tt.clear {
			t.Errorf("parseBreakpoint(%q) = %v, %v, %v", tt.in, b, clear, err)
		}
	}
}

func FuzzParseBreakpoint(f *testing.F) {
	for _, s := range []string{"error", "clear", "op", "op.identity", "", ".x", "a.b.c", "srv fn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		b, clear, err := parseBreakpoint(spec)
		switch {
		case err != nil:
			if clear || b != (session.Breakpoint{}) {
				t.Errorf("%q: an error with a breakpoint %v", spec, b)
			}
		case clear:
		case b.Kind == debug.OnCall:
			if b.Service == "" || strings.ContainsAny(b.Service+b.Function, ". \t") {
				t.Errorf("%q: call breakpoint %q.%q", spec, b.Service, b.Function)
			}
		case b.Kind != debug.OnError:
			t.Errorf("%q: kind %v", spec, b.Kind)
		}
	})
}

func TestSaveRecording(t *testing.T) {
	m, s := newReplayModel(t, 120, 40, Options{})
	do(t, m, keyMsg("ctrl+w"))
	if m.prompt == nil {
		t.Fatal("ctrl+w opened no prompt")
	}
	if v := m.prompt.input.Value(); !strings.HasPrefix(v, "aquarium-") || !strings.HasSuffix(v, ".rec.json") {
		t.Errorf("default name %q", v)
	}
	path := filepath.Join(t.TempDir(), "run.rec.json")
	m.prompt.input.SetValue(path)
	do(t, m, keyMsg("enter"))
	if !strings.Contains(m.status, "saved 8 hops") {
		t.Errorf("status %q", m.status)
	}
	rec := loadRecording(t, path)
	if rec.Len() != s.Recording().Len() {
		t.Errorf("saved %d hops, want %d", rec.Len(), s.Recording().Len())
	}
	// The editor's files go with the hops, for a replay to show.
	var sources []string
	for _, src := range rec.Sources() {
		sources = append(sources, src.Path)
	}
	var open []string
	for _, f := range m.editor.Files() {
		open = append(open, f.Path)
	}
	if len(open) == 0 || !slices.Equal(sources, open) {
		t.Errorf("the recording keeps sources %q, want the editor's files %q", sources, open)
	}
	// A file that cannot be written is an error on the status line.
	do(t, m, keyMsg("ctrl+w"))
	m.prompt.input.SetValue(filepath.Join(t.TempDir(), "missing", "x.rec.json"))
	do(t, m, keyMsg("enter"))
	if !m.statusErr || !strings.Contains(m.status, "save recording") {
		t.Errorf("status %q, want an error", m.status)
	}
	// esc cancels.
	do(t, m, keyMsg("ctrl+w"))
	do(t, m, keyMsg("esc"))
	if m.prompt != nil {
		t.Error("esc left the prompt open")
	}
}

func TestReplayRunsNothing(t *testing.T) {
	m, _ := newReplayModel(t, 120, 40, Options{})
	// The trace arrives through the bridge as it would from a network.
	evs, _ := m.opts.Session.Events().Since(1, 100)
	m.Update(ui.EventsMsg{Events: evs, Next: evs[len(evs)-1].Seq + 1})
	if m.trace.Rows() == 0 {
		t.Error("the replay's events show no rows")
	}
}

func TestNoDebugger(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	for _, k := range []string{"ctrl+n", "alt+n", "ctrl+p", "ctrl+t", "ctrl+w"} {
		m.status = ""
		do(t, m, keyMsg(k))
		if !m.statusErr || !strings.Contains(m.status, "cannot be paused") {
			t.Errorf("%s without a debugger: status %q", k, m.status)
		}
	}
	if strings.Contains(ansi.Strip(m.Render()), "ctrl+n") {
		t.Error("the help bar offers stepping without a debugger")
	}
}

func TestAttachPrompt(t *testing.T) {
	remote := newFakeSession(2)
	var asked string
	attach := func(_ context.Context, addr string) (session.Session, error) {
		asked = addr
		if strings.Contains(addr, "refused") {
			return nil, errors.New("peer 12D3KooWme is not allowed to inspect")
		}
		return remote, nil
	}
	m, _ := newReplayModel(t, 120, 40, Options{Attach: attach})
	do(t, m, keyMsg("ctrl+o"))
	if m.prompt == nil {
		t.Fatal("ctrl+o opened no prompt")
	}
	m.prompt.input.SetValue("/ip4/127.0.0.1/tcp/1/p2p/refused")
	do(t, m, keyMsg("enter"))
	if !m.statusErr || !strings.Contains(m.status, "not allowed to inspect") {
		t.Errorf("a refused attach: status %q", m.status)
	}
	if m.opts.Session == remote {
		t.Fatal("a refused attach switched the session")
	}

	do(t, m, keyMsg("ctrl+o"))
	addr := "/ip4/127.0.0.1/tcp/7777/p2p/12D3KooWnode00"
	for _, r := range addr {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if !strings.Contains(screen(m), "attach to (multiaddr): "+addr[:20]) {
		t.Errorf("the header does not show the prompt:\n%s", strings.SplitN(screen(m), "\n", 2)[0])
	}
	do(t, m, keyMsg("enter"))
	if asked != addr {
		t.Errorf("attached to %q, want %q", asked, addr)
	}
	if m.opts.Session != remote || m.debug.dbg != nil || m.air.Hop() != nil {
		t.Fatal("the workbench did not switch to the remote session")
	}
	if hdr := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(hdr, "attached to "+addr[:10]) {
		t.Errorf("header %q", hdr)
	}
	// The remote session's trace and peers fill the panes.
	runFake(t, m, remote, "hello", `"a"`)
	if m.trace.Rows() == 0 || len(m.ctx.Names) != 3 {
		t.Errorf("after attaching: %d trace rows, %d peers named", m.trace.Rows(), len(m.ctx.Names))
	}
	do(t, m, keyMsg("ctrl+n"))
	if !strings.Contains(m.status, "cannot be paused") {
		t.Errorf("stepping a remote session: status %q", m.status)
	}
}
