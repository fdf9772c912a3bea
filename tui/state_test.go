package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

func press(m *Model, keys ...string) {
	for _, k := range keys {
		m.Update(keyMsg(k))
	}
}

// keyMsg builds the key press that String() reports as k.
func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "delete":
		return tea.KeyPressMsg{Code: tea.KeyDelete}
	case "f1":
		return tea.KeyPressMsg{Code: tea.KeyF1}
	case "f11":
		return tea.KeyPressMsg{Code: tea.KeyF11}
	case "f12":
		return tea.KeyPressMsg{Code: tea.KeyF12}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "shift+right":
		return tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}
	case "shift+end":
		return tea.KeyPressMsg{Code: tea.KeyEnd, Mod: tea.ModShift}
	}
	if mod, r, ok := strings.Cut(k, "+"); ok && len(r) == 1 {
		m := map[string]tea.KeyMod{"ctrl": tea.ModCtrl, "alt": tea.ModAlt}[mod]
		return tea.KeyPressMsg{Code: rune(r[0]), Mod: m}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
}

func TestFocus(t *testing.T) {
	for _, tt := range []struct {
		name string
		keys []string
		want Pane
	}{
		{"starts in the editor", nil, EditorPane},
		{"tab indents in the editor", []string{"tab"}, EditorPane},
		{"esc leaves the editor", []string{"esc"}, FunctionsPane},
		{"tab cycles elsewhere", []string{"esc", "tab"}, AIRPane},
		{"shift+tab goes back", []string{"shift+tab"}, InspectorPane},
		{"alt+5 is the trace", []string{"alt+5"}, TracePane},
		{"alt+4 is peers", []string{"alt+4"}, PeersPane},
		{"ctrl+r opens the form", []string{"alt+5", "ctrl+r"}, FunctionsPane},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
			press(m, tt.keys...)
			if got := m.Focused(); got != tt.want {
				t.Errorf("focus = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEditingMarksDirtyAndQuitAsks(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	press(m, "x")
	if !m.editor.Dirty() {
		t.Fatal("typing did not make the file dirty")
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); cmd != nil {
		t.Fatal("ctrl+c with unsaved changes quit at once")
	}
	if !strings.Contains(screen(m), "unsaved changes") {
		t.Error("no warning about unsaved changes")
	}
	_, cmd := m.Update(keyMsg("ctrl+c"))
	if cmd == nil {
		t.Fatal("second ctrl+c did not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("second ctrl+c did not return tea.Quit")
	}
}

func TestJumpToError(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/broken.aqua")
	press(m, "alt+7", "enter") // the problem list's first entry
	m.Focus(ProblemsPane)
	_, cmd := m.Update(keyMsg("enter"))
	if cmd == nil {
		t.Fatal("enter on a problem did nothing")
	}
	m.Update(cmd())
	if m.Focused() != EditorPane {
		t.Errorf("focus = %v after jump, want the editor", m.Focused())
	}
	if line, col := m.editor.Cursor(); line != 9 || col != 41 {
		t.Errorf("cursor at %d:%d, want 9:41", line, col)
	}
	// ctrl+e from elsewhere comes back to the same error.
	m.Focus(TracePane)
	press(m, "ctrl+e")
	if line, _ := m.editor.Cursor(); m.Focused() != EditorPane || line != 9 {
		t.Errorf("ctrl+e: focus %v line %d", m.Focused(), line)
	}
}

func TestFunctionsKeepLastGoodBuild(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	if n := len(m.functions.Functions()); n != 2 {
		t.Fatalf("%d functions, want 2", n)
	}
	m.Update(ui.BuildMsg{Path: "testdata/hello.aqua", Version: 2, Build: compile(t.Context(), ui.Source{Path: "testdata/hello.aqua", Text: "aqua X\nfunc f(:"})})
	if n := len(m.functions.Functions()); n != 2 {
		t.Errorf("a broken build replaced the functions: %d left", n)
	}
	if m.problems.Len() == 0 {
		t.Error("the broken build's diagnostics are not listed")
	}
}

func TestRunFormOffersNodes(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	press(m, "esc", "down", "enter") // greetAll
	if !m.functions.Editing() {
		t.Fatal("enter on a function did not open the form")
	}
	out := screen(m)
	for _, want := range []string{`name: string = "world"`, "nodes: []string = nodes"} {
		if !strings.Contains(out, want) {
			t.Errorf("form lacks %q:\n%s", want, out)
		}
	}
	_, cmd := m.Update(keyMsg("enter"))
	req, ok := cmd().(ui.RunRequest)
	if !ok {
		t.Fatalf("enter in the form gave %T, want a RunRequest", cmd())
	}
	if got := string(req.Args["nodes"]); !strings.Contains(got, "12D3KooWnode00") || strings.Contains(got, "client") {
		t.Errorf("nodes = %s, want the node ids", got)
	}
}

func TestFilterFollowsRun(t *testing.T) {
	m, s := newTestModel(t, 120, 40, "testdata/hello.aqua")
	runFake(t, m, s, "hello", `"a"`)
	if m.trace.Filter() != "p-0001" {
		t.Errorf("trace filter = %q, want the run's particle", m.trace.Filter())
	}
	m.Update(ui.FilterMsg{})
	if m.trace.Filter() != "" || m.trace.Rows() == 0 {
		t.Errorf("clearing the filter: filter %q, %d rows", m.trace.Filter(), m.trace.Rows())
	}
}

func TestRunErrorInInspector(t *testing.T) {
	m, s := newTestModel(t, 200, 40, "testdata/hello.aqua")
	m.functions.SetFunctions([]ui.Function{{Name: "broken", Signature: "broken() -> ()", AIR: `(call %init_peer_id% ("risky" "run") [] ret)`}})
	runFake(t, m, s, "broken", "")
	out := screen(m)
	for _, want := range []string{"Service with id 'risky' not found", `call %init_peer_id% ("risky"`, "node0"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
}
