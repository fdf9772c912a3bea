package air

import (
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The package doc says why AIR has a hand-written parser: this participle
// grammar is measured against it. The grammar only recognises the
// s-expression shape of AIR, with no keyword dispatch, operand checks or
// tree of our own, so it is a lower bound on what a participle parser for
// AIR would cost.

type sexpr struct {
	List  []*sexpr `parser:"  '(' @@* ')'"`
	Array []*sexpr `parser:"| '[' @@* ']'"`
	Str   *string  `parser:"| @String"`
	Word  *string  `parser:"| @Word"`
}

var sexprParser = participle.MustBuild[sexpr](
	participle.Lexer(lexer.MustSimple([]lexer.SimpleRule{
		{Name: "Comment", Pattern: `;[^\n]*`},
		{Name: "String", Pattern: `"[^"]*"`},
		{Name: "Word", Pattern: `[^\s()\[\]"]+(\[[^\]\s]*\][^\s()\[\]"]*)*`},
		{Name: "Punct", Pattern: `[()\[\]]`},
		{Name: "Whitespace", Pattern: `\s+`},
	})),
	participle.Elide("Whitespace", "Comment"),
)

func TestParticipleGrammarAcceptsCorpus(t *testing.T) {
	if _, err := sexprParser.ParseString("", bigScript()); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkParseParticiple(b *testing.B) {
	src := bigScript()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sexprParser.ParseString("", src); err != nil {
			b.Fatal(err)
		}
	}
}
