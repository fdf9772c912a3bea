package aqua

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
)

// marker is an expectation written in a test file as a trailing comment:
// -- ERROR "regexp" or -- WARNING "regexp" on the line that must fail.
type marker struct {
	line     int
	severity diag.Severity
	rx       *regexp.Regexp
	matched  bool
}

var markerRx = regexp.MustCompile(`-- (ERROR|WARNING) "((?:[^"\\]|\\.)*)"`)

func markers(t *testing.T, src []byte) []*marker {
	t.Helper()
	var out []*marker
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		for _, m := range markerRx.FindAllStringSubmatch(sc.Text(), -1) {
			rx, err := regexp.Compile(strings.ReplaceAll(m[2], `\"`, `"`))
			if err != nil {
				t.Fatalf("line %d: bad marker: %v", n, err)
			}
			sev := diag.Error
			if m[1] == "WARNING" {
				sev = diag.Warning
			}
			out = append(out, &marker{line: n, severity: sev, rx: rx})
		}
	}
	return out
}

// TestDiagnostics checks every file under testdata/reject against the
// markers in it: each diagnostic must match a marker on its line, and
// each marker must be matched. The reference compiler rejects all of
// these files too (it reports only some of the errors).
func TestDiagnostics(t *testing.T) {
	files, _ := filepath.Glob("testdata/reject/*.aqua")
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := markers(t, src)
			_, diags := Check(Config{}, path)
			for _, d := range diags {
				found := false
				for _, m := range want {
					if m.line == d.Pos.Line && m.severity == d.Severity && m.rx.MatchString(d.Error()) {
						m.matched, found = true, true
						break
					}
				}
				if !found {
					t.Errorf("unexpected diagnostic: %s", d.Error())
				}
			}
			for _, m := range want {
				if !m.matched {
					t.Errorf("%s:%d: no %s matching %q", path, m.line, m.severity, m.rx)
				}
			}
		})
	}
}

// TestAccepted checks that programs the reference compiler accepts (the
// examples and testdata/accept) produce no errors and no warnings.
func TestAccepted(t *testing.T) {
	files, _ := filepath.Glob("examples/*.aqua")
	more, _ := filepath.Glob("testdata/accept/*.aqua")
	files = append(files, more...)
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			prog, diags := Check(Config{}, path)
			if len(diags) > 0 {
				var b strings.Builder
				_ = diag.Print(&b, diags, prog.Source())
				t.Errorf("diagnostics:\n%s", b.String())
			}
			if len(prog.Roots) != 1 || len(prog.Roots[0].Module.Exports) == 0 {
				t.Errorf("expected one root module with exports")
			}
		})
	}
}

func TestImports(t *testing.T) {
	fsys := fstest.MapFS{
		"lib/util.aqua": {Data: []byte("aqua Util declares greet, Name\n\nalias Name: string\n\nfunc greet(n: Name) -> string:\n  <- n\n\nfunc hidden() -> string:\n  <- \"h\"\n")},
		"main.aqua":     {Data: []byte("aqua Main\n\nimport \"lib/util\"\nuse \"lib/util.aqua\" as U\n\nexport main\n\nfunc main(n: PeerId) -> string, string:\n  a <- greet(n)\n  b <- U.greet(n)\n  <- a, b\n")},
		"hid.aqua":      {Data: []byte("aqua Hid\n\nimport \"lib/util.aqua\"\n\nfunc f() -> string:\n  <- hidden()\n")},
		"a.aqua":        {Data: []byte("aqua A\n\nimport \"b.aqua\"\n")},
		"b.aqua":        {Data: []byte("aqua B\n\nimport \"a.aqua\"\n")},
		"nohead.aqua":   {Data: []byte("func f() -> string:\n  <- \"x\"\n")},
		"missing.aqua":  {Data: []byte("aqua M\n\nimport \"nowhere.aqua\"\n")},
		"lib.aqua":      {Data: []byte("aqua L\n\nimport Op from \"@fluencelabs/aqua-lib/builtin.aqua\"\nimport \"@fluencelabs/aqua-lib/math\"\n\nfunc f() -> i64:\n  Op.noop()\n  x <- Math.add(1, 2)\n  <- x\n")},
	}
	tests := []struct {
		file string
		want []string // substrings of the diagnostics, in order
	}{
		{"main.aqua", nil},
		{"lib.aqua", nil},
		{"hid.aqua", []string{"hid.aqua:6:6: hidden is defined in module Util but not declared there"}},
		{"a.aqua", []string{"b.aqua:3:8: import cycle: a.aqua -> b.aqua -> a.aqua"}},
		{"nohead.aqua", []string{"nohead.aqua:1:1: warning: missing module header"}},
		{"missing.aqua", []string{"missing.aqua:3:8: cannot find import \"nowhere.aqua\""}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, diags := Check(Config{FS: fsys}, tt.file)
			if len(diags) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%v", len(diags), len(tt.want), diags.Error())
			}
			for i, w := range tt.want {
				if !strings.Contains(diags[i].Error(), w) {
					t.Errorf("diagnostic %d = %q, want it to contain %q", i, diags[i].Error(), w)
				}
			}
		})
	}
}

func TestConstants(t *testing.T) {
	fsys := fstest.MapFS{"c.aqua": {Data: []byte("aqua C\n\nconst GREETING ?= \"hi\"\nconst N = 3\n\nfunc f() -> string:\n  <- GREETING\n")}}
	_, diags := Check(Config{FS: fsys, Constants: map[string]string{"GREETING": `"hello"`}}, "c.aqua")
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	_, diags = Check(Config{FS: fsys, Constants: map[string]string{"GREETING": `42`}}, "c.aqua")
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "cannot return unsigned literal as string") {
		t.Errorf("override with a number: got %v", diags)
	}
}

func TestPrint(t *testing.T) {
	fsys := fstest.MapFS{"p.aqua": {Data: []byte("aqua P\n\nfunc f(peer: string) -> string:\n  <- peeer\n")}}
	prog, diags := Check(Config{FS: fsys}, "p.aqua")
	var b strings.Builder
	if err := diag.Print(&b, diags, prog.Source()); err != nil {
		t.Fatal(err)
	}
	want := "p.aqua:4:6: error: undefined: peeer\n 4 |   <- peeer\n   |      ^~~~~\n    did you mean peer?\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func BenchmarkCheck(b *testing.B) {
	for b.Loop() {
		if _, diags := Check(Config{}, "examples/closures_abilities.aqua"); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
