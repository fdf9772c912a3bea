package aqua_test

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// corpora are the repository's Aqua programs: the checker's own and the
// code generator's conformance programs, with the modules they import.
var corpora = []string{"testdata", filepath.Join("codegen", "testdata", "conformance")}

// TestWorkspaceMatchesCold edits the corpora at random, the modules
// they import included, and checks after every round of edits that a
// Workspace that checked every earlier version reports what a check of
// its own reports, and compiles each program to the same AIR.
func TestWorkspaceMatchesCold(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, c := range corpora {
		files = append(files, copyAqua(t, c, filepath.Join(dir, filepath.Base(c)))...)
	}
	ws := aqua.NewWorkspace(aqua.Config{})
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 4 {
		if round > 0 {
			for range 12 {
				edit(t, rng, files[rng.IntN(len(files))])
			}
			// An imported module every round.
			var modules []string
			for _, f := range files {
				if strings.Contains(f, string(filepath.Separator)+"modules"+string(filepath.Separator)) {
					modules = append(modules, f)
				}
			}
			edit(t, rng, modules[rng.IntN(len(modules))])
		}
		for _, f := range files {
			warm := compiled(ws.Check(f))
			cold := compiled(aqua.Check(aqua.Config{}, f))
			if warm != cold {
				t.Fatalf("round %d, %s: the Workspace gives\n%s\na check of its own\n%s", round, f, warm, cold)
			}
		}
	}
}

// copyAqua copies the .aqua files under from to to and returns their
// new paths.
func copyAqua(t *testing.T, from, to string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".aqua" {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		out = append(out, dst)
		return os.WriteFile(dst, src, 0o644)
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("copy %s: %d files, %v", from, len(out), err)
	}
	return out
}

// edit changes a file as someone typing might: a letter typed or a line
// deleted somewhere after the header, or a function added.
func edit(t *testing.T, rng *rand.Rand, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	n := 1 + rng.IntN(max(len(lines)-1, 1))
	n = min(n, len(lines)-1)
	switch rng.IntN(3) {
	case 0:
		at := rng.IntN(len(lines[n]) + 1)
		lines[n] = lines[n][:at] + "x" + lines[n][at:]
	case 1:
		lines = slices.Delete(lines, n, n+1)
	default:
		lines = append(lines, fmt.Sprintf("\nfunc added%d() -> string:\n  <- \"added\"\n", rng.IntN(1000)))
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
}

// compiled is what a check says and, when it passes, the AIR of the
// program's functions, as one text.
func compiled(prog *aqua.Program, diags diag.List) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%v: %v: %s %v\n", d.Pos, d.Severity, d.Msg, d.Suggest)
	}
	if diags.HasErrors() {
		return b.String()
	}
	fns, err := codegen.Generate(prog, codegen.Options{})
	if err != nil {
		fmt.Fprintf(&b, "generate: %v\n", err)
	}
	for _, f := range fns {
		fmt.Fprintf(&b, "%s:\n%s\n", f.Name, air.Print(f.Script))
	}
	return b.String()
}
