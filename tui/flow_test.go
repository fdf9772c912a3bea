package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/aquarium-p2p/aquarium/tui/editor"
)

// TestFlow drives the workbench as a user would: open a file with an
// error, see the diagnostic, fix it, run a function, see the result and
// its trace.
func TestFlow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.aqua")
	src, err := os.ReadFile("testdata/broken.aqua")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	s := newFakeSession(3)
	m := New(t.Context(), Options{Session: s, Compile: compile, Title: "test network",
		Files: []editor.File{{Path: path, Text: string(src), Saved: true}}})
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))

	term := newTerminal(t, tm)
	term.waitFor("1 error(s)")

	// Jump to the error, select the bad name and fix it.
	term.send("ctrl+e", "delete", "delete", "delete", "delete")
	tm.Type("name")
	term.waitFor("compiles")

	// Run hello with its default argument; the fake network echoes it.
	term.send("ctrl+r")
	term.waitFor(`name: string = "world"`)
	term.send("enter")
	term.waitFor(`hello("world") = "world"`)
	term.waitFor("completed")

	term.send("ctrl+s")
	term.waitFor("saved")
	term.send("ctrl+c")
	final := term.finished()

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `Op.concat_strings("hello, ", name)`) {
		t.Errorf("saved file does not have the fix:\n%s", got)
	}
	if final.trace.Rows() == 0 || final.store.Len() != 11 {
		t.Errorf("trace has %d rows from %d events, want the run's 11 events", final.trace.Rows(), final.store.Len())
	}
}
