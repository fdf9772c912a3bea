package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Arg is an argument of a call as a user writes it, on the command line
// or in the workbench's run form: the name of a data value (such as
// nodes or relay), nil for an empty option, a JSON value, which is
// also how Aqua writes literals: "text", 42, true, [1, 2], or a list
// of any of these: [node0, node2].
type Arg struct {
	// Name is the data value's name; empty for a literal.
	Name string
	// Literal is the value's JSON, when Name is empty and the argument
	// is not a list with data names in it.
	Literal json.RawMessage
	// Elems are the elements of a list that names data, such as
	// [node0, "x"]; nil otherwise.
	Elems []Arg
}

// UnknownDataError is an argument naming data the front end does not
// have.
type UnknownDataError struct{ Name string }

func (e *UnknownDataError) Error() string { return fmt.Sprintf("no data named %q", e.Name) }

// Value returns the argument's JSON, with data names looked up in data.
// A name data lacks is an *UnknownDataError.
func (a Arg) Value(data map[string]json.RawMessage) (json.RawMessage, error) {
	switch {
	case a.Name != "":
		v, ok := data[a.Name]
		if !ok {
			return nil, &UnknownDataError{Name: a.Name}
		}
		return v, nil
	case a.Elems != nil:
		list := make([]json.RawMessage, len(a.Elems))
		for i, e := range a.Elems {
			v, err := e.Value(data)
			if err != nil {
				return nil, err
			}
			list[i] = v
		}
		return json.Marshal(list)
	}
	return a.Literal, nil
}

// ErrEmptyArg is the error of an argument with nothing in it.
var ErrEmptyArg = errors.New("empty argument")

// ParseArg reads one argument. nil is the empty option, [], as the
// reference CLI takes it; a name other than true, false and null names a
// data value; a list may hold names and literals; anything else must be
// JSON.
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
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		if a, ok := parseList(s); ok {
			return a, nil
		}
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

// parseList reads a list whose elements are data names or JSON, such as
// [node0, node2].
func parseList(s string) (Arg, bool) {
	elems := []Arg{}
	for _, part := range splitTopLevel(s[1 : len(s)-1]) {
		e, err := ParseArg(part)
		if err != nil {
			return Arg{}, false
		}
		elems = append(elems, e)
	}
	return Arg{Elems: elems}, true
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
