package tui

import (
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// fillForm replaces the focused field of the open run form with text and
// submits the form, returning the run it asks for, if any.
func fillForm(m *Model, text string) (ui.RunRequest, bool) {
	press(m, "ctrl+a", "ctrl+k")
	for _, r := range text {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := m.Update(keyMsg("enter"))
	if cmd == nil {
		return ui.RunRequest{}, false
	}
	req, ok := cmd().(ui.RunRequest)
	return req, ok
}

func TestRunFormChecksArgumentTypes(t *testing.T) {
	for _, tt := range []struct {
		name, fn, value string
		want            string
	}{
		{"number for a string", "hello", `42`, `args.name: expected string, got 42 (write strings in double quotes)`},
		{"null for a string", "hello", `null`, `args.name: expected string, got null`},
		{"string for a list", "greetAll", `"node0"`, `args.nodes: expected []string, got "node0"`},
		{"number in a list", "greetAll", `[node0, 7]`, `args.nodes[1]: expected string, got 7 (write strings in double quotes)`},
		{"unknown name in a list", "greetAll", `[node0, node9]`, `nodes: no data named "node9"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestModel(t, 140, 40, "testdata/hello.aqua")
			press(m, "esc")
			if tt.fn == "greetAll" {
				press(m, "down", "enter", "down")
			} else {
				press(m, "enter")
			}
			if req, ok := fillForm(m, tt.value); ok {
				t.Fatalf("%s(%s) was sent: %+v", tt.fn, tt.value, req)
			}
			// The message is wrapped at the pane's width, whole.
			pane := ansi.Strip(m.functions.View())
			if !strings.Contains(strings.Join(strings.Fields(pane), " "), tt.want) {
				t.Errorf("the form does not say %q:\n%s", tt.want, pane)
			}
		})
	}
}

func TestRunFormTakesDataNamesInLists(t *testing.T) {
	m, _ := newTestModel(t, 140, 40, "testdata/hello.aqua")
	press(m, "esc", "down", "enter", "down")
	req, ok := fillForm(m, `[node0, node2]`)
	if !ok {
		t.Fatalf("the form did not run: %s", screen(m))
	}
	var got []string
	if err := json.Unmarshal(req.Args["nodes"], &got); err != nil {
		t.Fatal(err)
	}
	want := []string{string(fakeID(0)), string(fakeID(2))}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("nodes = %q, want %q", got, want)
	}
	if !strings.Contains(req.Display, "[node0, node2]") {
		t.Errorf("the run shows as %q", req.Display)
	}
}

// cursorTo moves the editor's cursor to line.
func cursorTo(m *Model, line int) {
	for l, _ := m.editor.Cursor(); l < line; l, _ = m.editor.Cursor() {
		press(m, "down")
	}
	for l, _ := m.editor.Cursor(); l > line; l, _ = m.editor.Cursor() {
		press(m, "up")
	}
}

func TestRunAtCursor(t *testing.T) {
	for _, tt := range []struct {
		name string
		line int
		form string // the form's first line; "" for none
		msg  string // the status; "" for none
	}{
		{"in a function not exported", 9, "", "helper is not exported: only exported functions run (add export helper)"},
		{"on its declaration", 7, "", "helper is not exported"},
		{"in an exported function", 12, "hello(name: string) -> string", ""},
		{"in one exported under another name", 17, "hi(name: string) -> string", ""},
		{"outside any function", 3, "hello(name: string) -> string", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestModel(t, 140, 40, "testdata/helper.aqua")
			cursorTo(m, tt.line)
			m.Update(keyMsg("ctrl+r"))
			pane := ansi.Strip(m.functions.View())
			if tt.form == "" {
				if m.functions.Editing() {
					t.Fatalf("ctrl+r at line %d opened a form:\n%s", tt.line, pane)
				}
				if !m.statusErr || !strings.HasPrefix(m.status, tt.msg) {
					t.Errorf("status %q (error %v), want %q", m.status, m.statusErr, tt.msg)
				}
				return
			}
			if !m.functions.Editing() || !strings.HasPrefix(pane, tt.form) {
				t.Errorf("ctrl+r at line %d: want the form of %s, got:\n%s", tt.line, tt.form, pane)
			}
		})
	}
}
