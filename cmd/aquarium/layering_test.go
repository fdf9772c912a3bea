package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/aquarium-p2p/aquarium"

// layerRule forbids packages under From (module-relative) to depend,
// directly or not, on any package matching one of Deny. A Deny entry ending
// in "/..." matches a tree; module-relative entries start with no host.
type layerRule struct {
	from string
	deny []string
	why  string
}

var (
	terminalUI = []string{"charm.land/bubbletea/...", "charm.land/lipgloss/...", "charm.land/bubbles/...",
		"github.com/charmbracelet/bubbletea/...", "github.com/charmbracelet/lipgloss/...", "github.com/charmbracelet/bubbles/..."}
	p2p  = []string{"github.com/libp2p/..."}
	wasm = []string{"github.com/tetratelabs/wazero/..."}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// layers is the import discipline of the design: arrows point down, core
// is pure, and only the front ends know about the terminal.
var layers = []layerRule{
	{"core/...", concat([]string{"net/...", "marine/...", "aqua/...", "tui/...", "cmd/..."}, terminalUI, p2p, wasm),
		"core is pure Go: no network, no Wasm runtime, no compiler, no terminal"},
	{"aqua/...", concat([]string{"net/...", "marine/...", "tui/...", "cmd/..."}, terminalUI, p2p, wasm),
		"the compiler knows nothing of peers, Wasm or the terminal"},
	{"marine/...", concat([]string{"net/...", "aqua/...", "tui/...", "cmd/..."}, terminalUI, p2p),
		"Marine is a sibling of the compiler, below the network"},
	{"net/...", concat([]string{"tui/...", "cmd/..."}, terminalUI),
		"the network layer does not know the front ends"},
	{"tui/...", concat([]string{"net/...", "marine/...", "cmd/..."}, p2p, wasm),
		"the workbench sees the system only through core/session and core/trace"},
}

// imports is the discipline of direct imports: a front end reaches the
// system through the packages meant for it, though what those import is
// below it too.
var imports = []layerRule{
	{"tui/...", []string{"core/debug/...", "core/node/...", "core/avm/...", "core/builtin/...", "core/particle/...", "core/memnet/..."},
		"the workbench sees the core through core/session and core/trace"},
	{"cmd/...", []string{"core/node/...", "core/memnet/..."},
		"the binary runs functions through core/session, never on a node of its own"},
	{"net/...", []string{"core/memnet/..."},
		"core/memnet is for the tests of core"},
	{"marine/...", []string{"core/memnet/..."},
		"core/memnet is for the tests of core"},
}

// list runs go list over the module with format.
func list(t *testing.T, format string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-e", "-f", format, module+"/...").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	return string(out)
}

func TestLayering(t *testing.T) {
	checked, violations := checkLayers(list(t, `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`), layers)
	if checked == 0 {
		t.Fatal("no package was checked; is the module path right?")
	}
	for _, v := range violations {
		t.Error(v)
	}
}

func TestDirectImports(t *testing.T) {
	checked, violations := checkLayers(list(t, `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`), imports)
	if checked == 0 {
		t.Fatal("no package was checked; is the module path right?")
	}
	for _, v := range violations {
		t.Error(v)
	}
}

// TestOneTestNetwork checks that the tests carry particles between peers
// on core/memnet only: no test declares a transport of its own.
func TestOneTestNetwork(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, name := range transports(f) {
			t.Errorf("%s: %s sends particles; tests use core/memnet", p, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// transports returns the types in f with a method of node.Transport's
// shape: Send(ctx, to, *particle.Particle) error.
func transports(f *ast.File) []string {
	var out []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "Send" || fn.Type.Params.NumFields() != 3 {
			continue
		}
		last := fn.Type.Params.List[len(fn.Type.Params.List)-1].Type
		if star, ok := last.(*ast.StarExpr); ok {
			if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Particle" {
				out = append(out, recvName(fn.Recv.List[0].Type))
			}
		}
	}
	return out
}

// recvName names a receiver's type.
func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "a type"
}

func TestTransportsFindsATestNetwork(t *testing.T) {
	src := `package x
type loop struct{}
func (l *loop) Send(ctx context.Context, to peer.ID, p *particle.Particle) error { return nil }
func (l *loop) Other(ctx context.Context, to peer.ID, p *particle.Particle) error { return nil }
`
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := transports(f); len(got) != 1 || got[0] != "loop" {
		t.Errorf("transports = %q, want [loop]", got)
	}
}

func TestLayeringCatchesViolations(t *testing.T) {
	listing := module + "/core/air " + module + "/net/host strings\n" +
		module + "/tui/editor charm.land/bubbletea/v2 " + module + "/core/session\n" +
		module + "/aqua/parser charm.land/lipgloss/v2\n"
	_, got := checkLayers(listing, layers)
	want := []string{
		module + "/core/air depends on " + module + "/net/host: core is pure Go: no network, no Wasm runtime, no compiler, no terminal",
		module + "/aqua/parser depends on charm.land/lipgloss/v2: the compiler knows nothing of peers, Wasm or the terminal",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkLayers reads "pkg dep dep..." lines and returns how many packages
// one of rules applied to and every forbidden dependency found.
func checkLayers(listing string, rules []layerRule) (checked int, violations []string) {
	for line := range strings.Lines(listing) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg, deps := fields[0], fields[1:]
		for _, rule := range rules {
			if !matches(pkg, rule.from) {
				continue
			}
			checked++
			for _, dep := range deps {
				for _, deny := range rule.deny {
					if matches(dep, deny) {
						violations = append(violations, pkg+" depends on "+dep+": "+rule.why)
					}
				}
			}
		}
	}
	return checked, violations
}

// matches reports whether the import path pkg matches pattern, which is
// module-relative unless its first element contains a dot.
func matches(pkg, pattern string) bool {
	if first, _, _ := strings.Cut(pattern, "/"); !strings.Contains(first, ".") {
		pattern = path.Join(module, pattern)
		if strings.HasSuffix(pattern, "/..") { // path.Join cleans "/..."
			pattern += "."
		}
	}
	tree, isTree := strings.CutSuffix(pattern, "/...")
	if isTree {
		return pkg == tree || strings.HasPrefix(pkg, tree+"/")
	}
	return pkg == pattern
}

func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		pkg, pattern string
		want         bool
	}{
		{module + "/core/air", "core/...", true},
		{module + "/core", "core/...", true},
		{module + "/corex", "core/...", false},
		{module + "/core/avm/data", "core/avm/...", true},
		{"github.com/libp2p/go-libp2p/core", "github.com/libp2p/...", true},
		{"charm.land/bubbletea/v2", "charm.land/bubbletea/...", true},
		{module + "/tui", "tui/...", true},
	} {
		if got := matches(tt.pkg, tt.pattern); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.pkg, tt.pattern, got, tt.want)
		}
	}
}
