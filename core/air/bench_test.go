package air

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// bigScript returns a script of at least 1 MB made of the corpus scripts,
// joined by a balanced tree of seq so that nesting stays realistic.
var bigScript = sync.OnceValue(func() string {
	files, _ := filepath.Glob("testdata/*.air")
	var parts []Instr
	size := 0
	for size < 1<<20 {
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				panic(err)
			}
			in, err := Parse(string(src))
			if err != nil {
				panic(err)
			}
			parts = append(parts, in)
			size += len(src)
		}
	}
	for len(parts) > 1 {
		var next []Instr
		for i := 0; i+1 < len(parts); i += 2 {
			next = append(next, &Seq{Left: parts[i], Right: parts[i+1]})
		}
		if len(parts)%2 == 1 {
			next = append(next, parts[len(parts)-1])
		}
		parts = next
	}
	return Print(parts[0])
})

func BenchmarkParse(b *testing.B) {
	src := bigScript()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrint(b *testing.B) {
	src := bigScript()
	in, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if out := Print(in); len(out) != len(src) {
			b.Fatal("printed size differs")
		}
	}
}

func TestBigScriptRoundTrip(t *testing.T) {
	src := bigScript()
	if len(src) < 1<<20 {
		t.Fatalf("big script is %d bytes", len(src))
	}
	in, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if Print(in) != src {
		t.Fatal("big script does not round trip")
	}
	if !strings.HasSuffix(src, ")\n") {
		t.Fatal("printed script does not end with a newline")
	}
}
