package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer a command writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 10s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCompileWatch runs compile --watch on a directory and edits it: a
// change recompiles, an error is reported and watching goes on, a new
// file is compiled too, and the command ends with its context.
func TestCompileWatch(t *testing.T) {
	watchEvery = 20 * time.Millisecond
	dir := t.TempDir()
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(out, name))
		return string(b)
	}
	write("a.aqua", "aqua A\n\nexport f\n\nfunc f() -> string:\n  <- \"one\"\n")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd()
	var stderr syncBuffer
	root.SetErr(&stderr)
	root.SetOut(&syncBuffer{})
	root.SetArgs([]string{"compile", "--watch", "-i", src, "-o", out})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()

	waitFor(t, "first compile", func() bool { return strings.Contains(read("a/f.air"), `"one"`) })
	write("a.aqua", "aqua A\n\nexport f\n\nfunc f() -> string:\n  <- \"two, longer\"\n")
	waitFor(t, "compile after a change", func() bool { return strings.Contains(read("a/f.air"), `"two, longer"`) })

	write("a.aqua", "aqua A\n\nexport f\n\nfunc f() -> string:\n  <- nope\n")
	waitFor(t, "error report", func() bool {
		return strings.Contains(stderr.String(), "undefined: nope") && strings.Contains(stderr.String(), "failed to compile")
	})
	write("a.aqua", "aqua A\n\nexport f\n\nfunc f() -> string:\n  <- \"three\"\n")
	write("lib/b.aqua", "aqua B\n\nexport g\n\nfunc g() -> string:\n  <- \"new\"\n")
	waitFor(t, "compile after the fix and a new file", func() bool {
		return strings.Contains(read("a/f.air"), `"three"`) && strings.Contains(read("lib/b/g.air"), `"new"`)
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("compile --watch ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("compile --watch did not end with its context")
	}
}
