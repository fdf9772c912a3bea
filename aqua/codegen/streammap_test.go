package codegen_test

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/streammap/*.air with the generator's output")

// The reference compiler this project can run (aqua-api 0.14.6) does not
// accept stream maps in source, so the AIR of their methods is held to
// golden files of our own, reviewed by hand against the reference's
// lowering; core/node's acceptance test runs the same constructs and
// checks their results.
const streamMapDir = "testdata/streammap"

// compileAll compiles a program and prints each function as
// ";; func NAME" and its AIR, in name order.
func compileAll(t *testing.T, path string) string {
	t.Helper()
	prog, diags := aqua.Check(aqua.Config{}, path)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags.Err())
	}
	fns, err := codegen.Generate(prog, codegen.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name })
	var b strings.Builder
	for _, f := range fns {
		script := air.Print(f.Script)
		if _, err := air.Parse(script); err != nil {
			t.Errorf("%s: the AIR of %s does not parse: %v", path, f.Name, err)
		}
		b.WriteString(";; func " + f.Name + "\n" + script + "\n")
	}
	return b.String()
}

func TestStreamMapGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(streamMapDir, "*.aqua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in %s: %v", streamMapDir, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			got := compileAll(t, file)
			golden := strings.TrimSuffix(file, ".aqua") + ".air"
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run the test with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("the AIR differs from %s (run the test with -update and review the change):\n%s", golden, firstDiff(string(want), got))
			}
		})
	}
}

// firstDiff shows the first line where two texts differ, with a little
// context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			from := max(0, i-3)
			return "line " + strconv.Itoa(i+1) + ":\n" + strings.Join(g[from:min(len(g), i+1)], "\n") + "\nwant:\n" + wl
		}
	}
	return "(no difference)"
}
