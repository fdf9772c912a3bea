package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/tui"
)

// TestReplayWorkbench opens testdata/replay/threepeers.rec (a particle
// from a client through two nodes and back, eight hops) as aquarium
// replay does on a terminal, and finds the workbench showing the
// recording: standing at the first hop, the AIR the particle ran in the
// AIR pane with the hop's stop, the hops in the trace, the hop's data in
// the inspector, and in the editor a note on the recording, not the
// starter program.
func TestReplayWorkbench(t *testing.T) {
	const path = "testdata/replay/threepeers.rec"
	opts, err := replayOptions(t.Context(), path, loadRecording(t, path))
	if err != nil {
		t.Fatal(err)
	}
	m := tui.New(t.Context(), opts)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(140, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	// The first hop, the note compiled, and the trace up to the end.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, what := range []string{"hop 1/8 at client", "compiles", "completed"} {
			if !bytes.Contains(b, []byte(what)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	// Nothing to save: one ctrl+c quits.
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	screen := ansi.Strip(tm.FinalModel(t).(*tui.Model).Render())
	for _, want := range []string{
		"replay of threepeers.rec (read-only)",
		"8 hops of 1 particle, recorded from 2023-11-14 22:13:20 UTC",
		"hop 1 of 8 · particle-1 at client · call 2:2",
		`(call %init_peer_id% ("getDataSrv" "x") [] x)`,
		// The inspector numbers the hop as the AIR pane does.
		"│hop 1 of 8 · particle-1 at client",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not show %q", want)
		}
	}
	if strings.Contains(screen, "func hello") {
		t.Error("the replay opened the starter program")
	}
	golden.RequireEqual(t, screen)
}

// TestReplayOpensTheRecordedSources: a recording that kept the Aqua its
// particles came from opens on that program, not on the note.
func TestReplayOpensTheRecordedSources(t *testing.T) {
	rec := loadRecording(t, "testdata/replay/threepeers.rec")
	sources := []debug.Source{{Path: "hops.aqua", Text: "aqua Hops\n"}, {Path: "lib.aqua", Text: "aqua Lib\n"}}
	var b bytes.Buffer
	if err := debug.Save(&b, rec.Hops(), sources); err != nil {
		t.Fatal(err)
	}
	rec, err := debug.Load(&b)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := replayOptions(t.Context(), "kept.rec", rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Files) != len(sources) {
		t.Fatalf("the editor opens %d files, want the %d sources", len(opts.Files), len(sources))
	}
	for i, src := range sources {
		if got := opts.Files[i]; got.Path != src.Path || got.Text != src.Text || !got.Saved {
			t.Errorf("file %d = %+v, want %+v, saved", i, got, src)
		}
	}
}

func TestReplayOfNothing(t *testing.T) {
	_, err := replayOptions(t.Context(), "empty.rec", debug.NewRecording(0))
	if err == nil || err.Error() != "empty.rec: the recording holds no hops" {
		t.Errorf("replay of an empty recording: %v", err)
	}
}

// loadRecording reads the recording file at path.
func loadRecording(t *testing.T, path string) *debug.Recording {
	t.Helper()
	rec, err := debug.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
