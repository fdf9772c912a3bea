package jsgen

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/rogpeppe/go-internal/txtar"
)

// corpora are the Aqua programs whose modules the reference compiler
// wrote into testdata/NAME.txtar.gz (see refresh.mjs).
var corpora = map[string]string{
	"codegen": "../codegen/testdata/conformance",
	"node":    "../../core/node/testdata/conformance",
	"air":     "../../core/air/testdata/aqua",
	// Programs written for the modules: services, every kind of
	// argument and result, and the order of what a file outputs.
	"programs": "testdata/programs",
}

var flagsLine = regexp.MustCompile(`(?m)^-- flags:(.*)$`)

// compile checks and compiles one program with the options its flags
// line asks for.
func compile(t testing.TB, path string) (*aqua.Program, []codegen.Function) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var opts codegen.Options
	if m := flagsLine.FindSubmatch(src); m != nil {
		for _, f := range strings.Fields(string(m[1])) {
			switch f {
			case "--no-relay":
				opts.NoRelay = true
			case "--no-xor":
				opts.NoXor = true
			}
		}
	}
	prog, diags := aqua.Check(aqua.Config{}, path)
	if diags.HasErrors() {
		t.Fatalf("%s: %v", path, diags)
	}
	fns, err := codegen.Generate(prog, opts)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return prog, fns
}

func readGolden(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".txtar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range txtar.Parse(data).Files {
		out[f.Name] = string(bytes.TrimSuffix(f.Data, []byte("\n")))
	}
	return out
}

// TestReference compares our modules with the reference's, file by
// file, over every corpus.
func TestReference(t *testing.T) {
	total, identical := 0, 0
	for corpus, dir := range corpora {
		golden := readGolden(t, corpus)
		programs, err := filepath.Glob(filepath.Join(dir, "*.aqua"))
		if err != nil || len(programs) == 0 {
			t.Fatalf("no programs in %s", dir)
		}
		for _, p := range programs {
			prog, fns := compile(t, p)
			for _, target := range []Target{JS, TS} {
				files, err := Generate(prog, fns, target)
				if err != nil {
					t.Errorf("%s: %v", p, err)
					continue
				}
				if len(files) == 0 {
					t.Errorf("%s: no module", p)
				}
				for _, f := range files {
					want, ok := golden[f.Name]
					if !ok {
						// A program added to a corpus after the golden
						// files were made; .ci/js-module.sh compares it.
						t.Logf("%s: no golden %s: refresh testdata/%s.txtar.gz (testdata/refresh.mjs)", p, f.Name, corpus)
						continue
					}
					total++
					switch {
					case f.Content != want:
						t.Errorf("%s: %s differs from the reference's:\n%s", p, f.Name, firstDiff(want, f.Content))
					default:
						identical++
					}
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("no module compared")
	}
	t.Logf("byte-identical to aqua-api 0.14.6: %d of %d files", identical, total)
}

// firstDiff shows the first line where two texts differ, with some
// context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return strings.Join([]string{
				"line " + itoa(i+1),
				"  want: " + quote(w),
				"  got:  " + quote(g),
			}, "\n")
		}
	}
	return "(equal)"
}

func itoa(i int) string     { return strconv.Itoa(i) }
func quote(s string) string { return strconv.Quote(s) }
