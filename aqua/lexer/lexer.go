// Package lexer turns Aqua source into tokens, including the layout tokens
// that carry Aqua's indentation-based block structure.
//
// Aqua is line oriented: every logical line is one statement or
// declaration, and a line ending in ':' opens a block of more deeply
// indented lines. The lexer emits a Newline token at the end of each
// logical line, an Indent token before a line that is indented deeper than
// the previous one, and one Dedent token for every block a line closes.
// Inside ( ), [ ] and { } line breaks are ordinary whitespace, so a call
// or a list may continue over several physical lines. Blank lines and lines
// holding only a comment ("-- ...") produce no tokens.
//
// Indentation is compared as text, as the reference compiler does: a
// nested block must start with its parent's indentation, and a line that
// closes blocks must line up exactly with an enclosing level.
package lexer

import (
	"strings"
	"unicode/utf8"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// puncts lists the operators and delimiters, longest first so that the
// first match is the longest one.
var puncts = []string{
	"<<-",
	"<-", "->", "==", "!=", "<=", ">=", "&&", "||", "**", "?=",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "<", ">",
	"+", "-", "*", "/", "%", "!", "?", "⊤", "⊥",
}

const initPeerID = "%init_peer_id%"

// Lex returns the tokens of f, always terminated by an EOF token, together
// with any lexical errors. Lexing never stops early: an unexpected
// character becomes an Illegal token and lexing goes on.
func Lex(f *token.File) ([]token.Token, diag.List) {
	return LexPart(f, false)
}

// LexPart lexes f as a part of a longer text, one that starts at a line
// TopLines returns: with more set, the text goes on after f with
// another such line, which ends a logical line left open by f's last
// line as it does there. So lexing the parts of a text between the
// lines TopLines returns, each on its own, gives the tokens and errors
// lexing the whole text gives, part by part.
func LexPart(f *token.File, more bool) ([]token.Token, diag.List) {
	src := f.Source()
	// Aqua source has a token (layout included) for every 2.5 to 3.5
	// bytes, so the slice rarely grows.
	l := &lexer{file: f, src: src, text: string(src), indents: []string{""}, toks: make([]token.Token, 0, len(src)/2+8)}
	l.run(more)
	return l.toks, l.errs
}

// TopLines returns the offsets of the lines of src that start a
// top-level logical line whatever comes before them: the lines that
// start with neither a blank, nor a comment, nor a closing bracket.
// Brackets left open before such a line are reported and closed there
// (see continuation) and every block ends there, so the lexer is in the
// state it starts in.
func TopLines(src []byte) []int {
	var out []int
	for off := 0; off < len(src); off = skipLine(src, off) {
		switch c := src[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ')' || c == ']' || c == '}':
		case isComment(src, off):
		default:
			out = append(out, off)
		}
	}
	return out
}

type lexer struct {
	file *token.File
	src  []byte
	// text is src as one string: token texts are slices of it, so
	// lexing allocates no string per token.
	text    string
	off     int
	toks    []token.Token
	errs    diag.List
	indents []string // indentation of the enclosing blocks; [0] is ""
	opens   []token.Token
	// lineIndent is the indentation of the current logical line.
	lineIndent string
	inLine     bool // a logical line has started and not yet ended
}

func (l *lexer) pos(off int) token.Pos { return l.file.Pos(off) }

func (l *lexer) errorf(from, to int, format string, args ...any) {
	l.errs.Errorf(l.file.Position(l.pos(from)), l.file.Position(l.pos(to)), format, args...)
}

func (l *lexer) emit(k token.Kind, from, to int) {
	l.toks = append(l.toks, token.Token{Kind: k, Text: l.text[from:to], Pos: l.pos(from), End: l.pos(to)})
}

func (l *lexer) emitLayout(k token.Kind, at int) {
	l.toks = append(l.toks, token.Token{Kind: k, Pos: l.pos(at), End: l.pos(at)})
}

func (l *lexer) run(more bool) {
	lastEnd := 0 // end of the last real token, where Newline is placed
	for l.off < len(l.src) {
		if !l.inLine || len(l.opens) > 0 {
			// At the start of a physical line (or inside brackets, where
			// layout is ignored) skip blank and comment-only lines.
			start := l.off
			indentEnd := skipBlanks(l.src, start)
			if indentEnd >= len(l.src) {
				l.off = indentEnd
				break
			}
			if c := l.src[indentEnd]; c == '\n' || c == '\r' || isComment(l.src, indentEnd) {
				l.off = skipLine(l.src, indentEnd)
				continue
			}
			if len(l.opens) > 0 {
				indent := l.text[start:indentEnd]
				if !l.continuation(indent, indentEnd) {
					l.closeLine(lastEnd)
					l.startLine(indent, indentEnd)
				}
			} else {
				l.startLine(l.text[start:indentEnd], indentEnd)
			}
			l.off = indentEnd
		}
		lastEnd = l.lineTokens(lastEnd)
	}
	if more && len(l.opens) > 0 {
		l.unclosedLine()
	}
	l.closeLine(lastEnd)
	for range l.indents[1:] {
		l.emitLayout(token.Dedent, len(l.src))
	}
	l.emitLayout(token.EOF, len(l.src))
}

// continuation decides whether a physical line that starts while brackets
// are open continues the logical line. A line that goes back to the
// indentation of the logical line (or less) and does not start with a
// closing bracket almost certainly starts a new statement: the brackets
// were never closed. Reporting that here keeps one missing ')' from
// swallowing the rest of the file.
func (l *lexer) continuation(indent string, at int) bool {
	if len(indent) > len(l.lineIndent) && strings.HasPrefix(indent, l.lineIndent) {
		return true
	}
	if c := l.src[at]; c == ')' || c == ']' || c == '}' {
		return true
	}
	l.unclosedLine()
	return false
}

// unclosedLine reports the innermost bracket a logical line leaves open
// when the next line starts, and forgets them all.
func (l *lexer) unclosedLine() {
	open := l.opens[len(l.opens)-1]
	from := l.file.Offset(open.Pos)
	l.errorf(from, from+1, "unclosed %q: expected %q before the end of the line", open.Text, closer(open.Text))
	l.opens = l.opens[:0]
}

// startLine handles the indentation of a new logical line.
func (l *lexer) startLine(indent string, at int) {
	l.inLine = true
	l.lineIndent = indent
	top := l.indents[len(l.indents)-1]
	switch {
	case indent == top:
	case strings.HasPrefix(indent, top):
		l.indents = append(l.indents, indent)
		l.emitLayout(token.Indent, at)
	default:
		for len(l.indents) > 1 && !strings.HasPrefix(indent, l.indents[len(l.indents)-1]) {
			l.indents = l.indents[:len(l.indents)-1]
			l.emitLayout(token.Dedent, at)
		}
		if top = l.indents[len(l.indents)-1]; indent != top {
			// Deeper than the level we returned to, but not a level of
			// its own: treat the line as belonging to that level.
			l.errorf(at-len(indent), at, "inconsistent indentation: the line does not line up with any enclosing block")
			l.lineIndent = top
		}
	}
}

// closeLine ends the current logical line, if one is open.
func (l *lexer) closeLine(at int) {
	if !l.inLine {
		return
	}
	for _, open := range l.opens {
		from := l.file.Offset(open.Pos)
		l.errorf(from, from+1, "unclosed %q: expected %q", open.Text, closer(open.Text))
	}
	l.opens = l.opens[:0]
	l.emitLayout(token.Newline, at)
	l.inLine = false
}

// lineTokens lexes tokens up to the end of the physical line and returns
// the end offset of the last token.
func (l *lexer) lineTokens(lastEnd int) int {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.off++
			continue
		case c == '\n':
			l.off++
			if len(l.opens) == 0 {
				l.closeLine(lastEnd)
			}
			return lastEnd
		case isComment(l.src, l.off):
			l.off = skipLine(l.src, l.off)
			if len(l.opens) == 0 {
				l.closeLine(lastEnd)
			}
			return lastEnd
		}
		l.token()
		lastEnd = l.off
	}
	return lastEnd
}

// token lexes one token at l.off.
func (l *lexer) token() {
	start := l.off
	c := l.src[start]
	switch {
	case isLetter(c):
		l.off = scanWhile(l.src, start, isIdentChar)
		l.emit(token.Ident, start, l.off)
	case isDigit(c):
		l.number(start)
	case c == '"':
		l.string(start)
	case hasPrefixAt(l.src, start, initPeerID):
		l.off = start + len(initPeerID)
		l.emit(token.InitPeer, start, l.off)
	default:
		for _, p := range puncts {
			if hasPrefixAt(l.src, start, p) {
				l.off = start + len(p)
				l.emit(token.Punct, start, l.off)
				l.bracket(p)
				return
			}
		}
		_, size := utf8.DecodeRune(l.src[start:])
		l.off = start + size
		l.emit(token.Illegal, start, l.off)
		l.errorf(start, l.off, "unexpected character %q", l.src[start:l.off])
	}
}

func (l *lexer) bracket(p string) {
	switch p {
	case "(", "[", "{":
		l.opens = append(l.opens, l.toks[len(l.toks)-1])
	case ")", "]", "}":
		if n := len(l.opens); n > 0 && closer(l.opens[n-1].Text) == p {
			l.opens = l.opens[:n-1]
		}
		// An unmatched closer is left for the parser to report, where the
		// message can say what was expected instead.
	}
}

func (l *lexer) number(start int) {
	l.off = scanWhile(l.src, start, isDigit)
	kind := token.Int
	if l.off+1 < len(l.src) && l.src[l.off] == '.' && isDigit(l.src[l.off+1]) {
		l.off = scanWhile(l.src, l.off+1, isDigit)
		kind = token.Float
	}
	l.emit(kind, start, l.off)
}

func (l *lexer) string(start int) {
	end := start + 1
	for end < len(l.src) && l.src[end] != '"' && l.src[end] != '\n' {
		end++
	}
	if end >= len(l.src) || l.src[end] != '"' {
		l.errorf(start, end, "string literal not terminated: Aqua strings end on the same line with '\"'")
		l.off = end
		l.emit(token.String, start, end)
		l.toks[len(l.toks)-1].Text += `"`
		return
	}
	l.off = end + 1
	l.emit(token.String, start, l.off)
}

func closer(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	default:
		return "}"
	}
}

func skipBlanks(src []byte, i int) int {
	return scanWhile(src, i, func(c byte) bool { return c == ' ' || c == '\t' })
}

func skipLine(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	if i < len(src) {
		i++
	}
	return i
}

func scanWhile(src []byte, i int, ok func(byte) bool) int {
	for i < len(src) && ok(src[i]) {
		i++
	}
	return i
}

func hasPrefixAt(src []byte, i int, p string) bool {
	return len(src)-i >= len(p) && string(src[i:i+len(p)]) == p
}

func isComment(src []byte, i int) bool { return hasPrefixAt(src, i, "--") }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) }
