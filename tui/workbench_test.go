package tui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// isQuit reports whether cmd quits the program.
func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// helpLine returns the last line of the screen, the help bar.
func helpLine(m *Model) string {
	lines := strings.Split(screen(m), "\n")
	return lines[len(lines)-1]
}

func TestQuitNeverLosesWork(t *testing.T) {
	for _, tt := range []struct {
		name  string
		keys  []string // before the quit key
		quit  string
		asks  bool // the first quit key only warns
		typed bool // the quit key was typed into the file instead
	}{
		{"q in the trace quits a saved workbench", []string{"alt+5"}, "q", false, false},
		{"q in the trace asks first with unsaved changes", []string{"x", "alt+5"}, "q", true, false},
		{"q in the functions pane asks first", []string{"x", "esc"}, "q", true, false},
		{"q in the inspector asks first", []string{"x", "alt+8"}, "q", true, false},
		{"ctrl+c asks first", []string{"x"}, "ctrl+c", true, false},
		{"q in the editor is a letter", nil, "q", false, true},
		{"q in the run form is a letter", []string{"ctrl+r"}, "q", false, false},
		{"undo back to the saved text quits at once", []string{"x", "ctrl+z", "alt+5"}, "q", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
			press(m, tt.keys...)
			_, cmd := m.Update(keyMsg(tt.quit))
			quit := isQuit(cmd)
			switch {
			case tt.typed:
				if quit || !strings.Contains(m.editor.Text(), "q") {
					t.Fatalf("q in the editor: quit %v, text %q", quit, m.editor.Text()[:20])
				}
				return
			case m.functions.Editing():
				if quit {
					t.Fatal("q in the run form quit")
				}
				return
			case tt.asks:
				if quit || !strings.Contains(screen(m), "unsaved changes: ctrl+s saves") {
					t.Fatalf("%s with unsaved changes: quit %v, status %q", tt.quit, quit, m.status)
				}
				_, cmd = m.Update(keyMsg(tt.quit))
				if !isQuit(cmd) {
					t.Fatalf("the second %s did not quit", tt.quit)
				}
			default:
				if !quit {
					t.Fatalf("%s did not quit (status %q)", tt.quit, m.status)
				}
			}
		})
	}
}

func TestUntouchedNewFileQuitsAtOnce(t *testing.T) {
	// The starter is not on disk: it is no work of the user's until
	// edited.
	s := newFakeSession(2)
	m := New(t.Context(), Options{Session: s, Compile: compile, Files: []editor.File{{Path: "starter.aqua", Text: "aqua A\n"}}})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if _, cmd := m.Update(keyMsg("ctrl+c")); !isQuit(cmd) {
		t.Fatalf("ctrl+c on an untouched starter did not quit: %q", m.status)
	}
	press(m, "x")
	if _, cmd := m.Update(keyMsg("ctrl+c")); isQuit(cmd) {
		t.Fatal("ctrl+c on an edited starter quit at once")
	}
}

func TestQuitKeyInHelp(t *testing.T) {
	m, _ := newTestModel(t, 140, 40, "testdata/hello.aqua")
	if h := helpLine(m); !strings.Contains(h, "ctrl+c quit") || strings.Contains(h, "q quit") {
		t.Errorf("in the editor the help says %q, want ctrl+c quit", h)
	}
	press(m, "alt+5")
	if h := helpLine(m); !strings.Contains(h, "• q quit") {
		t.Errorf("in the trace the help says %q, want q quit", h)
	}
	press(m, "f1")
	if !strings.Contains(screen(m), "q/ctrl+c quit") {
		t.Errorf("the full help does not offer q:\n%s", screen(m))
	}
}

func TestCopyInEditorDoesNotQuit(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	press(m, "shift+end")
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd == nil || isQuit(cmd) {
		t.Fatal("ctrl+c with a selection did not copy")
	}
	if m.editor.Clipboard() != "aqua Hello" {
		t.Errorf("copied %q", m.editor.Clipboard())
	}
	press(m, "ctrl+v", "ctrl+v")
	if _, cmd := m.Update(keyMsg("ctrl+c")); isQuit(cmd) {
		t.Fatal("ctrl+c after pasting quit without asking")
	}
	if !strings.HasPrefix(m.editor.Text(), "aqua Helloaqua Hello\n") {
		t.Errorf("paste: %q", m.editor.Text()[:30])
	}
}

// TestCopyReachesTheTerminal runs the workbench and finds the OSC 52
// sequence that sets the terminal's clipboard in what it writes.
func TestCopyReachesTheTerminal(t *testing.T) {
	s := newFakeSession(2)
	hello := readFile(t, "testdata/hello.aqua")
	m := New(t.Context(), Options{Session: s, Compile: compile, Files: []editor.File{hello}})
	t.Cleanup(m.Close)
	// The terminal's colour profile is left alone: an ASCII one would
	// strip every escape sequence, the clipboard's too.
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	term := newTerminal(t, tm)
	term.send("shift+end", "ctrl+c")
	term.waitFor("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("aqua Hello")) + "\a")
	// With the selection gone, ctrl+c quits: nothing was edited.
	term.send("right", "ctrl+c")
	term.finished()
}

func TestZoomPane(t *testing.T) {
	m, _ := newTestModel(t, 80, 24, "testdata/hello.aqua")
	before := strings.Count(screen(m), "│")
	press(m, "alt+z")
	out := screen(m)
	if strings.Contains(out, "Inspector") || strings.Contains(out, "Functions") {
		t.Fatalf("zoomed editor still shows other panes:\n%s", out)
	}
	// hello.aqua has 17 lines: all show, where unzoomed nine do.
	if !strings.Contains(out, "17  ") || strings.Count(out, "│") >= before {
		t.Errorf("zoomed editor does not show the whole file:\n%s", out)
	}
	// The zoom follows the focus, with the area's tabs.
	press(m, "alt+5")
	if out := screen(m); !strings.Contains(out, "5 Trace │ 6 Calls") || strings.Contains(out, "1 Editor") {
		t.Errorf("zoom does not follow the focus:\n%s", out)
	}
	press(m, "alt+z")
	if out := screen(m); !strings.Contains(out, "1 Editor") || !strings.Contains(out, "8 Inspector") || strings.Contains(out, "zoomed") {
		t.Errorf("alt+z again does not restore the panes:\n%s", out)
	}
	golden.RequireEqual(t, out)
	// f11 does the same.
	press(m, "f11")
	if out := screen(m); strings.Contains(out, "Inspector") || !strings.Contains(out, "zoomed: alt+z back") {
		t.Errorf("f11 does not zoom:\n%s", out)
	}
}

func TestF12OpensMessages(t *testing.T) {
	m, _ := newTestModel(t, 100, 30, "testdata/hello.aqua")
	press(m, "f12")
	if !strings.Contains(screen(m), "Messages (") {
		t.Fatalf("f12 did not open the message log:\n%s", screen(m))
	}
	press(m, "f12")
	if strings.Contains(screen(m), "Messages (") {
		t.Error("f12 again did not close it")
	}
}

// remoteAddr is a node's address; refused, what the node says to a
// peer it does not let inspect.
const (
	remoteAddr = "/ip4/10.0.0.7/tcp/7777/p2p/12D3KooWNodeNodeNodeNodeNodeNodeNodeNodeNodeNodeNode"
	refused    = "inspect: the node refused peer 12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf: it is not allowed to " +
		"inspect; start the node with --allow-inspect 12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf to let it in"
)

func TestMessageLogShowsLongMessagesInFull(t *testing.T) {
	attach := func(context.Context, string) (session.Session, error) {
		return nil, errors.New(refused)
	}
	m, _ := newTestModel(t, 80, 24, "testdata/hello.aqua")
	m.opts.Attach = attach
	m.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	do(t, m, keyMsg("ctrl+o"))
	m.prompt.input.SetValue(remoteAddr)
	do(t, m, keyMsg("enter"))
	if strings.Contains(screen(m), "--allow-inspect") {
		t.Fatal("the status line shows the whole refusal: this test needs a longer one")
	}
	press(m, "alt+m")
	out := screen(m)
	if !strings.Contains(out, "Messages (") {
		t.Fatalf("alt+m did not open the message log:\n%s", out)
	}
	// Words are wrapped whole: the log's text, joined, is the message.
	var text []string
	for _, l := range strings.Split(out, "\n")[2:] {
		l = strings.Trim(l, "│ ")
		if len(l) > 9 && l[2] == ':' && l[5] == ':' {
			l = l[len("15:04:05 ✗ "):]
		}
		text = append(text, strings.TrimSpace(l))
	}
	// Lines break at spaces and after slashes: every character is there,
	// in order.
	nospace := strings.NewReplacer(" ", "", "\n", "")
	joined := nospace.Replace(strings.Join(text, ""))
	if !strings.Contains(joined, nospace.Replace("attach "+remoteAddr+": "+refused)) {
		t.Errorf("the log does not hold the refusal in full:\n%s", out)
	}
	golden.RequireEqual(t, out)
	press(m, "esc")
	if strings.Contains(screen(m), "Messages (") {
		t.Error("esc did not close the message log")
	}
}

func TestMessageLogKeepsEveryStatus(t *testing.T) {
	m, s := newTestModel(t, 120, 40, "testdata/hello.aqua")
	runFake(t, m, s, "hello", `"a"`)
	press(m, "alt+5", "alt+z") // a zoom says nothing, a run does
	m.setStatus("one", false)
	m.setStatus("one", false)
	m.setStatus("two", true)
	var got []string
	for _, e := range m.log.Entries() {
		got = append(got, e.Text)
	}
	if want := []string{`hello("a") = "a"`, "one", "two"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("log %q, want %q", got, want)
	}
	press(m, "alt+m")
	if out := screen(m); !strings.Contains(out, "one (×2)") || !strings.Contains(out, "✗ two") {
		t.Errorf("the log does not show the repeats and errors:\n%s", out)
	}
}

func TestOwnPeerIDShown(t *testing.T) {
	self := "12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf"
	s := newFakeSession(2)
	m := New(t.Context(), Options{Session: s, Compile: compile, Self: "12D3KooWSelfSelfSelfSelfSelfSelfSelfSelfSelfSelfSelf",
		Attach: func(context.Context, string) (session.Session, error) { return nil, errors.New("no") }})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	press(m, "alt+4")
	if out := screen(m); !strings.Contains(out, "you attach as") || !strings.Contains(out, self) {
		t.Errorf("the peers pane does not name the workbench's own peer:\n%s", out)
	}
	do(t, m, keyMsg("ctrl+o"))
	if hdr := strings.SplitN(screen(m), "\n", 2)[0]; !strings.Contains(hdr, "attach as 12D3Ko") {
		t.Errorf("the attach prompt does not say who attaches: %q", hdr)
	}
	do(t, m, keyMsg("esc"))
	press(m, "alt+m")
	if out := ansi.Strip(m.log.View()); !strings.Contains(out, "--allow-inspect") || !strings.Contains(out, self) {
		t.Errorf("the message log does not say how to let the workbench in:\n%s", out)
	}
}

// TestFullHelpFits opens the full help at 80 and 120 columns, in the
// editor and the trace: every binding shows, none cut, none twice.
func TestFullHelpFits(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, pane := range []string{"alt+1", "alt+5"} {
			name := fmt.Sprintf("%dx%d/%s", size[0], size[1], pane)
			t.Run(name, func(t *testing.T) {
				m, _ := newTestModel(t, size[0], size[1], "testdata/hello.aqua")
				press(m, pane, "f1")
				lines := strings.Split(screen(m), "\n")
				help := strings.Join(lines[len(lines)-m.helpHeight():], "\n")
				if strings.Contains(help, "…") {
					t.Errorf("the help is cut:\n%s", help)
				}
				for _, col := range m.FullHelp() {
					for _, b := range col {
						h := b.Help()
						if !strings.Contains(help, h.Key) || !strings.Contains(help, h.Desc) {
							t.Errorf("the help lacks %s %s:\n%s", h.Key, h.Desc, help)
						}
					}
				}
				for _, k := range []string{"ctrl+s", "ctrl+e", "ctrl+r"} {
					if n := strings.Count(help, k+" "); n != 1 {
						t.Errorf("%s is in the help %d times:\n%s", k, n, help)
					}
				}
				if size[0] == 80 {
					golden.RequireEqual(t, screen(m))
				}
			})
		}
	}
}

func TestReplayOffersNeitherRunNorPause(t *testing.T) {
	m, _ := newReplayModel(t, 140, 40, Options{ReadOnly: true})
	full := func() string {
		press(m, "f1")
		lines := strings.Split(screen(m), "\n")
		return strings.Join(lines[len(lines)-m.helpHeight():], "\n")
	}
	for _, help := range []string{helpLine(m), full()} {
		if strings.Contains(help, "ctrl+r") || strings.Contains(help, "ctrl+p") {
			t.Errorf("a replay's help offers run or pause:\n%s", help)
		}
	}
	if !strings.Contains(screen(m), "ctrl+n step") {
		t.Error("a replay's help does not offer stepping")
	}
	for _, k := range []string{"ctrl+r", "ctrl+p"} {
		m.status = ""
		do(t, m, keyMsg(k))
		if !m.statusErr || !strings.Contains(m.status, "runs nothing") {
			t.Errorf("%s in a replay: status %q", k, m.status)
		}
		if m.functions.Editing() {
			t.Errorf("%s opened the run form", k)
		}
	}
	// Enter on a function in the list is no way round.
	press(m, "esc", "alt+2")
	do(t, m, keyMsg("enter"))
	if m.running != 0 {
		t.Error("enter in the functions pane started a run in a replay")
	}
}
