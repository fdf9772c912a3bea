// Package diag holds compiler diagnostics as values.
//
// A Diagnostic is an error or a warning anchored at a source range. The
// compiler collects every diagnostic of a run in a List instead of stopping
// at the first one; List.Err turns the errors into a Go error, and Print
// renders them for a terminal with the source line, a caret and any
// suggestions.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// Severity says whether a diagnostic stops compilation.
type Severity int

// Severities, most severe first.
const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one message about the source.
type Diagnostic struct {
	Pos      token.Position // where the problem starts
	End      token.Position // where it ends (exclusive); may be invalid
	Severity Severity
	Msg      string
	// Suggest lists likely intended alternatives ("did you mean").
	Suggest []string
}

// Error formats the diagnostic as file:line:col: message.
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Msg)
	if s := d.suggestion(); s != "" {
		b.WriteString(" (")
		b.WriteString(s)
		b.WriteString(")")
	}
	return b.String()
}

func (d Diagnostic) suggestion() string {
	switch len(d.Suggest) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("did you mean %s?", d.Suggest[0])
	default:
		return fmt.Sprintf("did you mean one of %s?", strings.Join(d.Suggest, ", "))
	}
}

// List is an ordered collection of diagnostics.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Errorf appends an error at pos.
func (l *List) Errorf(pos, end token.Position, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, End: end, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a warning at pos.
func (l *List) Warnf(pos, end token.Position, format string, args ...any) {
	l.Add(Diagnostic{Pos: pos, End: end, Severity: Warning, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line, column, then severity.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Severity, b.Severity),
		)
	})
}

// Dedup removes diagnostics with the same position and message, which
// happens when one file is imported by several others.
func (l List) Dedup() List {
	seen := make(map[string]bool, len(l))
	out := l[:0:0]
	for _, d := range l {
		k := d.Error()
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// Errors returns only the diagnostics of severity Error.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Warnings returns only the diagnostics of severity Warning.
func (l List) Warnings() List {
	var out List
	for _, d := range l {
		if d.Severity == Warning {
			out = append(out, d)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns nil if the list has no errors, and otherwise an error whose
// message lists every error, one a line. Warnings do not make Err non-nil.
func (l List) Err() error {
	errs := l.Errors()
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Error implements error: one diagnostic a line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}
