package session

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func TestParseCall(t *testing.T) {
	tests := []struct {
		in      string
		name    string
		args    []string // data names as-is, literals prefixed with "="
		wantErr bool
	}{
		{in: `f()`, name: "f"},
		{in: ` f ( ) `, name: "f"},
		{in: `hello("a, b")`, name: "hello", args: []string{`="a, b"`}},
		{in: `g(x, [1, [2, 3]], {"k": "v,]"}, nil, true)`, name: "g", args: []string{"x", "=[1, [2, 3]]", `={"k": "v,]"}`, "=[]", "=true"}},
		{in: `g("esc\"aped, still", y)`, name: "g", args: []string{`="esc\"aped, still"`, "y"}},
		{in: `g(x,)`, wantErr: true},
		{in: `g(1 2)`, wantErr: true},
		{in: `9f(x)`, wantErr: true},
		{in: `f`, wantErr: true},
	}
	for _, tt := range tests {
		name, args, err := ParseCall(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseCall(%s) succeeded", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCall(%s): %v", tt.in, err)
			continue
		}
		var got []string
		for _, a := range args {
			if a.Name != "" {
				got = append(got, a.Name)
			} else {
				got = append(got, "="+string(a.Literal))
			}
		}
		if name != tt.name || !slices.Equal(got, tt.args) {
			t.Errorf("ParseCall(%s) = %s %q, want %s %q", tt.in, name, got, tt.name, tt.args)
		}
	}
}

func TestParseArg(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Arg
		err  error
	}{
		{in: `"world"`, want: Arg{Literal: json.RawMessage(`"world"`)}},
		{in: ` 42 `, want: Arg{Literal: json.RawMessage(`42`)}},
		{in: `true`, want: Arg{Literal: json.RawMessage(`true`)}},
		{in: `null`, want: Arg{Literal: json.RawMessage(`null`)}},
		{in: `nil`, want: Arg{Literal: json.RawMessage(`[]`)}},
		{in: `nodes`, want: Arg{Name: "nodes"}},
		{in: ` `, err: ErrEmptyArg},
	} {
		got, err := ParseArg(tt.in)
		if !errors.Is(err, tt.err) || got.Name != tt.want.Name || string(got.Literal) != string(tt.want.Literal) {
			t.Errorf("ParseArg(%q) = %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if _, err := ParseArg(`"open`); err == nil {
		t.Error(`ParseArg("open) succeeded`)
	}
}

// FuzzParseCall checks that parsing a call never panics and that every
// literal it accepts is valid JSON.
func FuzzParseCall(f *testing.F) {
	for _, s := range []string{`f()`, `hello("a, b")`, `g(x, [1, [2, 3]], {"k": "v,]"}, nil, true)`, `g("esc\"aped", y)`, `f(`, `f(]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, args, err := ParseCall(s)
		if err != nil {
			return
		}
		if !isIdent(name) {
			t.Fatalf("accepted function name %q", name)
		}
		// A list that names data holds its elements instead of a
		// literal; every literal at any depth must be JSON.
		for len(args) > 0 {
			a := args[len(args)-1]
			args = args[:len(args)-1]
			switch {
			case a.Elems != nil:
				args = append(args, a.Elems...)
			case a.Name == "" && !json.Valid(a.Literal):
				t.Fatalf("accepted literal %q is not JSON", a.Literal)
			}
		}
	})
}
