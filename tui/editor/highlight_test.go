package editor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	for _, tt := range []struct {
		line string
		want string // class letters per rune: . plain, k keyword, t type, s string, n number, c comment, f func
	}{
		{`func hello(name: string) -> string:`, `kkkk.fffff.......tttttt.....tttttt.`},
		{`  on HOST_PEER_ID:`, `..kk.tttttttttttt.`},
		{`x <- Op.concat("a\"b", 42) -- note`, `.....tt.ffffff.ssssss..nn..ccccccc`},
		{`"open`, `sssss`},
		{``, ``},
	} {
		t.Run(tt.line, func(t *testing.T) {
			line := []rune(tt.line)
			got := []byte(strings.Repeat(".", len(line)))
			for _, s := range Highlight(line) {
				for i := s.Start; i < s.End; i++ {
					got[i] = ".ktsncf"[s.Class]
				}
			}
			if string(got) != tt.want {
				t.Errorf("Highlight(%q)\n got %s\nwant %s", tt.line, got, tt.want)
			}
		})
	}
}

// FuzzHighlight checks that spans are in order, inside the line and never
// overlap, whatever the input.
func FuzzHighlight(f *testing.F) {
	files, _ := filepath.Glob("../../aqua/examples/*.aqua")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			f.Add(strings.TrimRight(line, "\n"))
		}
	}
	f.Add(`"\`)
	f.Add(`-`)
	f.Fuzz(func(t *testing.T, s string) {
		line := []rune(s)
		end := 0
		for _, sp := range Highlight(line) {
			if sp.Start < end || sp.End <= sp.Start || sp.End > len(line) {
				t.Fatalf("bad span %+v after %d in %q", sp, end, s)
			}
			end = sp.End
		}
	})
}
