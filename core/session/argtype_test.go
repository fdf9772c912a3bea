package session

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestCheckArg(t *testing.T) {
	u32 := Type{Kind: KindU32}
	str := Type{Kind: KindString}
	user := Type{Kind: KindStruct, Name: "User", Fields: []Field{{"name", str}, {"age", u32}}}
	tests := []struct {
		name string
		typ  Type
		v    string
		err  string // "" for a value that fits
	}{
		{"s", str, `"x"`, ""},
		{"s", str, `42`, `args.s: expected string, got 42 (write strings in double quotes)`},
		{"s", str, `null`, `args.s: expected string, got null`},
		{"n", u32, `7`, ""},
		{"n", u32, `1e3`, ""},
		{"n", u32, `"x"`, `args.n: expected u32, got "x"`},
		{"n", u32, `-1`, `args.n: expected u32, got -1 (out of range 0..4294967295)`},
		{"n", u32, `1.5`, `args.n: expected u32, got 1.5 (not an integer)`},
		{"n", Type{Kind: KindI8}, `-128`, ""},
		{"n", Type{Kind: KindI8}, `128`, `args.n: expected i8, got 128 (out of range -128..127)`},
		{"n", Type{Kind: KindU64}, `18446744073709551615`, ""},
		{"f", Type{Kind: KindF64}, `-1.5`, ""},
		{"b", Type{Kind: KindBool}, `"true"`, `args.b: expected bool, got "true"`},
		{"user", user, `{"name": "a", "age": 3, "extra": 1}`, ""},
		{"user", user, `{"name": "a", "age": "x"}`, `args.user.age: expected u32, got "x"`},
		{"user", user, `{"name": "a"}`, `args.user.age: expected u32, got nothing (missing field of User)`},
		{"user", user, `[]`, `args.user: expected User, got []`},
		{"users", Type{Kind: KindArray, Elem: &user}, `[{"name": "a", "age": 1}, {"name": 2, "age": 1}]`, `args.users[1].name: expected string, got 2 (write strings in double quotes)`},
		{"o", Type{Kind: KindOption, Elem: &str}, `[]`, ""},
		{"o", Type{Kind: KindOption, Elem: &str}, `["a"]`, ""},
		{"o", Type{Kind: KindOption, Elem: &str}, `["a", "b"]`, `args.o: expected ?string, got ["a","b"] (an option holds at most one value)`},
		{"o", Type{Kind: KindOption, Elem: &str}, `null`, `args.o: expected ?string, got null (an empty option is [] or nil)`},
		{"o", Type{Kind: KindOption, Elem: &str}, `"a"`, `args.o: expected ?string, got "a" (an option is [] or [value])`},
		{"st", Type{Kind: KindStream, Elem: &u32}, `[1, 2]`, ""},
		{"st", Type{Kind: KindStream, Elem: &u32}, `[1, true]`, `args.st[1]: expected u32, got true`},
		{"any", Type{Kind: KindAny, Name: "%string"}, `{"whatever": 1}`, ""},
		{"cb", Type{Kind: KindArrow, Name: "string -> ()"}, `1`, `args.cb: expected string -> (), got 1 (a function cannot be given as data)`},
		{"long", str, `[` + `"aaaaaaaaaa",` + `"aaaaaaaaaa",` + `"aaaaaaaaaa",` + `"aaaaaaaaaa"]`, `args.long: expected string, got ["aaaaaaaaaa","aaaaaaaaaa","aaaaaaaaaa"…`},
	}
	for _, tt := range tests {
		err := CheckArg(tt.name, tt.typ, json.RawMessage(tt.v))
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CheckArg(%s, %s, %s) = %v, want no error", tt.name, tt.typ, tt.v, err)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("CheckArg(%s, %s, %s) = %v, want %s", tt.name, tt.typ, tt.v, err, tt.err)
		}
		var ae *ArgError
		if err != nil && !errors.As(err, &ae) {
			t.Errorf("CheckArg(%s, %s, %s) = %T, want *ArgError", tt.name, tt.typ, tt.v, err)
		}
	}
}

func TestTypeString(t *testing.T) {
	str := Type{Kind: KindString}
	opt := Type{Kind: KindOption, Elem: &Type{Kind: KindStruct, Name: "Point"}}
	for _, tt := range []struct {
		typ  Type
		want string
	}{
		{str, "string"},
		{Type{Kind: KindArray, Elem: &opt}, "[]?Point"},
		{Type{Kind: KindStream, Elem: &str}, "*string"},
		{Type{Kind: KindI64}, "i64"},
		{Type{}, "⊤"},
	} {
		if got := tt.typ.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestArgValue(t *testing.T) {
	data := map[string]json.RawMessage{"node0": json.RawMessage(`"a"`), "node2": json.RawMessage(`"c"`)}
	for _, tt := range []struct{ in, want, err string }{
		{`[node0, node2]`, `["a","c"]`, ""},
		{`[node0, "x", [node2, 1], nil]`, `["a","x",["c",1],[]]`, ""},
		{`[]`, `[]`, ""},
		{`node2`, `"c"`, ""},
		{`[node0, node9]`, "", `no data named "node9"`},
	} {
		a, err := ParseArg(tt.in)
		if err != nil {
			t.Errorf("ParseArg(%s): %v", tt.in, err)
			continue
		}
		v, err := a.Value(data)
		if tt.err != "" {
			var ue *UnknownDataError
			if err == nil || err.Error() != tt.err || !errors.As(err, &ue) {
				t.Errorf("Value(%s) = %s, %v; want %s", tt.in, v, err, tt.err)
			}
			continue
		}
		if err != nil || string(v) != tt.want {
			t.Errorf("Value(%s) = %s, %v; want %s", tt.in, v, err, tt.want)
		}
	}
	for _, bad := range []string{`[node0, "open]`, `[node0,]`, `[1 2]`} {
		if a, err := ParseArg(bad); err == nil {
			t.Errorf("ParseArg(%s) = %+v, want an error", bad, a)
		}
	}
}
