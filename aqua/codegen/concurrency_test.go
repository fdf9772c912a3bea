package codegen_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// compileAIR checks and compiles one program, in ws or (nil) in a
// Workspace of its own, and returns its AIR, one function after another.
func compileAIR(ws *aqua.Workspace, name string, src []byte) (string, error) {
	opts, _ := options(string(src))
	if ws == nil {
		ws = aqua.NewWorkspace(aqua.Config{})
	}
	prog, diags := ws.CheckSource(name, src)
	if err := diags.Err(); err != nil {
		return "", err
	}
	fns, err := codegen.Generate(prog, opts)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, f := range fns {
		b.WriteString(";; func " + f.Name + "\n" + air.Print(f.Script) + "\n")
	}
	return b.String(), nil
}

// TestGenerateConcurrently compiles the corpus from several goroutines at
// once. Every compilation shares the standard library, parsed and
// checked once; run with -race, this fails if checking or generating
// code writes to anything the library holds. Half the workers share a
// Workspace, and compile each program twice in it, so that they reuse
// what the others kept. Each result must also be what a compilation on
// its own gives.
func TestGenerateConcurrently(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.aqua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in %s: %v", conformanceDir, err)
	}
	srcs := make([][]byte, len(files))
	want := make([]string, len(files))
	for i, f := range files {
		if srcs[i], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
		if want[i], err = compileAIR(nil, f, srcs[i]); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	const workers = 4
	shared := aqua.NewWorkspace(aqua.Config{})
	var wg sync.WaitGroup
	errs := make([][]string, workers)
	for w := range workers {
		wg.Go(func() {
			// Each worker starts at another file, so different programs
			// are compiled at the same moment.
			var ws *aqua.Workspace
			rounds := 1
			if w%2 == 1 {
				ws, rounds = shared, 2
			}
			for k := range rounds * len(files) {
				i := (k + w*len(files)/workers) % len(files)
				got, err := compileAIR(ws, files[i], srcs[i])
				switch {
				case err != nil:
					errs[w] = append(errs[w], files[i]+": "+err.Error())
				case got != want[i]:
					errs[w] = append(errs[w], files[i]+": AIR differs from a compilation on its own")
				}
			}
		})
	}
	wg.Wait()
	for _, e := range errs {
		for _, msg := range e {
			t.Error(msg)
		}
	}
}
