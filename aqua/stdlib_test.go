package aqua

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/stdlib"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// TestStdlibChecks checks every embedded library file and a few facts
// programs rely on.
func TestStdlibChecks(t *testing.T) {
	for _, path := range stdlib.Files() {
		_, src, _ := stdlib.Lookup(path)
		prog, diags := CheckSource(Config{}, path, src)
		if len(diags) > 0 {
			t.Errorf("%s: %v", path, diags.Error())
			continue
		}
		if path != builtinPath {
			continue
		}
		decl := prog.Roots[0].Module.Declared()
		op, ok := decl["Op"].Type.(*types.Service)
		if !ok || op.DefaultID != "op" {
			t.Fatalf("Op is %v, want service with id op", decl["Op"])
		}
		if _, ok := decl["PeerId"]; !ok {
			t.Error("PeerId is not declared")
		}
	}
}

// TestLibraryHasNoOverridableConstants guards the library cache: it is
// checked once without Config.Constants, which is right only as long as
// no library constant can be overridden.
func TestLibraryHasNoOverridableConstants(t *testing.T) {
	for path, f := range stdLibrary().files {
		for _, d := range f.Syntax.Decls {
			if c, ok := d.(*ast.ConstDecl); ok && c.Overridable {
				t.Errorf("%s declares %s ?= ...: compilations with --const would need their own copy of the library", path, c.Name.Name)
			}
		}
	}
}

// libraryPrograms import the library in the ways a program can: not at
// all (the prelude), by item with renaming, whole, and as a namespace.
var libraryPrograms = fstest.MapFS{
	"prelude.aqua": {Data: []byte("aqua Prelude\n\nexport f\n\nfunc f(p: PeerId) -> PeerId:\n  <- p\n")},
	"items.aqua":   {Data: []byte("aqua Items\n\nimport Op as O, PeerId from \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc f(p: PeerId) -> string:\n  O.noop()\n  <- p\n")},
	"math.aqua":    {Data: []byte("aqua M\n\nimport \"@fluencelabs/aqua-lib/math\"\n\nfunc f() -> i64:\n  x <- Math.add(1, 2)\n  <- x\n")},
	"workers.aqua": {Data: []byte("aqua W\n\nuse \"@fluencelabs/aqua-lib/workers.aqua\" as Wk\n\nfunc f(p: PeerId) -> ?string:\n  w <- Wk.Worker.get_worker_id(\"deal\")\n  <- w\n")},
	"undef.aqua":   {Data: []byte("aqua Undef\n\nimport PeerId from \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc f() -> PeerId:\n  <- Op.identity(\"x\")\n")},
}

// TestLibraryFiles checks which library files each program holds, in
// what order (imports before importers), and that positions in them
// resolve in every program's FileSet.
func TestLibraryFiles(t *testing.T) {
	tests := []struct {
		file  string
		files []string
	}{
		{"prelude.aqua", []string{"@fluencelabs/aqua-lib/builtin.aqua", "prelude.aqua"}},
		{"items.aqua", []string{"@fluencelabs/aqua-lib/builtin.aqua", "items.aqua"}},
		{"math.aqua", []string{"@fluencelabs/aqua-lib/builtin.aqua", "@fluencelabs/aqua-lib/math.aqua", "math.aqua"}},
		{"workers.aqua", []string{"@fluencelabs/aqua-lib/builtin.aqua", "@fluencelabs/aqua-lib/workers.aqua", "workers.aqua"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			prog, diags := Check(Config{FS: libraryPrograms}, tt.file)
			if len(diags) > 0 {
				t.Fatal(diags.Error())
			}
			var got []string
			for _, f := range prog.Files {
				got = append(got, f.Path)
			}
			if strings.Join(got, " ") != strings.Join(tt.files, " ") {
				t.Errorf("files %v, want %v", got, tt.files)
			}
			peerID := prog.Files[0].Module.Declared()["PeerId"]
			if pos := prog.Fset.Position(peerID.Pos).String(); pos != "@fluencelabs/aqua-lib/builtin.aqua:9:7" {
				t.Errorf("PeerId is declared at %s, want @fluencelabs/aqua-lib/builtin.aqua:9:7", pos)
			}
			if line, ok := prog.Source()("@fluencelabs/aqua-lib/builtin.aqua", 9); !ok || line != "alias PeerId: string" {
				t.Errorf("line 9 of builtin.aqua = %q, %v", line, ok)
			}
		})
	}
}

// TestLibrarySharedConcurrently checks programs that use the library in
// parallel (run with -race: the shared library must only be read) and
// compares each result with a sequential check.
func TestLibrarySharedConcurrently(t *testing.T) {
	summary := func(prog *Program, diags string) string {
		var b strings.Builder
		for _, f := range prog.Files {
			fmt.Fprintf(&b, "%s:", f.Path)
			for _, n := range f.Module.Scope.Names() {
				o := f.Module.Scope.LookupLocal(n)
				fmt.Fprintf(&b, " %s@%s", n, prog.Fset.Position(o.Pos))
			}
			b.WriteString("\n")
		}
		b.WriteString(diags)
		return b.String()
	}
	names := []string{"prelude.aqua", "items.aqua", "math.aqua", "workers.aqua", "undef.aqua"}
	want := map[string]string{}
	for _, name := range names {
		prog, diags := Check(Config{FS: libraryPrograms}, name)
		want[name] = summary(prog, diags.Error())
	}
	if !strings.Contains(want["undef.aqua"], "undef.aqua:6:6: undefined: Op") {
		t.Fatalf("undef.aqua checked without the expected error:\n%s", want["undef.aqua"])
	}
	var wg sync.WaitGroup
	got := make([]string, 4*len(names))
	for i := range got {
		wg.Go(func() {
			name := names[i%len(names)]
			prog, diags := Check(Config{FS: libraryPrograms}, name)
			got[i] = summary(prog, diags.Error())
		})
	}
	wg.Wait()
	for i, g := range got {
		if name := names[i%len(names)]; g != want[name] {
			t.Errorf("%s checked concurrently:\n%s\nwant:\n%s", name, g, want[name])
		}
	}
}
