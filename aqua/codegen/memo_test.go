package codegen_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// memoMain and memoLib are a program whose exported functions depend
// on an imported module: its functions, a constant, a service and a
// data type.
const memoMain = `aqua Main

import "lib.aqua"

export run, other, total

func run(peer: string) -> string:
  on peer:
    r <- fetch(peer)
  <- r

func other() -> string:
  <- "other"

func total(xs: []string) -> u32:
  n = xs.length + LIMIT
  <- n
`

const memoLib = `aqua Lib declares *

const PREFIX = "p"
const LIMIT = 3

data Reading:
  value: string
  at: u64

service Store("store"):
  get(k: string) -> Reading

func fetch(k: string) -> string:
  r <- Store.get(k)
  <- r.value
`

// memoCompile compiles main.aqua of files in ws and returns each
// function's AIR and script by name.
func memoCompile(t *testing.T, ws *aqua.Workspace) (map[string]string, map[string]air.Instr) {
	t.Helper()
	prog, diags := ws.Check("main.aqua")
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	fns, err := codegen.Generate(prog, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text, scripts := map[string]string{}, map[string]air.Instr{}
	for _, f := range fns {
		text[f.Name] = air.Print(f.Script)
		scripts[f.Name] = f.Script
	}
	return text, scripts
}

// TestMemoFollowsEdits edits what the exported functions of a program
// depend on, one thing after another, in the imported module and in
// the program itself, and compiles after each edit in one Workspace:
// the AIR must always be what a Workspace of its own makes, so an edit
// to anything a function depends on changes its AIR as it should,
// while functions that do not depend on it are reused.
func TestMemoFollowsEdits(t *testing.T) {
	files := fstest.MapFS{
		"main.aqua": {Data: []byte(memoMain)},
		"lib.aqua":  {Data: []byte(memoLib)},
	}
	ws := aqua.NewWorkspace(aqua.Config{FS: files})
	prev, prevScripts := memoCompile(t, ws)

	// Compiled again unchanged, every function is reused.
	_, scripts := memoCompile(t, ws)
	for name, s := range scripts {
		if s != prevScripts[name] {
			t.Errorf("%s compiled again, though nothing changed", name)
		}
	}

	edits := []struct {
		what      string
		file, old string
		new       string
		changes   []string // the functions whose AIR the edit changes
	}{
		{"a function the function calls", "lib.aqua", "  r <- Store.get(k)", "  r <- Store.get(PREFIX)", []string{"run"}},
		{"a constant it uses", "lib.aqua", `const PREFIX = "p"`, `const PREFIX = "q"`, []string{"run"}},
		{"a constant used by another", "lib.aqua", "const LIMIT = 3", "const LIMIT = 4", []string{"total"}},
		{"the id of a service it calls", "lib.aqua", `service Store("store")`, `service Store("archive")`, []string{"run"}},
		{"a field of a type", "lib.aqua", "  value: string\n  at: u64", "  value: string\n  at: u64\n  by: string", nil},
		{"the type of a field", "lib.aqua", "  at: u64", "  at: string", nil},
		{"a function declared before it", "main.aqua", "func run(", "func helper() -> string:\n  <- \"h\"\n\nfunc run(", nil},
		{"its own body", "main.aqua", "  <- \"other\"", "  <- \"another\"", []string{"other"}},
		{"a comment", "main.aqua", "func other", "-- other\nfunc other", nil},
	}
	for _, e := range edits {
		src := string(files[e.file].Data)
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s: %s has no %q", e.what, e.file, e.old)
		}
		files[e.file] = &fstest.MapFile{Data: []byte(strings.Replace(src, e.old, e.new, 1))}

		got, scripts := memoCompile(t, ws)
		want, _ := memoCompile(t, aqua.NewWorkspace(aqua.Config{FS: files}))
		for name, w := range want {
			if got[name] != w {
				t.Errorf("after an edit to %s, %s is\n%s\nnot, as a Workspace of its own makes it,\n%s", e.what, name, got[name], w)
			}
		}
		for _, name := range e.changes {
			if got[name] == prev[name] {
				t.Errorf("an edit to %s left the AIR of %s as it was", e.what, name)
			}
		}
		// A function the edit does not reach is reused.
		if e.file == "lib.aqua" && scripts["other"] != prevScripts["other"] {
			t.Errorf("after an edit to %s, other was compiled again", e.what)
		}
		prev, prevScripts = got, scripts
	}
}

// TestMemoKeepsOptionsApart compiles one program with each set of
// options in one Workspace: the AIR kept for one must not stand for
// another.
func TestMemoKeepsOptionsApart(t *testing.T) {
	files := fstest.MapFS{
		"main.aqua": {Data: []byte(memoMain)},
		"lib.aqua":  {Data: []byte(memoLib)},
	}
	ws := aqua.NewWorkspace(aqua.Config{FS: files})
	all := []codegen.Options{{}, {NoRelay: true}, {NoXor: true}, {EmptyResponse: true}, {NoRelay: true, NoXor: true, EmptyResponse: true}}
	for round := range 2 {
		for _, opts := range all {
			prog, diags := ws.Check("main.aqua")
			if err := diags.Err(); err != nil {
				t.Fatal(err)
			}
			got, err := codegen.Generate(prog, opts)
			if err != nil {
				t.Fatal(err)
			}
			fresh, _ := aqua.Check(aqua.Config{FS: files}, "main.aqua")
			want, err := codegen.Generate(fresh, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if g, w := air.Print(got[i].Script), air.Print(want[i].Script); g != w {
					t.Errorf("round %d, %+v: %s is\n%s\nnot\n%s", round, opts, want[i].Name, g, w)
				}
			}
		}
	}
}
