package aqua

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/parser"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// dump is a parse as text: the tree with its positions, then the
// diagnostics in order.
func dump(t *testing.T, fset *token.FileSet, tree *ast.File, diags diag.List) string {
	t.Helper()
	var b strings.Builder
	if err := ast.Fprint(&b, fset, tree); err != nil {
		t.Fatal(err)
	}
	diags = append(diag.List(nil), diags...)
	diags.Sort()
	for _, d := range diags {
		b.WriteString("\n" + d.Pos.String() + "-" + d.End.String() + ": " + d.Msg)
	}
	return b.String()
}

// partsParse parses src as a Workspace parses the files it keeps.
func partsParse(t *testing.T, ws *Workspace, name string, src []byte) (string, *ast.File) {
	t.Helper()
	l := newLoader(ws, nil)
	_, tree, diags := l.parseKept(name, name, src)
	return dump(t, l.prog.Fset, tree, diags), tree
}

// wholeParse parses src whole, as the parser does.
func wholeParse(t *testing.T, name string, src []byte) string {
	t.Helper()
	fset := token.NewFileSet()
	tree, diags := parser.ParseFile(fset.AddFile(name, src))
	return dump(t, fset, tree, diags)
}

// aquaSources are the repository's Aqua sources that the front end's
// tests read.
func aquaSources(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"testdata", "examples", filepath.Join("parser", "testdata"), filepath.Join("codegen", "testdata", "conformance")} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".aqua" {
				return err
			}
			src, err := os.ReadFile(path)
			out[path] = src
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d sources", len(out))
	}
	return out
}

// partsEdits are the texts typed into a file by TestPartsMatchWhole:
// letters, brackets left open or closed early, lines broken and joined,
// comments, declarations and header lines anywhere.
var partsEdits = []string{"x", "(", ")", "[", "]", "{", "\n", "\n\n", " ", "  ", ":", "--", "\"", "<-", "\nfunc g():\n  <- 1\n", "\nexport f\n", "\n)", "\ndata D:\n  a: u32", "\n-- note\n"}

// TestPartsMatchWhole types at random into every Aqua source of the
// repository, and checks after each edit that the parse a Workspace
// assembles from the parts it keeps is the parser's parse of the whole
// text: the same tree at the same positions, the same diagnostics.
func TestPartsMatchWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ws := NewWorkspace(Config{})
	reused := 0
	for name, src := range aquaSources(t) {
		text := string(src)
		for step := range 8 {
			got, tree := partsParse(t, ws, name, []byte(text))
			if want := wholeParse(t, name, []byte(text)); got != want {
				t.Fatalf("%s after %d edits:\n%s\nparsed in parts:\n%s\nparsed whole:\n%s", name, step, text, got, want)
			}
			// The same text again: every declaration is reused.
			if _, again := partsParse(t, ws, name, []byte(text)); len(again.Decls) != len(tree.Decls) {
				t.Fatalf("%s: %d declarations, then %d", name, len(tree.Decls), len(again.Decls))
			} else {
				for i := range tree.Decls {
					if again.Decls[i] == tree.Decls[i] {
						reused++
					}
				}
			}
			at := rng.IntN(len(text) + 1)
			if rng.IntN(4) == 0 && at < len(text) {
				text = text[:at] + text[at+1:]
			} else {
				text = text[:at] + partsEdits[rng.IntN(len(partsEdits))] + text[at:]
			}
		}
	}
	if reused == 0 {
		t.Error("no declaration was reused")
	}
}

// TestPartsReuse checks that an edit inside one function re-parses that
// function only, though the declarations after it moved, and that their
// positions are where they now stand.
func TestPartsReuse(t *testing.T) {
	var b strings.Builder
	b.WriteString("aqua M\n\nexport f0\n\n")
	for i := range 50 {
		b.WriteString("func f" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "() -> string:\n  <- \"v\"\n\n")
	}
	text := b.String()
	ws := NewWorkspace(Config{})
	l := newLoader(ws, nil)
	_, before, _ := l.parseKept("m.aqua", "m.aqua", []byte(text))
	edited := strings.Replace(text, "<- \"v\"", "<- \"value\"\n  -- longer", 1)
	l = newLoader(ws, nil)
	tf, after, _ := l.parseKept("m.aqua", "m.aqua", []byte(edited))
	if after.Decls[0] == before.Decls[0] {
		t.Error("the edited function was not parsed again")
	}
	for i := 1; i < len(after.Decls); i++ {
		if after.Decls[i] != before.Decls[i] {
			t.Errorf("declaration %d was parsed again", i)
		}
	}
	last := after.Decls[len(after.Decls)-1].(*ast.FuncDecl)
	if got, want := l.prog.Fset.Position(last.Name.Pos()).Offset, strings.LastIndex(edited, "func ")+len("func "); got != want || tf.Pos(want) != last.Name.Pos() {
		t.Errorf("the last function's name is at offset %d, want %d", got, want)
	}
}

// TestPartsGrow checks a function that outgrows the room left after it:
// the parts after it are parsed again as far as they must be to keep
// the Pos ranges rising through the file, and the parse is still the
// parser's.
func TestPartsGrow(t *testing.T) {
	var b strings.Builder
	b.WriteString("aqua M\n\n")
	for i := range 40 {
		b.WriteString("func f" + strings.Repeat("x", i) + "() -> string:\n  <- \"v\"\n\n")
	}
	text := b.String()
	ws := NewWorkspace(Config{})
	_, before := partsParse(t, ws, "m.aqua", []byte(text))
	for range 3 {
		text = strings.Replace(text, "<- \"v\"", "x <- \"v\"\n"+strings.Repeat("  y <- \"w\"\n", 20)+"  <- \"v\"", 1)
		got, after := partsParse(t, ws, "m.aqua", []byte(text))
		if want := wholeParse(t, "m.aqua", []byte(text)); got != want {
			t.Fatalf("parsed in parts:\n%s\nparsed whole:\n%s", got, want)
		}
		if last := len(after.Decls) - 1; after.Decls[last] != before.Decls[last] {
			t.Error("the last function was parsed again")
		}
		before = after
	}
}
