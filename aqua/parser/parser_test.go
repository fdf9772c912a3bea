package parser

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

var update = flag.Bool("update", false, "rewrite golden files")

func parse(t testing.TB, src string) (*ast.File, []string) {
	t.Helper()
	f, errs := ParseFile(token.NewFileSet().AddFile("t.aqua", []byte(src)))
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return f, msgs
}

// body parses src as the body of a function and returns its statements.
func body(t *testing.T, src string) []ast.Stmt {
	t.Helper()
	var b strings.Builder
	b.WriteString("func f():\n")
	for _, l := range strings.Split(src, "\n") {
		b.WriteString("  " + l + "\n")
	}
	f, errs := parse(t, b.String())
	if len(errs) > 0 {
		t.Fatalf("parse %q: %s", src, strings.Join(errs, "\n"))
	}
	return f.Decls[0].(*ast.FuncDecl).Body.Stmts
}

func TestExprPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + b * c", "(a + (b * c))"},
		{"a - b - c", "((a - b) - c)"},
		{"a ** b ** c", "(a ** (b ** c))"},
		{"a * b ** c", "(a * (b ** c))"},
		{"!a && b || c", "((!a && b) || c)"},
		{"a || b && c", "(a || (b && c))"},
		{"a == b && c != d", "((a == b) && (c != d))"},
		{"a + 1 < b * 2", "((a + 1) < (b * 2))"},
		{"a < b == true", "((a < b) == true)"},
		{"(a + b) * c", "((a + b) * c)"},
		{"a - -1", "(a - -1)"},
		{"-2.5", "-2.5"},
		{"a % b / c", "((a % b) / c)"},
		{"x.y.z[i + 1]!", "x.y.z[(i + 1)]!"},
		{"s!2", "s!2"},
		{"xs.length", "xs.length"},
		{"Srv.f(a, b)", "Srv.f(a, b)"},
		{"Mod.Srv.f()", "Mod.Srv.f()"},
		{"f{A, B}(x)", "f{A, B}(x)"},
		{"Point(x = 1, y)", "Point(x = 1, y)"},
		{"p.copy(x = 2)", "p.copy(x = 2)"},
		{"m.get(\"k\").length", "m.get(\"k\").length"},
		{"[1, 2]", "[1, 2]"},
		{"?[a]", "?[a]"},
		{"*[]", "*[]"},
		{"%init_peer_id%", "%init_peer_id%"},
		{"!(a || b)", "!(a || b)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			stmts := body(t, "x = "+tt.src)
			got := ast.ExprString(stmts[0].(*ast.AssignStmt).Value)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStatements(t *testing.T) {
	tests := []struct {
		src  string
		want string // %T of the first statement, and a detail
	}{
		{"x <- f(a)", "*ast.CallStmt 1"},
		{"a, b <- Srv.g()", "*ast.CallStmt 2"},
		{"f()", "*ast.CallStmt 0"},
		{"s <<- 1", "*ast.PushStmt false"},
		{"m <<- \"k\", 1", "*ast.PushStmt true"},
		{"s: *string", "*ast.DeclStmt *string"},
		{"m: %u32", "*ast.DeclStmt %u32"},
		{"<- a, b", "*ast.ReturnStmt 2"},
		{"on p via r via q:\n  f()", "*ast.OnStmt 2"},
		{"par f()", "*ast.ParStmt *ast.CallStmt"},
		{"co on p:\n  f()", "*ast.CoStmt *ast.OnStmt"},
		{"join a, s[2]", "*ast.JoinStmt 2"},
		{"for x <- xs par:\n  f(x)", "*ast.ForStmt par"},
		{"for x <- s rec:\n  f(x)", "*ast.ForStmt rec"},
		{"for k, v <- m:\n  f(k)", "*ast.ForStmt k"},
		{"parseq x <- xs on x via r:\n  f()", "*ast.ParSeqStmt 1"},
		{"if a:\n  f()\nelse:\n  g()", "*ast.IfStmt else"},
		{"try:\n  f()\ncatch e:\n  g()\notherwise:\n  h()", "*ast.TryStmt catch otherwise"},
		{"f()\notherwise:\n  g()", "*ast.TryStmt implicit"},
		{"Srv \"id\"", "*ast.ServiceIDStmt Srv"},
		{"Lib.Srv id", "*ast.ServiceIDStmt Lib.Srv"},
		{"g = (a: string) -> string:\n  <- a", "*ast.AssignStmt closure"},
		{"g = func () -> ():\n  f()", "*ast.AssignStmt detached"},
		{"on = f()", "*ast.AssignStmt value"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s := body(t, tt.src)[0]
			var detail string
			switch s := s.(type) {
			case *ast.CallStmt:
				detail = fmt.Sprint(len(s.Results))
			case *ast.PushStmt:
				detail = fmt.Sprint(s.Key != nil)
			case *ast.DeclStmt:
				detail = ast.TypeString(s.Type)
			case *ast.ReturnStmt:
				detail = fmt.Sprint(len(s.Results))
			case *ast.OnStmt:
				detail = fmt.Sprint(len(s.Via))
			case *ast.ParStmt:
				detail = fmt.Sprintf("%T", s.Stmt)
			case *ast.CoStmt:
				detail = fmt.Sprintf("%T", s.Stmt)
			case *ast.JoinStmt:
				detail = fmt.Sprint(len(s.Args))
			case *ast.ForStmt:
				detail = s.Mode.String()
				if s.Key != nil {
					detail = s.Key.Name
				}
			case *ast.ParSeqStmt:
				detail = fmt.Sprint(len(s.Via))
			case *ast.IfStmt:
				if s.Else != nil {
					detail = "else"
				}
			case *ast.TryStmt:
				switch {
				case s.Implicit:
					detail = "implicit"
				case s.Catch != nil && s.Otherwise != nil:
					detail = "catch otherwise"
				}
			case *ast.ServiceIDStmt:
				detail = s.Service.String()
			case *ast.AssignStmt:
				detail = "value"
				if fn, ok := s.Value.(*ast.FuncLit); ok {
					detail = "closure"
					if fn.Detached {
						detail = "detached"
					}
				}
			}
			if got := fmt.Sprintf("%T %s", s, detail); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestTypes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"alias T: []?*u8", "[]?*u8"},
		{"alias T: %Lib.Point", "%Lib.Point"},
		{"alias T: string -> bool", "(string) -> bool"},
		{"alias T: string, u32 -> ()", "(string, u32) -> ()"},
		{"alias T: -> string", "() -> string"},
		{"alias T: {Ab} string -> (u8 -> u8), bool", "{Ab}(string) -> ((u8) -> u8), bool"},
		{"alias T: ⊤", "⊤"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, errs := parse(t, tt.src)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			got := ast.TypeString(f.Decls[0].(*ast.AliasDecl).Type)
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParamsAreNotArrowTypes(t *testing.T) {
	f, errs := parse(t, "func f(a: string, b: u32, cb: string, u32 -> bool) -> u32:\n  <- b\n")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := ast.TypeString(f.Decls[0].(*ast.FuncDecl).Type)
	if want := "(a: string, b: u32, cb: (string, u32) -> bool) -> u32"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestErrors checks that each syntax error is reported once, at the right
// place, and that parsing continues after it.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"bad line then good", "func f():\n  x = = 1\n  y = 2\n  z = )\n",
			[]string{"t.aqua:2:7: syntax error: unexpected token \"=\"", "t.aqua:4:7: syntax error: unexpected token \")\""}},
		{"empty block", "func f():\nfunc g():\n  f()\n",
			[]string{"t.aqua:1:1: block has no body: indent its statements under this line"}},
		{"unexpected indent", "func f():\n  x = 1\n    y = 2\n",
			[]string{"t.aqua:3:5: unexpected indentation: only a line ending in ':' opens a block"}},
		{"else without if", "func f():\n  g()\n  else:\n    h()\n",
			[]string{"t.aqua:3:3: else without a preceding if"}},
		{"catch without try", "func f():\n  catch e:\n    h()\n",
			[]string{"t.aqua:2:3: catch without a preceding try"}},
		{"import after decl", "data A:\n  x: u8\nimport \"x\"\n",
			[]string{"t.aqua:3:1: import must come before the declarations of the file"}},
		{"header not first", "import \"x\"\naqua A\n",
			[]string{"t.aqua:2:1: the module header must be the first line of the file"}},
		{"module keyword", "module A\n", []string{"t.aqua:1:1: warning: 'module' is deprecated; write 'aqua A'"}},
		{"service field", "service S:\n  x: string\n",
			[]string{"t.aqua:2:3: service member x must be an arrow, like x(arg: string) -> string"}},
		{"data arrow", "data D:\n  f: string -> string\n",
			[]string{"t.aqua:2:3: data field f cannot have an arrow type: data holds values only"}},
		{"chained comparison", "func f():\n  x = a < b < c\n",
			[]string{"t.aqua:2:13: syntax error: comparisons do not chain"}},
		{"abilities without call", "func f():\n  x = g{A}\n",
			[]string{"t.aqua:2:7: syntax error: abilities {...} must be followed by arguments (...)"}},
		{"par without statement", "func f():\n  par\n",
			[]string{"t.aqua:2:6: syntax error: unexpected end of line: expected a statement after par"}},
		{"unknown top-level line", "x = 1\n",
			[]string{"t.aqua:1:1: syntax error: unexpected \"x\": expected a declaration"}},
		{"missing colon", "func f()\n  g()\n",
			[]string{"t.aqua:1:9: syntax error: unexpected end of line: expected \":\""}},
		// A line that does not parse is reported where no reading of it
		// can go on, which may be past an optional part that was undone.
		{"missing result type", "func f(a: string) ->\n  g()\n",
			[]string{"t.aqua:1:21: syntax error: unexpected end of line: expected a type"}},
		{"bad relay", "func f():\n  on p via [r1, <- r2]:\n    g()\n",
			[]string{"t.aqua:2:17: syntax error: unexpected token \"<-\": expected an expression"}},
		{"missing result name", "func f():\n  a, <- g()\n",
			[]string{"t.aqua:2:6: syntax error: unexpected token \"<-\": expected a name"}},
		{"unclosed service id", "service S(\"s\" \"t\"):\n  f()\n",
			[]string{"t.aqua:1:15: syntax error: unexpected token \"\\\"t\\\"\": expected \")\""}},
		{"bad parameter type", "func f(a: string, b: ** string):\n  g()\n",
			[]string{"t.aqua:1:22: syntax error: unexpected token \"**\": expected a type"}},
		{"dangling operator", "func f():\n  x = a +\n",
			[]string{"t.aqua:2:10: syntax error: unexpected end of line"}},
		{"negative without number", "func f():\n  x = - a\n",
			[]string{"t.aqua:2:9: syntax error: unexpected token \"a\": expected a number"}},
		{"tokens left over", "func f():\n  x = a b\n",
			[]string{"t.aqua:2:9: syntax error: unexpected token \"b\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parse(t, tt.src)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(errs), len(tt.want), strings.Join(errs, "\n"))
			}
			for i := range errs {
				if !strings.HasPrefix(errs[i], tt.want[i]) {
					t.Errorf("error %d:\n got %s\nwant %s", i, errs[i], tt.want[i])
				}
			}
		})
	}
}

// TestGolden parses every testdata/*.aqua file and compares the tree dump
// and the diagnostics with testdata/*.golden.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.aqua")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, errs := ParseFile(fset.AddFile(filepath.Base(path), src))
			var buf bytes.Buffer
			if err := ast.Fprint(&buf, fset, f); err != nil {
				t.Fatal(err)
			}
			for _, e := range errs {
				fmt.Fprintln(&buf, "//", e.Error())
			}
			golden := strings.TrimSuffix(path, ".aqua") + ".golden"
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("tree differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}

// FuzzParse checks that no input makes the parser panic and that every
// node it returns has a sane extent.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.aqua")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, _ := ParseFile(token.NewFileSet().AddFile("fuzz.aqua", src))
		ast.Inspect(file, func(n ast.Node) bool {
			if n.End() < n.Pos() {
				t.Fatalf("%T ends before it starts", n)
			}
			return true
		})
	})
}

func BenchmarkParseFile(b *testing.B) {
	src, err := os.ReadFile("testdata/program.aqua")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		ParseFile(token.NewFileSet().AddFile("program.aqua", src))
	}
}

// BenchmarkParseFileParticiple reads the same file with the participle
// grammar (grammar_test.go): lexing, grouping into lines, and every line
// parsed by the grammar for its kind and turned into a tree. It is what
// ParseFile would cost if the grammar were the parser; the package doc
// quotes both figures.
func BenchmarkParseFileParticiple(b *testing.B) {
	src, err := os.ReadFile("testdata/program.aqua")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		file := token.NewFileSet().AddFile("program.aqua", src)
		s := &specParser{file: file}
		eachLine(file, func(toks []token.Token, k lineKind) {
			if _, ok := s.line(toks, k); !ok {
				b.Fatalf("the grammar rejects %s", file.Position(toks[0].Pos))
			}
		})
	}
}
