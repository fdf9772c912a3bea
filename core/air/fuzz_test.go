package air

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that the parser never panics, and that for anything it
// accepts, printing is a fixed point: print, parse again, print again gives
// the same text.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.air")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, src := range []string{
		"", "(", ")", "(seq", `"`, "(null) ;", "(ap 1.5. x)", "(ap x.$.[ y)", "(ap #% x)",
		"(ap #$ x)", "(ap :error:. x)", "(fold $s i (next i))", "(ap 99999999999. x)",
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		in, err := Parse(src)
		if err != nil {
			return
		}
		printed := Print(in)
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("printed script does not parse: %v\nsource:\n%s\nprinted:\n%s", err, src, printed)
		}
		if reprinted := Print(again); reprinted != printed {
			t.Fatalf("print is not stable:\n%s", diffLines(printed, reprinted))
		}
	})
}
