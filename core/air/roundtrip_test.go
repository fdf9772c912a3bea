package air

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRoundTrip checks that every script in the corpus parses and prints
// back byte for byte.
func TestRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/*.air")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("corpus has %d scripts, want at least 40", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := Parse(string(src))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if got := Print(in); got != string(src) {
				t.Errorf("print differs from source:\n%s", diffLines(string(src), got))
			}
		})
	}
}
