package format_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/format"
	"github.com/aquarium-p2p/aquarium/core/air"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestGolden formats testdata/*.input and compares with *.golden; the
// golden output must itself be a fixed point.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.input")
	if len(files) == 0 {
		t.Fatal("no testdata/*.input")
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := format.Source(in, src)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".input") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("formatted %s differs from %s:\n%s", in, golden, got)
			}
			again, err := format.Source(golden, got)
			if err != nil || !bytes.Equal(again, got) {
				t.Errorf("formatting the golden output changes it (err %v):\n%s", err, again)
			}
		})
	}
}

func TestSyntaxErrorsAreRefused(t *testing.T) {
	for _, src := range []string{"func f(:\n  x\n", "aqua A\nfunc f():\n  x = = 1\n", "func f():\n  s = \"open\n"} {
		if _, err := format.Source("bad.aqua", []byte(src)); err == nil {
			t.Errorf("formatted %q without an error", src)
		}
	}
}

// corpus lists every Aqua program in the repository's test data.
func corpus(t testing.TB) []string {
	var files []string
	for _, pattern := range []string{
		"../codegen/testdata/conformance/*.aqua",
		"../examples/*.aqua",
		"../testdata/*/*.aqua",
		"../parser/testdata/*.aqua",
		"testdata/*.input",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("corpus has only %d files", len(files))
	}
	return files
}

// TestCorpus formats every program of the corpus and checks the
// properties formatting promises: it is idempotent, keeps every token and
// comment, and the formatted program checks with the same diagnostics and
// compiles to the same AIR.
func TestCorpus(t *testing.T) {
	formatted := 0
	for _, file := range corpus(t) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := format.Source(file, src)
		if err != nil {
			continue // programs with syntax errors are left alone
		}
		formatted++
		again, err := format.Source(file, out)
		if err != nil || !bytes.Equal(again, out) {
			t.Errorf("%s: formatting is not idempotent (err %v)", file, err)
			continue
		}
		if got, want := commentCount(out), commentCount(src); got != want {
			t.Errorf("%s: %d comments after formatting, %d before", file, got, want)
		}
		dir := filepath.Dir(file)
		orig, origDiags := check(t, dir, filepath.Base(file), src)
		fmtd, fmtDiags := check(t, dir, filepath.Base(file), out)
		if !slices.Equal(origDiags, fmtDiags) {
			t.Errorf("%s: diagnostics differ after formatting:\n before %q\n after  %q", file, origDiags, fmtDiags)
			continue
		}
		if orig == nil {
			continue
		}
		if !maps2Equal(orig, fmtd) {
			t.Errorf("%s: AIR differs after formatting", file)
		}
	}
	t.Logf("formatted %d programs", formatted)
}

func commentCount(src []byte) int {
	n := 0
	for _, line := range strings.Split(string(src), "\n") {
		if i := strings.Index(line, "--"); i >= 0 && strings.Count(line[:i], "\"")%2 == 0 {
			n++
		}
	}
	return n
}

// check type-checks source as if it were the named file in dir and
// compiles it; it returns the AIR by function (nil if it has errors) and
// the diagnostics without positions, which formatting may move.
func check(t testing.TB, dir, name string, src []byte) (map[string]string, []string) {
	prog, diags := aqua.CheckSource(aqua.Config{}, filepath.Join(dir, name), src)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Msg)
	}
	if diags.HasErrors() {
		return nil, msgs
	}
	fns, err := codegen.Generate(prog, codegen.Options{})
	out := map[string]string{}
	for _, f := range fns {
		out[f.Name] = air.Print(f.Script)
	}
	if err != nil {
		out["error"] = err.Error()
	}
	return out, msgs
}

func maps2Equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// FuzzSource checks, for any input that formats, that the result is a
// fixed point of formatting and still parses.
func FuzzSource(f *testing.F) {
	for _, file := range corpus(f) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := format.Source("fuzz.aqua", src)
		if err != nil {
			return
		}
		again, err := format.Source("fuzz.aqua", out)
		if err != nil {
			t.Fatalf("formatted output does not parse: %v\n%s", err, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%s\n---\n%s", out, again)
		}
	})
}

func BenchmarkSource(b *testing.B) {
	src, err := os.ReadFile("testdata/messy.input")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := format.Source("messy.aqua", src); err != nil {
			b.Fatal(err)
		}
	}
}
