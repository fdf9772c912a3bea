package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

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
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("node2")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(keyMsg("alt+4"))
	tm.Send(keyMsg("down"))
	tm.Send(keyMsg("down"))
	tm.Send(keyMsg("y"))
	osc52 := []byte("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(longID)) + "\a")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, osc52) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if want := "copied node2's peer id " + longID; final.status != want {
		t.Errorf("status %q, want %q", final.status, want)
	}
}
