package tui

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/functions"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

func readFile(t testing.TB, name string) editor.File {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return editor.File{Path: name, Text: string(b), Saved: true}
}

// newTestModel returns a workbench over a fake network of three nodes,
// sized w by h, with files compiled and the peer list loaded.
func newTestModel(t testing.TB, w, h int, files ...string) (*Model, *fakeSession) {
	t.Helper()
	s := newFakeSession(3)
	var fs []editor.File
	for _, f := range files {
		fs = append(fs, readFile(t, f))
	}
	m := New(t.Context(), Options{Session: s, Controller: nil, Compile: compile, Files: fs, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	for _, f := range fs {
		m.Update(ui.BuildMsg{Path: f.Path, Version: 1, Build: compile(context.Background(), ui.Source{Path: f.Path, Text: f.Text})})
	}
	return m, s
}

// runFake runs fn through the fake session as the workbench would, with
// a fixed particle id, and delivers the events and the result.
func runFake(t testing.TB, m *Model, s *fakeSession, fn string, args string) {
	t.Helper()
	var f ui.Function
	for _, x := range m.functions.Functions() {
		if x.Name == fn {
			f = x
		}
	}
	if f.Name == "" {
		t.Fatalf("no function %s", fn)
	}
	m.Update(ui.RunStartedMsg{ID: 1, Display: fn + "(" + args + ")", ParticleID: "p-0001"})
	res, err := s.Run(context.Background(), sessionCall(t, f, "p-0001", args))
	evs, missed := s.Events().Since(1, 1<<16)
	m.Update(ui.EventsMsg{Events: evs, Next: evs[len(evs)-1].Seq + 1, Missed: missed})
	r := ui.RunResult{ID: 1, Display: fn + "(" + args + ")", ParticleID: "p-0001", Err: err}
	if res != nil {
		r.Values = res.Values
	}
	m.Update(ui.RunDoneMsg{Result: r})
}

// sessionCall binds args, comma-separated form fields, to f's parameters.
func sessionCall(t testing.TB, f ui.Function, particle, args string) session.Call {
	t.Helper()
	call := session.Call{Script: f.AIR, ParticleID: particle, Args: map[string]json.RawMessage{}}
	parts := strings.Split(args, ", ")
	for i, p := range f.Params {
		v, err := functions.ParseArg(parts[i], map[string]json.RawMessage{"nodes": json.RawMessage(`["a"]`)})
		if err != nil {
			t.Fatal(err)
		}
		call.Args[p.Name] = v
	}
	return call
}

func screen(m *Model) string { return ansi.Strip(m.Render()) }

func TestScreenGolden(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"120x40", 120, 40}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			m, s := newTestModel(t, size.w, size.h, "testdata/hello.aqua")
			runFake(t, m, s, "hello", `"world"`)
			out := screen(m)
			lines := strings.Split(out, "\n")
			if len(lines) != size.h {
				t.Fatalf("screen has %d lines, want %d", len(lines), size.h)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != size.w {
					t.Errorf("line %d is %d cells wide, want %d: %q", i, w, size.w, l)
				}
			}
			golden.RequireEqual(t, out)
		})
	}
}

func TestEditorDiagnosticsGolden(t *testing.T) {
	m, _ := newTestModel(t, 100, 30, "testdata/broken.aqua")
	m.Focus(ProblemsPane)
	golden.RequireEqual(t, screen(m))
}
