package main

import (
	"encoding/json"
	"os"
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
		name, args, err := parseCall(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseCall(%s) succeeded", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseCall(%s): %v", tt.in, err)
			continue
		}
		var got []string
		for _, a := range args {
			if a.name != "" {
				got = append(got, a.name)
			} else {
				got = append(got, "="+string(a.literal))
			}
		}
		if name != tt.name || !slices.Equal(got, tt.args) {
			t.Errorf("parseCall(%s) = %s %q, want %s %q", tt.in, name, got, tt.name, tt.args)
		}
	}
}

func TestLoadDataMergesFileAndFlag(t *testing.T) {
	path := t.TempDir() + "/data.json"
	if err := writeFile(path, `{"a": 1, "b": 2}`); err != nil {
		t.Fatal(err)
	}
	data, err := loadData(`{"b": 3}`, path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(data)
	if string(got) != `{"a":1,"b":3}` {
		t.Errorf("data = %s: --data must override --data-path", got)
	}
	if _, err := loadData(`[1]`, ""); err == nil {
		t.Error("a JSON array was accepted as data")
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }

// FuzzParseCall checks that -f parsing never panics and that every
// literal it accepts is valid JSON.
func FuzzParseCall(f *testing.F) {
	for _, s := range []string{`f()`, `hello("a, b")`, `g(x, [1, [2, 3]], {"k": "v,]"}, nil, true)`, `g("esc\"aped", y)`, `f(`, `f(]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, args, err := parseCall(s)
		if err != nil {
			return
		}
		if !isIdent(name) {
			t.Fatalf("accepted function name %q", name)
		}
		for _, a := range args {
			if a.name == "" && !json.Valid(a.literal) {
				t.Fatalf("accepted literal %q is not JSON", a.literal)
			}
		}
	})
}
