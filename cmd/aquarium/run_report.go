package main

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
)

// diagnosticsError is a program that does not compile: run prints its
// diagnostics with the offending lines, or as JSON with --json.
type diagnosticsError struct {
	diags diag.List
	src   diag.Source
}

func (e *diagnosticsError) Error() string {
	n := 0
	for _, d := range e.diags {
		if d.Severity == diag.Error {
			n++
		}
	}
	if n == 1 {
		for _, d := range e.diags {
			if d.Severity == diag.Error {
				return "compile: " + d.Error()
			}
		}
	}
	return fmt.Sprintf("compile: %d errors", n)
}

// json lists the diagnostics as compile --json does.
func (e *diagnosticsError) json() []diagJSON {
	out := []diagJSON{}
	for _, d := range e.diags {
		out = append(out, diagJSON{
			File: d.Pos.Filename, Line: d.Pos.Line, Column: d.Pos.Column,
			EndLine: d.End.Line, EndCol: d.End.Column,
			Severity: d.Severity.String(), Message: d.Msg, Suggest: d.Suggest,
		})
	}
	return out
}
