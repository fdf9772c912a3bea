package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Arg is an argument of a call as a user writes it, on the command line
// or in the workbench's run form: the name of a data value (such as
// nodes or relay), nil for an empty option, or a JSON value, which is
// also how Aqua writes literals: "text", 42, true, [1, 2].
type Arg struct {
	// Name is the data value's name; empty for a literal.
	Name string
	// Literal is the value's JSON, when Name is empty.
	Literal json.RawMessage
}

// ErrEmptyArg is the error of an argument with nothing in it.
var ErrEmptyArg = errors.New("empty argument")

// ParseArg reads one argument. nil is the empty option, [], as the
// reference CLI takes it; a name other than true, false and null names a
// data value; anything else must be JSON.
func ParseArg(s string) (Arg, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Arg{}, ErrEmptyArg
	case s == "nil":
		return Arg{Literal: json.RawMessage("[]")}, nil
	case isIdent(s) && s != "true" && s != "false" && s != "null":
		return Arg{Name: s}, nil
	case json.Valid([]byte(s)):
		return Arg{Literal: json.RawMessage(s)}, nil
	}
	var v any
	err := json.Unmarshal([]byte(s), &v)
	return Arg{}, fmt.Errorf("%s is neither a data name nor JSON: %w", s, err)
}

// ParseCall splits a call such as 'name(a, "b", [1, 2])' into the
// function's name and its arguments.
func ParseCall(s string) (name string, args []Arg, err error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open <= 0 || !strings.HasSuffix(s, ")") {
		return "", nil, errors.New(`want name(arguments), such as hello("world")`)
	}
	name = strings.TrimSpace(s[:open])
	if !isIdent(name) {
		return "", nil, fmt.Errorf("%q is not a function name", name)
	}
	for _, part := range splitTopLevel(s[open+1 : len(s)-1]) {
		a, err := ParseArg(part)
		if err != nil {
			if errors.Is(err, ErrEmptyArg) {
				return "", nil, err
			}
			return "", nil, fmt.Errorf("argument %w", err)
		}
		args = append(args, a)
	}
	return name, args, nil
}

// splitTopLevel splits on commas outside brackets and strings.
func splitTopLevel(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var parts []string
	depth, start, inString, escaped := 0, 0, false, false
	for i, r := range s {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
		case r == '"':
			inString = true
		case r == '[' || r == '{':
			depth++
		case r == ']' || r == '}':
			depth--
		case r == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// isIdent reports whether s is a name as Aqua writes one.
func isIdent(s string) bool {
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
