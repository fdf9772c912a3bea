package aqua

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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

// TestModuleCache checks that a compilation reuses the modules an
// earlier one checked while they, their imports and what their import
// paths resolve to stay the same, and checks them again otherwise.
func TestModuleCache(t *testing.T) {
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
	check := func() *Program {
		t.Helper()
		prog, diags := Check(Config{}, main)
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
	for _, name := range []string{"lib.aqua", "dep.aqua"} {
		if fileOf(t, first, name) != fileOf(t, second, name) {
			t.Errorf("%s checked again though nothing changed", name)
		}
	}
	if fileOf(t, first, "main.aqua") == fileOf(t, second, "main.aqua") {
		t.Error("the compiled file itself was reused")
	}

	// A module an import depends on changes: both are checked again,
	// and the change shows.
	writeFiles(t, dir, map[string]string{"sub/dep.aqua": "aqua Dep declares *\n\nfunc word() -> string:\n  <- \"changed\"\n\nfunc more() -> string:\n  <- \"more\"\n"})
	third := check()
	for _, name := range []string{"lib.aqua", "dep.aqua"} {
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
	withInc := func() *Program {
		t.Helper()
		prog, diags := Check(Config{ImportPaths: []string{inc}}, main)
		if diags.HasErrors() {
			t.Fatal(diags.Err())
		}
		return prog
	}
	before := withInc()
	if again := withInc(); fileOf(t, before, "lib.aqua") != fileOf(t, again, "lib.aqua") {
		t.Error("lib.aqua checked again though nothing changed")
	}
	writeFiles(t, dir, map[string]string{"shared.aqua": "aqua Shared declares *\n\nfunc word2() -> string:\n  <- \"local\"\n"})
	after := withInc()
	if got, want := fileOf(t, after, "shared.aqua").Path, filepath.Join(dir, "shared.aqua"); got != want {
		t.Errorf("shared.aqua resolved to %s, want %s", got, want)
	}
	if fileOf(t, before, "lib.aqua") == fileOf(t, after, "lib.aqua") {
		t.Error("lib.aqua reused though its import resolves to another file")
	}

	// Different import paths, no reuse.
	fourth := check()
	prog, diags := Check(Config{ImportPaths: []string{dir}}, main)
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	if fileOf(t, prog, "lib.aqua") == fileOf(t, fourth, "lib.aqua") {
		t.Error("a module was reused under other import paths")
	}
}

// TestModuleCacheErrors checks that a module with errors is checked
// again every time, so that its errors are reported every time.
func TestModuleCacheErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.aqua": "aqua Main\n\nimport \"bad.aqua\"\n\nfunc main() -> string:\n  <- \"x\"\n",
		"bad.aqua":  "aqua Bad\n\nfunc f() -> string:\n  <- nope\n",
	})
	for range 2 {
		_, diags := Check(Config{}, filepath.Join(dir, "main.aqua"))
		if !diags.HasErrors() || !strings.Contains(diags.Error(), "nope") {
			t.Fatalf("want the error of bad.aqua, got %v", diags)
		}
	}
}

// TestModuleCacheConcurrent compiles the same program from several
// goroutines; run with -race.
func TestModuleCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.aqua": "aqua Main\n\nimport \"lib.aqua\"\n\nexport main\n\nfunc main() -> string:\n  <- greet()\n",
		"lib.aqua":  "aqua Lib declares *\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc greet() -> string:\n  r <- Op.concat_strings(\"a\", \"b\")\n  <- r\n",
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, diags := Check(Config{}, filepath.Join(dir, "main.aqua")); len(diags) > 0 {
					t.Error(diags.Err())
					return
				}
			}
		})
	}
	wg.Wait()
}
