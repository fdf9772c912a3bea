package codegen_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
)

var updateReference = flag.Bool("update-reference", false, "regenerate testdata/conformance/*.air with the reference compiler (needs the oracle)")

// minIdentical is the share of functions whose AIR must be byte-identical
// to the reference compiler's. Raise it when the generator improves; the
// test fails if it drops.
const minIdentical = 1.0

const conformanceDir = "testdata/conformance"

// options reads the "-- flags:" line of a program.
func options(src string) (codegen.Options, []string) {
	var opts codegen.Options
	var flags []string
	for _, line := range strings.Split(src, "\n") {
		rest, ok := strings.CutPrefix(line, "-- flags:")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			flags = append(flags, f)
			switch f {
			case "--no-relay":
				opts.NoRelay = true
			case "--no-xor":
				opts.NoXor = true
			}
		}
	}
	return opts, flags
}

// splitFunctions parses ";; func NAME" sections.
func splitFunctions(out string) map[string]string {
	fns := map[string]string{}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			fns[name] = strings.TrimRight(body.String(), "\n") + "\n"
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(out, "\n") {
		if n, ok := strings.CutPrefix(line, ";; func "); ok {
			flush()
			name = strings.TrimSpace(n)
			continue
		}
		body.WriteString(line)
	}
	flush()
	return fns
}

func TestConformance(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.aqua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no programs in %s: %v", conformanceDir, err)
	}
	if *updateReference {
		regenerate(t, files)
	}
	total, identical := 0, 0
	var differ []string
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		golden, err := os.ReadFile(strings.TrimSuffix(file, ".aqua") + ".air")
		if err != nil {
			t.Errorf("%s: no golden AIR (run with -update-reference): %v", file, err)
			continue
		}
		want := splitFunctions(string(golden))
		opts, _ := options(string(src))
		prog, diags := aqua.Check(aqua.Config{}, file)
		if diags.HasErrors() {
			t.Errorf("%s: %v", file, diags.Err())
			total += len(want)
			continue
		}
		fns, genErr := codegen.Generate(prog, opts)
		got := map[string]string{}
		for _, f := range fns {
			got[f.Name] = air.Print(f.Script)
		}
		names := make([]string, 0, len(want))
		for n := range want {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, name := range names {
			total++
			g, ok := got[name]
			switch {
			case !ok:
				differ = append(differ, file+" "+name+": not generated: "+errString(genErr))
			case g == want[name]:
				identical++
			default:
				differ = append(differ, file+" "+name+": differs")
				if _, err := air.Parse(g); err != nil {
					t.Errorf("%s %s: generated AIR does not parse: %v", file, name, err)
				}
			}
		}
	}
	share := float64(identical) / float64(total)
	t.Logf("byte-identical to the reference: %d of %d functions (%.1f%%)", identical, total, 100*share)
	for _, d := range differ {
		t.Log("  " + d)
	}
	if share < minIdentical {
		t.Errorf("identical share %.3f fell below the recorded %.3f", share, minIdentical)
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// regenerate runs the reference compiler on every program.
func regenerate(t *testing.T, files []string) {
	oracle := os.Getenv("ORACLE")
	if oracle == "" {
		oracle = "/work/shared/oracle/oracle"
	}
	if _, err := os.Stat(oracle); err != nil {
		t.Fatalf("-update-reference needs the reference compiler: set ORACLE (%v)", err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		_, flags := options(string(src))
		cmd := exec.Command(oracle, append([]string{"compile", file}, flags...)...)
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("reference compiler failed on %s: %v", file, err)
			continue
		}
		if err := os.WriteFile(strings.TrimSuffix(file, ".aqua")+".air", out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
