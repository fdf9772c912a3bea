// Package format lays out Aqua source in one canonical way, as gofmt does
// for Go: two spaces per block level, one space between tokens except
// where Aqua reads them together (calls, indexes, fields, prefix
// operators), at most one blank line in a row, and every comment kept.
//
//	out, err := format.Source(src)
//
// Only whitespace changes: the formatted file has exactly the tokens of
// the original, in order, so it parses to the same program and compiles
// to the same AIR. Line breaks inside brackets are kept, so long calls
// and lists stay split where their author split them.
package format

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/parser"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// ErrSyntax is returned (wrapped, with the first error) for source that
// does not parse: like gofmt, format leaves broken files alone.
var ErrSyntax = errors.New("source has syntax errors")

// Source formats an Aqua file. name is used in error messages only.
func Source(name string, src []byte) ([]byte, error) {
	f := token.NewFileSet().AddFile(name, src)
	toks, lexErrs := lexer.Lex(f)
	if err := lexErrs.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if _, errs := parser.ParseFile(f); errs.HasErrors() {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, errs.Err())
	}
	p := &printer{src: src, file: f}
	p.print(toks)
	return p.out.Bytes(), nil
}

// isKeyword reports whether a word begins or joins statements. Aqua
// does not reserve them, but a bracket after one is not a call or an
// index.
func isKeyword(word string) bool {
	switch word {
	case "aqua", "module", "import", "use", "from", "as",
		"export", "declares", "data", "ability", "alias",
		"const", "service", "func", "on", "via", "par",
		"co", "join", "for", "parseq", "if", "else",
		"try", "catch", "otherwise", "rec":
		return true
	}
	return false
}

type printer struct {
	src  []byte
	file *token.File
	out  bytes.Buffer

	level    int      // block level of the current logical line
	brackets []string // open brackets of the current logical line
	// indents[l] is the original column of the lines at level l, to
	// place a comment between two levels where its author put it.
	indents   []int
	lineLevel int // level of the last logical line printed

	prev, prev2 token.Token // the last two real tokens printed
	prevOperand bool        // prev ends an operand (so "(" after it is a call)
	// operandBeforePrev: the token before prev ends an operand, so an
	// operator in prev is binary.
	operandBeforePrev bool
	started           bool
}

func (p *printer) offset(pos token.Pos) int { return p.file.Offset(pos) }

// column is the number of bytes between the start of the line and off.
func (p *printer) column(off int) int {
	start := bytes.LastIndexByte(p.src[:off], '\n') + 1
	return off - start
}

// comment is a "--" comment found between two tokens.
type comment struct {
	text     string
	newlines int // line breaks before it since the previous item
	col      int
}

// gap returns the comments between two offsets and the line breaks after
// the last of them.
func (p *printer) gap(from, to int) (cs []comment, trailing int) {
	nl := 0
	for i := from; i < to; i++ {
		switch {
		case p.src[i] == '\n':
			nl++
		case p.src[i] == '-' && i+1 < to && p.src[i+1] == '-':
			end := bytes.IndexByte(p.src[i:to], '\n')
			if end < 0 {
				end = to - i
			}
			cs = append(cs, comment{text: strings.TrimRight(string(p.src[i:i+end]), " \t\r"), newlines: nl, col: p.column(i)})
			nl = 0
			i += end - 1
		}
	}
	return cs, nl
}

func (p *printer) newline(blank bool) {
	if !p.started {
		return
	}
	p.out.WriteByte('\n')
	if blank {
		p.out.WriteByte('\n')
	}
}

func (p *printer) indent(level int) {
	for range level {
		p.out.WriteString("  ")
	}
}

func (p *printer) print(toks []token.Token) {
	lastEnd := 0
	newLine := true
	for _, t := range toks {
		switch t.Kind {
		case token.Newline:
			newLine = true
			continue
		case token.Indent:
			p.level++
			continue
		case token.Dedent:
			p.level--
			continue
		case token.EOF:
			cs, _ := p.gap(lastEnd, len(p.src))
			p.comments(cs, p.lineLevel, p.level, true)
			if p.started {
				p.out.WriteByte('\n')
			}
			return
		}
		off := p.offset(t.Pos)
		cs, nl := p.gap(lastEnd, off)
		col := p.column(off)
		if newLine && len(p.brackets) == 0 {
			for len(p.indents) <= p.level {
				p.indents = append(p.indents, col)
			}
			p.indents[p.level] = col
			p.indents = p.indents[:p.level+1]
		}
		breakBefore := newLine || (nl > 0 && len(p.brackets) > 0)
		p.comments(cs, p.lineLevel, p.level, breakBefore)
		isCloser := t.Kind == token.Punct && (t.Text == ")" || t.Text == "]" || t.Text == "}")
		if isCloser && len(p.brackets) > 0 {
			p.brackets = p.brackets[:len(p.brackets)-1]
		}
		switch {
		case newLine:
			p.newline(nl > 1)
			p.indent(p.level)
			p.lineLevel = p.level
		case breakBefore:
			// A line broken inside brackets: two levels per open
			// bracket, so it does not line up with a block.
			p.newline(false)
			p.indent(p.level + 2*len(p.brackets))
		default:
			if p.space(t) {
				p.out.WriteByte(' ')
			}
		}
		p.out.WriteString(t.Text)
		p.started = true
		if t.Kind == token.Punct && (t.Text == "(" || t.Text == "[" || t.Text == "{") {
			p.brackets = append(p.brackets, t.Text)
		}
		p.operandBeforePrev = p.prevOperand
		p.prevOperand = p.endsOperand(t)
		p.prev2, p.prev = p.prev, t
		lastEnd = p.offset(t.End)
		newLine = false
	}
}

// comments prints the comments found before a token. The first one stays
// at the end of the previous line if it was there; the others go on their
// own lines, at the level between prevLevel and nextLevel closest to
// where they were written.
func (p *printer) comments(cs []comment, prevLevel, nextLevel int, breakAfter bool) {
	for i, c := range cs {
		if i == 0 && c.newlines == 0 && p.started {
			p.out.WriteString(" ")
			p.out.WriteString(c.text)
			continue
		}
		p.newline(c.newlines > 1)
		level := nextLevel
		if len(p.brackets) > 0 {
			level = p.level + 2*len(p.brackets)
		} else {
			for l := max(prevLevel, nextLevel); l > nextLevel; l-- {
				if l < len(p.indents) && p.indents[l] <= c.col {
					level = l
					break
				}
			}
		}
		p.indent(level)
		p.out.WriteString(c.text)
		p.started = true
	}
}

// endsOperand reports whether t ends an operand: a bracket after it is a
// call or an index, and an operator after it is binary.
func (p *printer) endsOperand(t token.Token) bool {
	switch t.Kind {
	case token.Ident:
		return !isKeyword(t.Text)
	case token.Int, token.Float, token.String, token.InitPeer:
		return true
	case token.Punct:
		switch t.Text {
		case ")", "]", "}", "⊤", "⊥":
			return true
		case "!":
			return p.prevOperand // s! is postfix, !x is prefix
		}
	}
	return false
}

// space reports whether a space separates the previous token from t.
func (p *printer) space(t token.Token) bool {
	prev := p.prev
	if prev.Kind == token.Punct {
		switch prev.Text {
		case "(", "[", "{", ".":
			return false
		case "!":
			if !p.prevOperand { // prefix !x
				return false
			}
			// s!2: the index belongs to the bang.
			if t.Kind == token.Int {
				return false
			}
		case "?", "*", "%", "-":
			if !p.wasBinary() {
				return false
			}
		case "]":
			// []string: the brackets belong to the element type.
			if p.prev2.Kind == token.Punct && p.prev2.Text == "[" && (t.Kind == token.Ident && !isKeyword(t.Text) || t.Text == "[" || t.Text == "?" || t.Text == "*" || t.Text == "%") {
				return false
			}
		}
	}
	if t.Kind == token.Punct {
		switch t.Text {
		case ")", "]", "}", ",", ":", ".":
			return false
		case "(", "[", "{", "!":
			return !p.prevOperand
		}
	}
	return true
}

// wasBinary reports whether the previous token, an operator that may be
// prefix, was used between two operands.
func (p *printer) wasBinary() bool {
	return p.prev.Text != "?" && p.operandBeforePrev
}
