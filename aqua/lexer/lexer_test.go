package lexer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// render prints tokens compactly: layout tokens by name, others by text.
func render(toks []token.Token) string {
	var parts []string
	for _, t := range toks {
		switch t.Kind {
		case token.Newline:
			parts = append(parts, "NL")
		case token.Indent:
			parts = append(parts, ">>")
		case token.Dedent:
			parts = append(parts, "<<")
		case token.EOF:
			parts = append(parts, "EOF")
		default:
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, " ")
}

func lex(src string) ([]token.Token, []string) {
	f := token.NewFileSet().AddFile("t.aqua", []byte(src))
	toks, errs := Lex(f)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return toks, msgs
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
		errs            []string
	}{
		{"empty", "", "EOF", nil},
		{"one line", "aqua Main", "aqua Main NL EOF", nil},
		{"block", "func f():\n  x <- g()\n  <- x\n", "func f ( ) : NL >> x <- g ( ) NL <- x NL << EOF", nil},
		{"nested blocks", "a:\n  b:\n    c\n  d\ne\n", "a : NL >> b : NL >> c NL << d NL << e NL EOF", nil},
		{"close two blocks", "a:\n  b:\n    c\nd\n", "a : NL >> b : NL >> c NL << << d NL EOF", nil},
		{"blank and comment lines", "a:\n\n  -- note\n  b -- trailing\n\n", "a : NL >> b NL << EOF", nil},
		{"continuation in parens", "f(a,\n    b)\ng()", "f ( a , b ) NL g ( ) NL EOF", nil},
		{"continuation with comment", "x = [\n  1, -- one\n  2\n]\n", "x = [ 1 , 2 ] NL EOF", nil},
		{"operators", "a <<- b <- c -> d == e != f <= g >= h && i || j ** k ?= l", "a <<- b <- c -> d == e != f <= g >= h && i || j ** k ?= l NL EOF", nil},
		{"collections", "?[a] *[b] []T %M", "? [ a ] * [ b ] [ ] T % M NL EOF", nil},
		{"numbers", "1 2.5 -3 x!2", "1 2.5 - 3 x ! 2 NL EOF", nil},
		{"init peer", "on %init_peer_id%:", "on %init_peer_id% : NL EOF", nil},
		{"top bottom", "f: ⊤ -> ⊥", "f : ⊤ -> ⊥ NL EOF", nil},
		{"crlf", "a:\r\n  b\r\n", "a : NL >> b NL << EOF", nil},
		{"inconsistent dedent", "a:\n    b\n  c\n", "a : NL >> b NL << c NL EOF",
			[]string{"t.aqua:3:1: inconsistent indentation: the line does not line up with any enclosing block"}},
		{"unterminated string", "x = \"abc\ny", "x = \"abc\" NL y NL EOF",
			[]string{"t.aqua:1:5: string literal not terminated: Aqua strings end on the same line with '\"'"}},
		{"illegal", "a # b", "a # b NL EOF", []string{"t.aqua:1:3: unexpected character \"#\""}},
		{"unclosed paren recovers at next statement", "f():\n  g(a\n  h()\n", "f ( ) : NL >> g ( a NL h ( ) NL << EOF",
			[]string{"t.aqua:2:4: unclosed \"(\": expected \")\" before the end of the line"}},
		{"unclosed at eof", "g(a", "g ( a NL EOF", []string{"t.aqua:1:2: unclosed \"(\": expected \")\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, errs := lex(tt.src)
			if got := render(toks); got != tt.want {
				t.Errorf("tokens\n got: %s\nwant: %s", got, tt.want)
			}
			if strings.Join(errs, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("errors\n got: %q\nwant: %q", errs, tt.errs)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	fset := token.NewFileSet()
	f := fset.AddFile("p.aqua", []byte("func f():\n  x <- g()\n"))
	toks, _ := Lex(f)
	want := map[string]string{"func": "p.aqua:1:1", "x": "p.aqua:2:3", "<-": "p.aqua:2:5", "g": "p.aqua:2:8"}
	for _, tok := range toks {
		if w, ok := want[tok.Text]; ok {
			if got := fset.Position(tok.Pos).String(); got != w {
				t.Errorf("%s at %s, want %s", tok.Text, got, w)
			}
		}
	}
}

// checkInvariants verifies what every consumer of the token stream relies
// on: it ends in EOF, positions never go backwards, Indent and Dedent
// balance, each token's text is the source it covers, and the tokens of
// a logical line are contiguous and end with a Newline (the parser takes
// each line as a slice of the stream).
func checkInvariants(t *testing.T, src []byte) {
	t.Helper()
	f := token.NewFileSet().AddFile("fuzz.aqua", src)
	toks, _ := Lex(f)
	if len(toks) == 0 || toks[len(toks)-1].Kind != token.EOF {
		t.Fatalf("token stream does not end with EOF: %v", toks)
	}
	depth := 0
	last := token.Pos(0)
	inLine := false
	for _, tok := range toks {
		switch tok.Kind {
		case token.Newline:
			if !inLine {
				t.Fatalf("newline without a line at %v", tok)
			}
			inLine = false
		case token.Indent, token.Dedent, token.EOF:
			if inLine {
				t.Fatalf("%v inside a logical line", tok)
			}
		default:
			inLine = true
		}
		if tok.Pos < last || tok.End < tok.Pos {
			t.Fatalf("position goes backwards at %v", tok)
		}
		last = tok.Pos
		switch tok.Kind {
		case token.Indent:
			depth++
		case token.Dedent:
			depth--
			if depth < 0 {
				t.Fatalf("unbalanced dedent at %v", tok)
			}
		case token.Ident, token.Int, token.Float, token.Punct, token.InitPeer, token.Illegal:
			if got := string(src[f.Offset(tok.Pos):f.Offset(tok.End)]); got != tok.Text {
				t.Fatalf("token text %q differs from source %q", tok.Text, got)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("%d indents left open at EOF", depth)
	}
}

func FuzzLex(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.aqua")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a:\n\tb:\n  c\n"))
	f.Fuzz(checkInvariants)
}

func BenchmarkLex(b *testing.B) {
	src, err := os.ReadFile("testdata/sample.aqua")
	if err != nil {
		b.Fatal(err)
	}
	f := token.NewFileSet().AddFile("sample.aqua", src)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Lex(f)
	}
}

// TestLexParts lexes texts in the parts TopLines cuts them into and
// checks that the parts give the tokens and errors of the whole text:
// brackets left open at the end of a part, comments and closing
// brackets at the start of a line, blocks ended by the next part.
func TestLexParts(t *testing.T) {
	texts := []string{
		"func f():\n  x <- g(a,\n    b)\n  <- x\nfunc h():\n  <- 1\n",
		"func f():\n  x <- g(a,\nfunc h():\n  <- [1, (2\n\n-- note\nconst X = 1\n",
		"func f(\n) -> u32:\n  <- 1\n-- at the left\n  -- indented\ndata D:\n  a: u32\n]\n  b: u32\n",
		"aqua M\n\nimport \"x\"\nfunc f():\n  on p:\n    x <- g({\n}\n\"unterminated\nservice S(\"s\"):\n  f()\n",
	}
	for _, text := range texts {
		src := []byte(text)
		whole, wholeErrs := Lex(token.NewFileSet().AddFile("t.aqua", src))
		starts := TopLines(src)
		if len(starts) == 0 || starts[0] != 0 {
			t.Fatalf("%q: top lines %v", text, starts)
		}
		var parts []string
		var partErrs []string
		for i, from := range starts {
			to := len(src)
			if i+1 < len(starts) {
				to = starts[i+1]
			}
			toks, errs := LexPart(token.NewFile("t.aqua", 1, src[from:to]), i+1 < len(starts))
			parts = append(parts, render(toks[:len(toks)-1]))
			for _, e := range errs {
				partErrs = append(partErrs, e.Msg)
			}
		}
		var wholeMsgs []string
		for _, e := range wholeErrs {
			wholeMsgs = append(wholeMsgs, e.Msg)
		}
		if got, want := strings.Join(parts, " ")+" EOF", render(whole); got != want {
			t.Errorf("%q:\nparts %s\nwhole %s", text, got, want)
		}
		if got, want := strings.Join(partErrs, "; "), strings.Join(wholeMsgs, "; "); got != want {
			t.Errorf("%q: errors\nparts %s\nwhole %s", text, got, want)
		}
	}
}
