package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestCutWord(t *testing.T) {
	tests := []struct{ in, word, rest string }{
		{"", "", ""},
		{"stats", "stats", ""},
		{"  call  kv  put ", "call", "kv  put"},
		{`kv put {"key": "a b"}`, "kv", `put {"key": "a b"}`},
		{"load\tkv\tkv.wasm", "load", "kv\tkv.wasm"},
	}
	for _, tt := range tests {
		word, rest := cutWord(tt.in)
		if word != tt.word || rest != tt.rest {
			t.Errorf("cutWord(%q) = %q, %q; want %q, %q", tt.in, word, rest, tt.word, tt.rest)
		}
	}
}

// lines returns the history, most recent last.
func lines(h *history) []string {
	var out []string
	for i := h.Len() - 1; i >= 0; i-- {
		out = append(out, h.At(i))
	}
	return out
}

func TestHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "history")
	h := loadHistory(path, 3)
	for _, l := range []string{"load kv kv.wasm", "", "stats", "stats", "call kv list", "help"} {
		h.Add(l)
	}
	if h.err != nil {
		t.Fatal(h.err)
	}
	if got, want := lines(h), []string{"stats", "call kv list", "help"}; !reflect.DeepEqual(got, want) {
		t.Errorf("history = %q, want %q (bounded, no blanks, no repeats)", got, want)
	}
	// The next session starts where this one ended.
	if got, want := lines(loadHistory(path, 3)), []string{"stats", "call kv list", "help"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reloaded history = %q, want %q", got, want)
	}
	// A file grown past twice the bound is cut back.
	for i := range 4 {
		h.Add(strings.Repeat("x", i+1))
	}
	h = loadHistory(path, 3)
	if h.err != nil {
		t.Fatal(h.err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "xx\nxxx\nxxxx\n"; got != want {
		t.Errorf("compacted file = %q, want %q", got, want)
	}
}

func TestHistoryWithoutFile(t *testing.T) {
	h := loadHistory("", 2)
	h.Add("a")
	h.Add("b\nc")
	if got := lines(h); !reflect.DeepEqual(got, []string{"a"}) || h.err != nil {
		t.Errorf("history = %q (err %v), want [a]", got, h.err)
	}
}
