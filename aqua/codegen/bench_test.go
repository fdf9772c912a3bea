package codegen_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/cputime"
)

// bigProgram generates an Aqua file of about lines lines: many functions
// with calls, on blocks, loops, branches and streams, each exported.
func bigProgram(lines int) string {
	var b strings.Builder
	b.WriteString("service Srv(\"srv\"):\n  get() -> string\n  put(s: string) -> string\n  flag() -> bool\n\n")
	var names []string
	for i := 0; strings.Count(b.String(), "\n") < lines; i++ {
		name := fmt.Sprintf("f%d", i)
		names = append(names, name)
		fmt.Fprintf(&b, `func %s(peer: string, xs: []string) -> []string:
  res: *string
  on peer:
    x <- Srv.get()
    y <- Srv.put(x)
  for v <- xs par:
    on v:
      r <- Srv.put(v)
      res <<- r
  b <- Srv.flag()
  if b:
    res <<- y
  else:
    res <<- "no"
  try:
    z <- Srv.put("z")
    res <<- z
  catch e:
    res <<- e.message
  join res[1]
  <- res

`, name)
	}
	return "aqua Big\n\nexport " + strings.Join(names, ", ") + "\n\n" + b.String()
}

func BenchmarkCompile5000Lines(b *testing.B) {
	src := []byte(bigProgram(5000))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		prog, diags := aqua.CheckSource(aqua.Config{}, "big.aqua", src)
		if diags.HasErrors() {
			b.Fatal(diags.Err())
		}
		if _, err := codegen.Generate(prog, codegen.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate5000Lines(b *testing.B) {
	src := []byte(bigProgram(5000))
	prog, diags := aqua.CheckSource(aqua.Config{}, "big.aqua", src)
	if diags.HasErrors() {
		b.Fatal(diags.Err())
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := codegen.Generate(prog, codegen.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck5000Lines is the front end alone (parse and type-check),
// what an editor runs on every pause in typing.
func BenchmarkCheck5000Lines(b *testing.B) {
	src := []byte(bigProgram(5000))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, diags := aqua.CheckSource(aqua.Config{}, "big.aqua", src); diags.HasErrors() {
			b.Fatal(diags.Err())
		}
	}
}

// BenchmarkCompileCorpus compiles every program of the conformance corpus
// from source to AIR text, one round per iteration: the workload that
// testdata/conformance/speed.sh times the reference compiler on.
func BenchmarkCompileCorpus(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.aqua"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no programs in %s: %v", conformanceDir, err)
	}
	type program struct {
		name string
		src  []byte
		opts codegen.Options
	}
	var programs []program
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		opts, _ := options(string(src))
		programs = append(programs, program{f, src, opts})
	}
	functions := 0
	for b.Loop() {
		functions = 0
		// One Workspace a round, as one run of `aquarium compile` over
		// the directory has: the modules the programs import are checked
		// once a round, each program every round.
		ws := aqua.NewWorkspace(aqua.Config{})
		for _, p := range programs {
			prog, diags := ws.CheckSource(p.name, p.src)
			if diags.HasErrors() {
				b.Fatal(diags.Err())
			}
			fns, err := codegen.Generate(prog, p.opts)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range fns {
				_ = air.Print(f.Script)
			}
			functions += len(fns)
		}
	}
	b.ReportMetric(float64(functions), "functions/op")
}

// BenchmarkCompileTypical compiles a file of about a hundred lines that
// imports aqua-lib and a module of its own, from source to AIR text, as
// the workbench does on every run: the warm compile of one file, in a
// Workspace that checked it before, its text changed at the end each
// time so that it is checked again (and its import is not).
func BenchmarkCompileTypical(b *testing.B) {
	benchTypical(b, true, commentEdit)
}

// BenchmarkCompileTypicalBodyEdit is BenchmarkCompileTypical with an edit
// that changes what a function does (a string it passes on), so that the
// Workspace generates that function's AIR again and reuses the others'.
func BenchmarkCompileTypicalBodyEdit(b *testing.B) {
	benchTypical(b, true, func(src []byte) []byte {
		return bytes.Replace(src, []byte(`withPrefix("reading: ")`), []byte(`withPrefix("reading -> ")`), 1)
	})
}

// BenchmarkCheckTypical is the front end's part of
// BenchmarkCompileTypical.
func BenchmarkCheckTypical(b *testing.B) {
	benchTypical(b, false, commentEdit)
}

// commentEdit adds a comment at the end of a file.
func commentEdit(src []byte) []byte { return append(slices.Clip(src), "\n-- edited\n"...) }

func benchTypical(b *testing.B, generate bool, edit func([]byte) []byte) {
	path := filepath.Join("testdata", "bench", "typical.aqua")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	versions := [][]byte{src, edit(src)}
	if bytes.Equal(versions[0], versions[1]) {
		b.Fatal("the edit changes nothing")
	}
	ws := aqua.NewWorkspace(aqua.Config{})
	if _, diags := ws.CheckSource(path, src); diags.HasErrors() {
		b.Fatal(diags.Err())
	}
	cpu0, measured := cputime.Process()
	n := 0
	for b.Loop() {
		prog, diags := ws.CheckSource(path, versions[n%2])
		n++
		if diags.HasErrors() {
			b.Fatal(diags.Err())
		}
		if !generate {
			continue
		}
		fns, err := codegen.Generate(prog, codegen.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range fns {
			_ = air.Print(f.Script)
		}
	}
	// CPU time is the figure that holds on a loaded machine.
	if cpu1, _ := cputime.Process(); measured && n > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(n), "cpu-ms/op")
	}
}
