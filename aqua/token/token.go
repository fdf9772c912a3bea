// Package token defines the lexical tokens of Aqua and compact source
// positions.
//
// Positions follow go/token: a Pos is a small integer that is only
// meaningful together with the FileSet that produced it. Syntax tree nodes
// store Pos values, and FileSet.Position expands them into a file name, line
// and column when a diagnostic or an editor needs one.
package token

import "fmt"

// Kind classifies a token.
type Kind int

// Token kinds. Keywords are not reserved in Aqua (a variable may be called
// "on"), so they are lexed as Ident and recognised by the parser.
const (
	EOF      Kind = iota
	Newline       // end of a logical line
	Indent        // start of a more deeply indented block
	Dedent        // end of an indented block
	Ident         // name, Class or CONST
	Int           // 42
	Float         // 4.2
	String        // "text" (no escapes in Aqua)
	InitPeer      // %init_peer_id%
	Punct         // operators and delimiters: <- , ( ...
	Illegal       // a character that starts no token
)

var kindNames = [...]string{
	EOF:      "end of file",
	Newline:  "end of line",
	Indent:   "indent",
	Dedent:   "dedent",
	Ident:    "identifier",
	Int:      "integer",
	Float:    "float",
	String:   "string",
	InitPeer: "%init_peer_id%",
	Punct:    "punctuation",
	Illegal:  "illegal character",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Token is one lexeme with its kind, text and extent.
type Token struct {
	Kind Kind
	Text string // source text; empty for Newline, Indent, Dedent and EOF
	Pos  Pos    // first byte
	End  Pos    // one past the last byte
}

func (t Token) String() string {
	if t.Text == "" {
		return t.Kind.String()
	}
	return fmt.Sprintf("%s %q", t.Kind, t.Text)
}
