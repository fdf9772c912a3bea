package functions

import (
	"encoding/json"
	"strings"
	"testing"
)

var data = map[string]json.RawMessage{"nodes": json.RawMessage(`["a","b"]`), "relay": json.RawMessage(`"a"`)}

func TestParseArg(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{`"world"`, `"world"`, ""},
		{` 42 `, `42`, ""},
		{`[1, 2]`, `[1, 2]`, ""},
		{`true`, `true`, ""},
		{`nil`, `[]`, ""},
		{`nodes`, `["a","b"]`, ""},
		{`world`, "", `no data named "world" (have nodes, relay; write strings in double quotes)`},
		{``, "", "empty: want a JSON value or one of nodes, relay"},
		{`"open`, "", `"open is neither a data name nor JSON`},
	} {
		got, err := ParseArg(tt.in, data)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("ParseArg(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("ParseArg(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestDefault(t *testing.T) {
	for _, tt := range []struct{ name, typ, want string }{
		{"peers", "[]string", "nodes"},
		{"words", "[]string", "[]"},
		{"target", "PeerId", "relay"},
		{"node", "string", "relay"},
		{"name", "string", `"world"`},
		{"n", "u32", "0"},
		{"opt", "?string", "[]"},
		{"ok", "bool", "false"},
		{"s", "Point", "{}"},
	} {
		if got := Default(tt.name, tt.typ); got != tt.want {
			t.Errorf("Default(%q, %q) = %q, want %q", tt.name, tt.typ, got, tt.want)
		}
	}
}

// FuzzParseArg checks that whatever a user types, ParseArg either fails
// or returns valid JSON.
func FuzzParseArg(f *testing.F) {
	for _, s := range []string{`"x"`, `nodes`, `nil`, `[1,{"a":2}]`, `-1e3`, `"\u00e9"`, ` `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseArg(s, data)
		if err == nil && !json.Valid(v) {
			t.Fatalf("ParseArg(%q) = %q, not JSON", s, v)
		}
	})
}
