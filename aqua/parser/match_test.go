package parser

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// The descent parser is held to the grammar in grammar_test.go: every
// line both read must give the same tree, positions included, and a
// line one rejects the other must reject too. Syntax error messages are
// not compared: the descent parser reports the furthest failure, which
// participle does not.

// TestParserMatchesGrammar reads every .aqua file of the repository (the
// test programs under testdata, the examples, and the standard library
// that aqua/stdlib embeds from aqua/stdlib/lib) line by line with both
// parsers.
func TestParserMatchesGrammar(t *testing.T) {
	root := filepath.Join("..", "..")
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && filepath.Ext(path) == ".aqua" {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(paths, filepath.Join(root, "aqua", "stdlib", "lib", "builtin.aqua")) {
		t.Fatalf("the standard library is not among the %d .aqua files found under %s", len(paths), root)
	}
	for _, path := range paths {
		name, _ := filepath.Rel(root, path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			compareFile(t, token.NewFileSet().AddFile(name, src))
		})
	}
}

// FuzzParserMatchesGrammar checks that for any input both parsers
// accept the same lines, whatever kind of line each is read as, and
// build the same trees for them.
func FuzzParserMatchesGrammar(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		compareFile(t, token.NewFileSet().AddFile("fuzz.aqua", []byte(src)))
	})
}

// compareFile reads every line of file with both parsers as every kind
// of line: what it is where it stands, and what it would be anywhere
// else, where both should reject most lines.
func compareFile(t testing.TB, file *token.File) {
	t.Helper()
	eachLine(file, func(toks []token.Token, _ lineKind) {
		for k := kindTop; k <= kindExpr; k++ {
			compareLine(t, file, toks, k)
		}
	})
}

// eachLine calls fn for every logical line of file, with the kind of
// line it is where it stands: the lines under data, service and ability
// are members, those under any other line statements.
func eachLine(file *token.File, fn func(toks []token.Token, k lineKind)) {
	toks, _ := lexer.Lex(file)
	var walk func(lines []*line, k lineKind)
	walk = func(lines []*line, k lineKind) {
		for _, ln := range lines {
			fn(ln.toks, k)
			under := kindStmt
			if k == kindTop && isWord(ln.toks[0], "data", "service", "ability") {
				under = kindMember
			}
			walk(ln.children, under)
		}
	}
	p := &parser{file: file}
	walk(p.lines(toks), kindTop)
}

// compareLine reads the tokens of one line as a line of kind k with both
// parsers and reports any difference: one accepts the line and the other
// does not, the trees differ, or the problems found in a line that
// parses differ.
func compareLine(t testing.TB, file *token.File, toks []token.Token, k lineKind) {
	t.Helper()
	spec := &specParser{file: file}
	want, specOK := spec.line(toks, k)
	got, errs, ok := descentLine(file, toks, k)
	where := fmt.Sprintf("%s: %s %q", file.Position(toks[0].Pos), k, file.Source()[file.Offset(toks[0].Pos):file.Offset(toks[len(toks)-1].End)])
	switch {
	case ok != specOK:
		t.Errorf("%s: the grammar accepts it: %t; the descent parser: %t", where, specOK, ok)
		return
	case !ok:
		return
	}
	opts := cmp.Options{cmp.AllowUnexported(stmtLine{})}
	if !cmp.Equal(want, got, opts) {
		t.Errorf("%s: trees differ (-grammar +descent):\n%s", where, cmp.Diff(want, got, opts, positions(file)))
	}
	if diff := cmp.Diff(messages(spec.errs), messages(errs)); diff != "" {
		t.Errorf("%s: problems differ (-grammar +descent):\n%s", where, diff)
	}
}

// descentLine reads the tokens of one line as a line of kind k with the
// descent parser, by the same calls as ParseFile and ParseExpr, and
// returns the tree and the problems it reports. A top-level line is read
// as if nothing were under it, and its members or body are left out.
func descentLine(file *token.File, toks []token.Token, k lineKind) (any, diag.List, bool) {
	p := &parser{file: file}
	ln := &line{toks: toks}
	var n any
	var ok bool
	switch k {
	case kindTop:
		f := &ast.File{}
		ok = p.topLine(f, ln)
		if ok {
			n = lineNode(f)
		}
	case kindMember:
		n, ok = p.memberLineOf(ln)
	case kindStmt:
		n, ok = p.stmtLineOf(toks, ln)
	case kindExpr:
		n, ok = parseLine(p, toks, ln, (*lineParser).expr)
	}
	return n, p.errs, ok
}

// lineNode returns what topLine added to f for a line with nothing
// under it, without the members or body it would have.
func lineNode(f *ast.File) any {
	switch {
	case f.Header != nil:
		return f.Header
	case len(f.Imports) > 0:
		return f.Imports[0]
	case len(f.Exports) > 0:
		return f.Exports[0]
	}
	switch d := f.Decls[0].(type) {
	case *ast.DataDecl:
		d.Fields = nil
	case *ast.AbilityDecl:
		d.Fields = nil
	case *ast.FuncDecl:
		d.Body = nil
	}
	return f.Decls[0]
}

// messages returns the syntax errors among ds: what a line grammar
// says about a line it accepts. The rest (a block with no body, say)
// is about the lines around it.
func messages(ds diag.List) []string {
	var out []string
	for _, d := range ds {
		if strings.HasPrefix(d.Msg, "syntax error") {
			out = append(out, d.Error())
		}
	}
	return out
}

// positions shows positions in a diff as line:column.
func positions(file *token.File) cmp.Option {
	return cmp.Transformer("Position", func(p token.Pos) string {
		if !p.IsValid() {
			return "NoPos"
		}
		pos := file.Position(p)
		return fmt.Sprintf("%d:%d", pos.Line, pos.Column)
	})
}
