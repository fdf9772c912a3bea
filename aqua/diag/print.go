package diag

import (
	"fmt"
	"io"
	"strings"
)

// Source returns line n (1-based) of the named file, without its line
// terminator, and whether it exists. token.FileSet-backed sources let Print
// show the offending line.
type Source func(filename string, line int) (string, bool)

// Print writes the diagnostics for a terminal: the file:line:col header,
// the source line, a caret under the problem and the suggestions. src may
// be nil, in which case only the header lines are written.
func Print(w io.Writer, l List, src Source) error {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Pos, d.Severity, d.Msg)
		if src != nil && d.Pos.IsValid() {
			if line, ok := src(d.Pos.Filename, d.Pos.Line); ok {
				writeFrame(&b, d, line)
			}
		}
		if s := d.suggestion(); s != "" {
			fmt.Fprintf(&b, "    %s\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFrame prints the line with a gutter and underlines the range.
func writeFrame(b *strings.Builder, d Diagnostic, line string) {
	gutter := fmt.Sprintf("%d", d.Pos.Line)
	fmt.Fprintf(b, " %s | %s\n", gutter, strings.ReplaceAll(line, "\t", " "))
	col := min(max(d.Pos.Column-1, 0), len(line))
	width := 1
	if d.End.IsValid() && d.End.Line == d.Pos.Line && d.End.Column > d.Pos.Column {
		width = d.End.Column - d.Pos.Column
	}
	pad := strings.Repeat(" ", len(gutter))
	fmt.Fprintf(b, " %s | %s^%s\n", pad, strings.Repeat(" ", col), strings.Repeat("~", width-1))
}
