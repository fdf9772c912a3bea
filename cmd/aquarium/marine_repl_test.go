package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/term"
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

// TestReplLogThroughTerminal writes a module's log line and a result the
// way an interactive session does: both through the line editor, each
// line from the left edge, nothing past it on the error output.
func TestReplLogThroughTerminal(t *testing.T) {
	var stderr, screen bytes.Buffer
	logs := &logSink{w: &stderr}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	tm := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(""), &screen}, "marine> ")
	r := &repl{out: tm, errOut: tm, logs: logs}
	r.logs.set(r.out)
	logger.Info("a module's line", "service", "greeting")
	fmt.Fprintln(r.out, `"Hi, Marine"`)
	out := screen.String()
	if stderr.Len() != 0 {
		t.Errorf("the log went past the terminal: %q", stderr.String())
	}
	if !strings.Contains(out, "a module's line") || !strings.Contains(out, "\"Hi, Marine\"\r\n") {
		t.Fatalf("terminal output %q", out)
	}
	if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Errorf("a line does not return to the left edge: %q", out)
	}
}
