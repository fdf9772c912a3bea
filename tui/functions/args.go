package functions

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ParseArg turns one field of the argument form into JSON. A field is a
// data name the workbench offers (such as nodes or relay), nil for an
// empty option, or a JSON value, which is also how Aqua writes literals:
// "text", 42, true, [1, 2].
func ParseArg(text string, data map[string]json.RawMessage) (json.RawMessage, error) {
	s := strings.TrimSpace(text)
	switch {
	case s == "":
		return nil, fmt.Errorf("empty: want a JSON value or one of %s", names(data))
	case s == "nil":
		return json.RawMessage("[]"), nil
	case isIdent(s) && s != "true" && s != "false" && s != "null":
		if v, ok := data[s]; ok {
			return v, nil
		}
		return nil, fmt.Errorf("no data named %q (have %s; write strings in double quotes)", s, names(data))
	case json.Valid([]byte(s)):
		return json.RawMessage(s), nil
	}
	var v any
	err := json.Unmarshal([]byte(s), &v)
	return nil, fmt.Errorf("%s is neither a data name nor JSON: %w", s, err)
}

func names(data map[string]json.RawMessage) string {
	ns := make([]string, 0, len(data))
	for k := range data {
		ns = append(ns, k)
	}
	slices.Sort(ns)
	if len(ns) == 0 {
		return "no data"
	}
	return strings.Join(ns, ", ")
}

func isIdent(s string) bool {
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// Default suggests a value for parameter name of type typ. PeerId is an
// alias of string, so a list of strings named like peers gets the nodes.
func Default(name, typ string) string {
	peerish := strings.Contains(strings.ToLower(name), "peer") || strings.Contains(strings.ToLower(name), "node")
	switch {
	case typ == "[]PeerId" || typ == "[]string" && peerish:
		return "nodes"
	case typ == "PeerId" || typ == "string" && peerish:
		return "relay"
	case typ == "string":
		return `"world"`
	case typ == "bool":
		return "false"
	case strings.HasPrefix(typ, "?") || strings.HasPrefix(typ, "[]") || strings.HasPrefix(typ, "*"):
		return "[]"
	case strings.HasPrefix(typ, "u") || strings.HasPrefix(typ, "i") || strings.HasPrefix(typ, "f"):
		return "0"
	}
	return "{}"
}
