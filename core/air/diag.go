package air

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Diagnostic is one problem found in a script: a syntax error or a static
// check that failed.
type Diagnostic struct {
	// Pos and End are the byte range the problem covers.
	Pos, End int
	// Line and Col are 1-based; Col counts characters, not bytes.
	Line, Col int
	// Msg says what is wrong, for example `expected ")", found "]"`.
	Msg string
	// Source is the text of the offending line, without its newline.
	Source string
}

// Error returns "line:col: message" followed by the offending line and a
// caret under the problem.
func (d Diagnostic) Error() string { return d.Format("") }

// Format is Error with the file name in front of the position when file is
// not empty, in the usual file:line:col form.
func (d Diagnostic) Format(file string) string {
	var b strings.Builder
	if file != "" {
		b.WriteString(file)
		b.WriteByte(':')
	}
	fmt.Fprintf(&b, "%d:%d: %s", d.Line, d.Col, d.Msg)
	if d.Source != "" {
		b.WriteString("\n    ")
		b.WriteString(d.Source)
		b.WriteString("\n    ")
		b.WriteString(caretPad(d.Source, d.Col))
		b.WriteByte('^')
	}
	return b.String()
}

// caretPad returns the whitespace that puts a caret under character col of
// line, keeping tabs so that the caret lines up however tabs are shown.
func caretPad(line string, col int) string {
	var b strings.Builder
	n := 1
	for _, r := range line {
		if n >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		n++
	}
	return b.String()
}

// Diagnostics is the list of problems in one script, in source order. As an
// error it reads as all of them, one after another.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// Format renders every diagnostic with the file name in front.
func (ds Diagnostics) Format(file string) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Format(file)
	}
	return strings.Join(parts, "\n")
}

// newDiagnostic locates the byte range [pos, end) in src.
func newDiagnostic(src string, pos, end int, msg string) Diagnostic {
	pos = min(max(pos, 0), len(src))
	end = min(max(end, pos), len(src))
	lineStart := strings.LastIndexByte(src[:pos], '\n') + 1
	lineEnd := strings.IndexByte(src[pos:], '\n')
	if lineEnd < 0 {
		lineEnd = len(src)
	} else {
		lineEnd += pos
	}
	line := strings.TrimSuffix(src[lineStart:lineEnd], "\r")
	return Diagnostic{
		Pos:    pos,
		End:    end,
		Line:   strings.Count(src[:lineStart], "\n") + 1,
		Col:    utf8.RuneCountInString(src[lineStart:pos]) + 1,
		Msg:    msg,
		Source: line,
	}
}
