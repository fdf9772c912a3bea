package lsp

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/core/cputime"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// bigFile is an Aqua file of about n lines: data types, a service and
// functions that call it, on peers, in parallel and in loops.
func bigFile(n int) string {
	var b strings.Builder
	b.WriteString("aqua Big\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nexport f0\n\n")
	b.WriteString("data Item:\n  name: string\n  size: u32\n\nservice Store(\"store\"):\n  get(key: string) -> Item\n  put(item: Item) -> bool\n\n")
	for i := 0; strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, `func f%d(key: string, peers: []string) -> u32:
  item <- Store.get(key)
  results: *bool
  for p <- peers par:
    on p:
      ok <- Store.put(Item(name = item.name, size = item.size))
      results <<- ok
  join results[0]
  if item.size > 10:
    Op.noop()
  <- item.size

`, i)
	}
	return b.String()
}

// BenchmarkKeystroke5000 measures what a keystroke in a 5,000-line file
// costs: applying the edit, re-checking the file and building the
// diagnostics to publish.
func BenchmarkKeystroke5000(b *testing.B) {
	text := bigFile(5000)
	d := &document{path: "big.aqua", text: text}
	ws := aqua.NewWorkspace(aqua.Config{})
	d.analyse(ws)
	if len(d.lspDiagnostics()) != 0 {
		b.Fatalf("the file has errors: %v", d.diags)
	}
	// Type and delete one character in the middle of the file, by turn.
	at := strings.Index(text, "func f200(")
	pos := protocol.Position{Line: uint32(strings.Count(text[:at], "\n")) + 1, Character: 2}
	insert := &protocol.Range{Start: pos, End: pos}
	remove := &protocol.Range{Start: pos, End: protocol.Position{Line: pos.Line, Character: pos.Character + 1}}
	defer debug.SetGCPercent(debug.SetGCPercent(GCPercent))
	b.ReportAllocs()
	cpu0, measured := cputime.Process()
	b.ResetTimer()
	defer func() {
		// CPU time is the figure that holds on a loaded machine, where
		// the check waits for a core.
		if cpu1, _ := cputime.Process(); measured && b.N > 0 {
			b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		}
	}()
	for i := range b.N {
		if i%2 == 0 {
			d.text = applyEdit(d.text, insert, "x")
		} else {
			d.text = applyEdit(d.text, remove, "")
		}
		d.analyse(ws)
		_ = d.lspDiagnostics()
	}
}

func TestBigFileLines(t *testing.T) {
	text := bigFile(5000)
	if n := strings.Count(text, "\n"); n < 5000 || n > 5020 {
		t.Fatalf("%d lines", n)
	}
	d := &document{path: "big.aqua", text: text}
	d.analyse(aqua.NewWorkspace(aqua.Config{}))
	if diags := d.lspDiagnostics(); len(diags) != 0 {
		t.Fatalf("diagnostics: %+v", diags[0])
	}
}

// TestKeystrokesMatchCold types at random into a file as an editor
// does, and checks after every keystroke that the diagnostics the
// server's Workspace gives, reusing what it parsed before, are those of
// a check of its own, and that the names of the file are found where
// they now stand.
func TestKeystrokesMatchCold(t *testing.T) {
	text := bigFile(300)
	ws := aqua.NewWorkspace(aqua.Config{})
	d := &document{path: "big.aqua", text: text}
	rng := rand.New(rand.NewPCG(1, 2))
	typed := []string{"x", "(", ")", "\n", "\n\n", " ", ":", "\"", "func g():\n  <- 1\n", "-- c\n"}
	for step := range 150 {
		at := rng.IntN(len(d.text) + 1)
		pos := lspPosOf(d.text, at)
		if rng.IntN(4) == 0 {
			d.text = applyEdit(d.text, &protocol.Range{Start: pos, End: lspPosOf(d.text, min(at+1, len(d.text)))}, "")
		} else {
			d.text = applyEdit(d.text, &protocol.Range{Start: pos, End: pos}, typed[rng.IntN(len(typed))])
		}
		d.analyse(ws)
		cold := &document{path: d.path, text: d.text}
		cold.analyse(aqua.NewWorkspace(aqua.Config{}))
		got, _ := json.Marshal(d.lspDiagnostics())
		want, _ := json.Marshal(cold.lspDiagnostics())
		if string(got) != string(want) {
			t.Fatalf("after %d keystrokes:\n%s\nthe Workspace reports %s\na check of its own %s", step+1, d.text, got, want)
		}
		for range 5 {
			at := lspPosOf(d.text, rng.IntN(len(d.text)+1))
			if got, want := identText(d, at), identText(cold, at); got != want {
				t.Fatalf("after %d keystrokes: at %d:%d the Workspace finds %s, a check of its own %s", step+1, at.Line, at.Character, got, want)
			}
		}
	}
}

// identText names the identifier at p in a document and where it is.
func identText(d *document, p protocol.Position) string {
	id := d.identAt(d.pos(p))
	if id == nil {
		return "nothing"
	}
	return id.Name + " at " + d.prog.Fset.Position(id.Pos()).String()
}

// lspPosOf is the LSP position of a byte offset of text.
func lspPosOf(text string, off int) protocol.Position {
	line := strings.Count(text[:off], "\n")
	start := strings.LastIndexByte(text[:off], '\n') + 1
	return protocol.Position{Line: uint32(line), Character: uint32(utf16Len(text[start:off]))}
}
