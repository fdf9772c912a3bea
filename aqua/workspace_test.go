package aqua

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fileOf returns the checked file of a program whose path ends so.
func fileOf(t *testing.T, prog *Program, suffix string) *File {
	t.Helper()
	for _, f := range prog.Files {
		if strings.HasSuffix(f.Path, suffix) {
			return f
		}
	}
	t.Fatalf("no file %s in the program", suffix)
	return nil
}

// TestWorkspaceReuse checks that a Workspace reuses the modules it
// checked while they, their imports and what their import paths resolve
// to stay the same, and checks them again otherwise.
func TestWorkspaceReuse(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.aqua": "aqua Main\n\nimport \"lib.aqua\"\n\nexport main\n\nfunc main() -> string:\n  <- greet()\n",
		// A warning of its own, reported by every compilation that
		// reuses it, at its position.
		"lib.aqua":      "import \"sub/dep.aqua\"\n\nfunc greet() -> string:\n  <- word()\n",
		"sub/dep.aqua":  "aqua Dep declares *\n\nfunc word() -> string:\n  <- \"hello\"\n",
		"sub/dep2.aqua": "aqua Dep declares *\n\nfunc other() -> string:\n  <- \"other\"\n",
	})
	main := filepath.Join(dir, "main.aqua")
	ws := NewWorkspace(Config{})
	check := func() *Program {
		t.Helper()
		prog, diags := ws.Check(main)
		if diags.HasErrors() {
			t.Fatal(diags.Err())
		}
		if len(diags) != 1 || diags[0].Pos.String() != filepath.Join(dir, "lib.aqua")+":1:1" || !strings.Contains(diags[0].Msg, "missing module header") {
			t.Fatalf("diagnostics %v, want the header warning of lib.aqua at 1:1", diags)
		}
		return prog
	}
	first := check()
	second := check()
	for _, name := range []string{"main.aqua", "lib.aqua", "dep.aqua"} {
		if fileOf(t, first, name) != fileOf(t, second, name) {
			t.Errorf("%s checked again though nothing changed", name)
		}
	}
	if other, _ := Check(Config{}, main); fileOf(t, other, "lib.aqua") == fileOf(t, second, "lib.aqua") {
		t.Error("Check reused a module of another Workspace")
	}

	// A module an import depends on changes: it and its importers are
	// checked again, and the change shows.
	writeFiles(t, dir, map[string]string{"sub/dep.aqua": "aqua Dep declares *\n\nfunc word() -> string:\n  <- \"changed\"\n\nfunc more() -> string:\n  <- \"more\"\n"})
	third := check()
	for _, name := range []string{"main.aqua", "lib.aqua", "dep.aqua"} {
		if fileOf(t, second, name) == fileOf(t, third, name) {
			t.Errorf("%s reused after sub/dep.aqua changed", name)
		}
	}
	if fileOf(t, third, "dep.aqua").Module.Scope.LookupLocal("more") == nil {
		t.Error("the changed module was not read again")
	}

	// The same import now resolves to another file: lib.aqua is checked
	// again and imports it.
	inc := filepath.Join(dir, "inc")
	writeFiles(t, dir, map[string]string{
		"lib.aqua":        "import \"shared.aqua\"\n\nfunc greet() -> string:\n  <- word2()\n",
		"inc/shared.aqua": "aqua Shared declares *\n\nfunc word2() -> string:\n  <- \"inc\"\n",
	})
	withInc := NewWorkspace(Config{ImportPaths: []string{inc}})
	checkInc := func() *Program {
		t.Helper()
		prog, diags := withInc.Check(main)
		if diags.HasErrors() {
			t.Fatal(diags.Err())
		}
		return prog
	}
	before := checkInc()
	if again := checkInc(); fileOf(t, before, "lib.aqua") != fileOf(t, again, "lib.aqua") {
		t.Error("lib.aqua checked again though nothing changed")
	}
	writeFiles(t, dir, map[string]string{"shared.aqua": "aqua Shared declares *\n\nfunc word2() -> string:\n  <- \"local\"\n"})
	after := checkInc()
	if got, want := fileOf(t, after, "shared.aqua").Path, filepath.Join(dir, "shared.aqua"); got != want {
		t.Errorf("shared.aqua resolved to %s, want %s", got, want)
	}
	if fileOf(t, before, "lib.aqua") == fileOf(t, after, "lib.aqua") {
		t.Error("lib.aqua reused though its import resolves to another file")
	}
}

// TestWorkspaceSource checks an unsaved text as an editor does: the
// text is checked again when it changes, and an edit saved to a module
// it imports is seen by the next check.
func TestWorkspaceSource(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"lib.aqua": "aqua Lib declares *\n\nfunc greet() -> string:\n  <- \"hi\"\n"})
	name := filepath.Join(dir, "main.aqua")
	text := "aqua Main\n\nimport \"lib.aqua\"\n\nfunc main() -> string:\n  <- greet()\n"
	ws := NewWorkspace(Config{})
	check := func(text string) (*Program, string) {
		t.Helper()
		prog, diags := ws.CheckSource(name, []byte(text))
		return prog, fmt.Sprint(diags)
	}
	first, diags := check(text)
	if diags != "" {
		t.Fatalf("diagnostics %s", diags)
	}
	if second, _ := check(text); second.Roots[0] != first.Roots[0] {
		t.Error("the same text was checked again")
	}
	if _, diags := check(strings.Replace(text, "greet()", "gret()", 1)); !strings.Contains(diags, "undefined: gret") {
		t.Errorf("an edit to the text was not seen: %s", diags)
	}
	writeFiles(t, dir, map[string]string{"lib.aqua": "aqua Lib declares *\n\nfunc hello() -> string:\n  <- \"hi\"\n"})
	if _, diags := check(text); !strings.Contains(diags, "undefined: greet") {
		t.Errorf("an edit to the imported module was not seen: %s", diags)
	}
}

// TestWorkspaceConstants checks that a Workspace with "?=" overrides
// keeps the modules it checks with them, and that they keep what the
// overrides made of them.
func TestWorkspaceConstants(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.aqua": "aqua Main\n\nimport \"lib.aqua\"\n\nexport main\n\nfunc main() -> string:\n  <- GREETING\n",
		"lib.aqua":  "aqua Lib declares *\n\nconst GREETING ?= \"hello\"\n",
	})
	main := filepath.Join(dir, "main.aqua")
	ws := NewWorkspace(Config{Constants: map[string]string{"GREETING": `"hi"`}})
	first, diags := ws.Check(main)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	second, _ := ws.Check(main)
	if fileOf(t, first, "lib.aqua") != fileOf(t, second, "lib.aqua") {
		t.Error("lib.aqua checked again though nothing changed")
	}
	x, ok := second.Constants["GREETING"].(*ast.BasicLit)
	if !ok || x.Value != `"hi"` {
		t.Fatalf("constant GREETING is %v, want \"hi\"", second.Constants["GREETING"])
	}
	if pos := second.Fset.Position(x.Pos()); pos.Filename != "constant GREETING" || pos.Column != 1 {
		t.Errorf("the override is at %v, want constant GREETING:1:1", pos)
	}
	bad := NewWorkspace(Config{Constants: map[string]string{"GREETING": `"hi`}})
	for range 2 {
		if _, diags := bad.Check(main); !strings.Contains(fmt.Sprint(diags), "constant GREETING:1:1") {
			t.Errorf("the error in the override is not reported: %v", diags)
		}
	}
}

// TestWorkspaceErrors checks that a module with errors is checked
// again every time, so that its errors are reported every time.
func TestWorkspaceErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.aqua": "aqua Main\n\nimport \"bad.aqua\"\n\nfunc main() -> string:\n  <- \"x\"\n",
		"bad.aqua":  "aqua Bad\n\nfunc f() -> string:\n  <- nope\n",
	})
	ws := NewWorkspace(Config{})
	for range 2 {
		_, diags := ws.Check(filepath.Join(dir, "main.aqua"))
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "nope") {
			t.Fatalf("want the error of bad.aqua, got %v", diags)
		}
	}
}

// TestWorkspaceConcurrent checks versions of a file from several
// goroutines in one Workspace, each against a check of its own; run
// with -race.
func TestWorkspaceConcurrent(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"lib.aqua": "aqua Lib declares *\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc greet() -> string:\n  r <- Op.concat_strings(\"a\", \"b\")\n  <- r\n",
	})
	name := filepath.Join(dir, "main.aqua")
	versions := []string{
		"aqua Main\n\nimport \"lib.aqua\"\n\nexport main\n\nfunc main() -> string:\n  <- greet()\n",
		"aqua Main\n\nimport \"lib.aqua\"\n\nexport main\n\nfunc main() -> string:\n  <- gret()\n",
		"aqua Main\n\nimport \"lib.aqua\"\n\nfunc main() -> u32:\n  <- greet()\n",
	}
	want := make([]string, len(versions))
	for i, v := range versions {
		_, diags := CheckSource(Config{}, name, []byte(v))
		want[i] = fmt.Sprint(diags)
	}
	ws := NewWorkspace(Config{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 30 {
				v := (g + i) % len(versions)
				if _, diags := ws.CheckSource(name, []byte(versions[v])); fmt.Sprint(diags) != want[v] {
					t.Errorf("version %d: got %v, want %s", v, diags, want[v])
					return
				}
			}
		})
	}
	wg.Wait()
}
