package tui

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// interpController is a local network whose nodes can switch their
// interpreter: it records each switch and shows it in the session's
// peer list, as the local network does.
type interpController struct {
	fakeController
	s        *fakeSession
	mu       sync.Mutex
	switched []string
}

func (c *interpController) SetInterpreter(_ context.Context, id peer.ID, name string) error {
	c.mu.Lock()
	c.switched = append(c.switched, string(id)+" "+name)
	c.mu.Unlock()
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for i := range c.s.peers {
		if c.s.peers[i].ID == id {
			c.s.peers[i].Interpreter = name
		}
	}
	return nil
}

func (c *interpController) Switched() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.switched...)
}

var _ session.InterpreterSetter = (*interpController)(nil)

// connectAddr is node i's js-client address in the fake network.
func connectAddr(i int) string {
	return "/ip4/127.0.0.1/tcp/" + string(rune('0'+i)) + "4001/ws/p2p/" + string(fakeID(i))
}

// interpSession is a fake network of three nodes on the native
// interpreter, each with a js-client address.
func interpSession() *fakeSession {
	s := newFakeSession(3)
	for i := range s.peers {
		s.peers[i].Interpreter = "native"
		if s.peers[i].Role != session.RoleClient {
			s.peers[i].Connect = connectAddr(i)
		}
	}
	return s
}

// TestPeersShowInterpreterAndAddress draws the Peers pane of a network
// where node1 runs avm.wasm, with node1 selected: every peer's
// interpreter, and node1's js-client address.
func TestPeersShowInterpreterAndAddress(t *testing.T) {
	s := interpSession()
	s.peers[1].Interpreter = "avm.wasm"
	m := New(t.Context(), Options{Session: s, Controller: &interpController{s: s}, Compile: compile, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	press(m, "alt+4", "down")
	view := ansi.Strip(m.peers.View())
	for _, want := range []string{"avm.wasm", "native", "js-client: " + connectAddr(1)} {
		if !strings.Contains(view, want) {
			t.Errorf("the peers pane does not show %q:\n%s", want, view)
		}
	}
	for _, want := range []string{"native/avm.wasm", "copy js-client address"} {
		if !strings.Contains(helpLine(m), want) {
			t.Errorf("the help does not offer %q: %s", want, helpLine(m))
		}
	}
	golden.RequireEqual(t, view)
}

// TestPeersToggleInterpreter presses i on node1 twice: it runs avm.wasm,
// the pane and the status say so, and then native again.
func TestPeersToggleInterpreter(t *testing.T) {
	s := interpSession()
	ctl := &interpController{s: s}
	m := New(t.Context(), Options{Session: s, Controller: ctl, Compile: compile, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	press(m, "alt+4", "down")
	for _, want := range []string{"avm.wasm", "native"} {
		_, cmd := m.Update(keyMsg("i"))
		// The key asks for the switch, the switch is made, and the
		// fresh peer list shows it.
		for range 3 {
			if cmd == nil {
				t.Fatalf("switching node1 to %s stopped short", want)
			}
			msg := cmd()
			_, cmd = m.Update(msg)
		}
		if m.status != "node1 runs "+want {
			t.Errorf("status %q, want %q", m.status, "node1 runs "+want)
		}
		if sel, _ := m.peers.Selected(); sel.Interpreter != want {
			t.Errorf("the pane shows node1 on %q, want %q", sel.Interpreter, want)
		}
		row := ""
		for _, l := range strings.Split(ansi.Strip(m.peers.View()), "\n") {
			if strings.HasPrefix(l, "node1  ") {
				row = l
			}
		}
		if !strings.Contains(row, " "+want+" ") {
			t.Errorf("node1's row does not name %s: %q", want, row)
		}
	}
	want := []string{string(fakeID(1)) + " avm.wasm", string(fakeID(1)) + " native"}
	if got := ctl.Switched(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("switched %q, want %q", got, want)
	}
}

// TestPeersInterpreterNeedsALocalNetwork: a session whose nodes cannot
// switch (a remote node) neither offers the key nor acts on it.
func TestPeersInterpreterNeedsALocalNetwork(t *testing.T) {
	s := interpSession()
	m := New(t.Context(), Options{Session: s, Controller: &fakeController{}, Compile: compile, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	press(m, "alt+4", "down")
	if strings.Contains(helpLine(m), "native/avm.wasm") {
		t.Errorf("the help offers to switch interpreters: %s", helpLine(m))
	}
	if _, cmd := m.Update(keyMsg("i")); cmd != nil {
		t.Errorf("i did something on a network that cannot switch interpreters: %T", cmd())
	}
}

// TestJSClientAddressCopiedToTheTerminal presses c on node2 and finds the
// OSC 52 sequence that puts its js-client address on the clipboard.
func TestJSClientAddressCopiedToTheTerminal(t *testing.T) {
	s := interpSession()
	m := New(t.Context(), Options{Session: s, Controller: &interpController{s: s}, Compile: compile,
		Files: []editor.File{readFile(t, "testdata/hello.aqua")}})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	term := newTerminal(t, tm)
	term.waitFor("node2")
	term.send("alt+4", "down", "down", "c")
	term.waitFor("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(connectAddr(2))) + "\a")
	// The client has no address to connect to: c says so.
	term.send("down", "c")
	term.waitFor("no address a js-client")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := term.finished()
	var copied bool
	for _, e := range final.log.Entries() {
		copied = copied || e.Text == "copied node2's js-client address "+connectAddr(2)
	}
	if !copied {
		t.Errorf("no message says the address was copied: %v", final.log.Entries())
	}
	if want := "client has no address a js-client app can connect to"; final.status != want || !final.statusErr {
		t.Errorf("status %q (error %v), want the error %q", final.status, final.statusErr, want)
	}
}

// TestTraceNamesTheInterpreter: each interpreted hop in the trace says
// which interpreter ran it.
func TestTraceNamesTheInterpreter(t *testing.T) {
	m, s := newTestModel(t, 140, 30, "testdata/hello.aqua")
	client, relay := peer.ID("12D3KooWclient"), fakeID(0)
	at := func(ms int) time.Time { return s.base.Add(time.Duration(ms) * time.Millisecond) }
	deliver(m, s,
		trace.Event{Kind: trace.Received, Particle: "p-mixed", Peer: client, From: client, Time: at(0)},
		trace.Event{Kind: trace.Interpreted, Particle: "p-mixed", Peer: client, Time: at(1), Interpreter: "native", Duration: 120 * time.Microsecond, DataSize: 196},
		trace.Event{Kind: trace.Sent, Particle: "p-mixed", Peer: client, To: relay, Time: at(2), DataSize: 928},
		trace.Event{Kind: trace.Received, Particle: "p-mixed", Peer: relay, From: client, Time: at(3)},
		trace.Event{Kind: trace.Interpreted, Particle: "p-mixed", Peer: relay, Time: at(9), Interpreter: "avm.wasm", Duration: 5 * time.Millisecond, DataSize: 1024},
		trace.Event{Kind: trace.Interpreted, Particle: "p-mixed", Peer: relay, Time: at(12), Interpreter: "avm.wasm", Duration: time.Millisecond,
			RetCode: 10000, Err: "no service"},
	)
	m.trace.SetFilter("p-mixed")
	view := ansi.Strip(m.trace.View())
	for _, want := range []string{"interpreted 120µs 196B by native", "interpreted 5.0ms 1.0kB by avm.wasm", "interpreted by avm.wasm 1.0ms: error"} {
		if !strings.Contains(view, want) {
			t.Errorf("the trace does not say %q:\n%s", want, view)
		}
	}
	golden.RequireEqual(t, view)
}

// TestRunsTakeTheWorkbenchTTL: Options.TTL (aquarium --ttl) is the TTL
// of every particle the workbench starts; without it the session's.
func TestRunsTakeTheWorkbenchTTL(t *testing.T) {
	for _, ttl := range []time.Duration{10 * time.Second, 0} {
		s := newFakeSession(2)
		m := New(t.Context(), Options{Session: s, Compile: compile, TTL: ttl})
		t.Cleanup(m.Close)
		_, cmd := m.Update(ui.RunRequest{Function: ui.Function{Name: "hello", AIR: "(null)"}, Display: "hello()"})
		runCmd(m, cmd)
		s.mu.Lock()
		got := slices.Clone(s.ttls)
		s.mu.Unlock()
		if len(got) != 1 || got[0] != ttl {
			t.Errorf("with TTL %v the session was asked for TTLs %v", ttl, got)
		}
	}
}
