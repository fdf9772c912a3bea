package functions

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/session"
)

// ParseArg turns one field of the argument form into JSON: a field is
// read as `aquarium run -f` reads an argument (session.ParseArg), and a
// data name, alone or in a list, is one the workbench offers, such as
// nodes, relay or node0.
func ParseArg(text string, data map[string]json.RawMessage) (json.RawMessage, error) {
	a, err := session.ParseArg(text)
	switch {
	case errors.Is(err, session.ErrEmptyArg):
		return nil, fmt.Errorf("empty: want a JSON value or one of %s", names(data))
	case err != nil:
		return nil, err
	}
	v, err := a.Value(data)
	if unknown := (*session.UnknownDataError)(nil); errors.As(err, &unknown) {
		return nil, fmt.Errorf("no data named %q (have %s; write strings in double quotes)", unknown.Name, names(data))
	}
	return v, err
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
