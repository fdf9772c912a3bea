package main

import (
	"bytes"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
)

// TestLSPCommand starts a session with aquarium lsp on its standard
// input and output: initialize, shutdown, exit.
func TestLSPCommand(t *testing.T) {
	msg := func(s string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(s), s) }
	in := strings.NewReader(msg(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`) +
		msg(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`) +
		msg(`{"jsonrpc":"2.0","method":"exit"}`))
	// The command tunes the collector for the process; leave it as the
	// other tests had it.
	gc := debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	t.Cleanup(func() { debug.SetGCPercent(gc) })
	var out bytes.Buffer
	root := newRootCmd()
	root.SetArgs([]string{"lsp"})
	root.SetIn(in)
	root.SetOut(&out)
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{`"id":1`, `"hoverProvider":true`, `"definitionProvider":true`, `"name":"aquarium"`, `"id":2`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %s:\n%s", want, got)
		}
	}
}
