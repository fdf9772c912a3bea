package tui

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// longID is a peer id as long as a real one.
const longID = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB"

func TestPeersShowTheSelectedIDInFull(t *testing.T) {
	for _, size := range []struct{ w, h int }{{140, 40}, {80, 24}} {
		m, s := newTestModel(t, size.w, size.h, "testdata/hello.aqua")
		ps, _ := s.Peers(context.Background())
		ps[1].ID = longID
		m.Update(ui.PeersMsg{Peers: ps})
		press(m, "alt+4", "down")
		pane := ansi.Strip(m.peers.View())
		// A narrow pane cuts the id into lines, whole.
		var joined strings.Builder
		for _, l := range strings.Split(pane, "\n") {
			joined.WriteString(strings.TrimSpace(l))
		}
		if !strings.Contains(joined.String(), longID) {
			t.Errorf("at %dx%d the peers pane does not show node1's id in full:\n%s", size.w, size.h, pane)
		}
		if !strings.Contains(pane, "node1 is") {
			t.Errorf("at %dx%d the full id is not named:\n%s", size.w, size.h, pane)
		}
		if !strings.Contains(helpLine(m), "copy id") {
			t.Errorf("at %dx%d the help does not offer to copy the id: %s", size.w, size.h, helpLine(m))
		}
	}
}

// TestPeerIDCopiedToTheTerminal presses y on a peer and finds the OSC 52
// sequence that puts its id on the terminal's clipboard.
func TestPeerIDCopiedToTheTerminal(t *testing.T) {
	s := newFakeSession(3)
	s.peers[2].ID = longID
	m := New(t.Context(), Options{Session: s, Compile: compile, Files: []editor.File{readFile(t, "testdata/hello.aqua")}})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	term := newTerminal(t, tm)
	term.waitFor("node2")
	term.send("alt+4", "down", "down", "y")
	term.waitFor("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(longID)) + "\a")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := term.finished()
	if want := "copied node2's peer id " + longID; final.status != want {
		t.Errorf("status %q, want %q", final.status, want)
	}
}
