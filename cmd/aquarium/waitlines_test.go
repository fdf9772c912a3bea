package main

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// waitLines waits until a file that a command in the background writes
// has N whole lines, and sets LINE0... to them and ID0... to the peer id
// each ends with, if any: waitlines FILE N.
func waitLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlines FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if lines := strings.Split(string(b), "\n"); len(lines) > n {
			for i, l := range lines[:n] {
				ts.Setenv("LINE"+strconv.Itoa(i), l)
				if _, id, ok := strings.Cut(l, "/p2p/"); ok {
					ts.Setenv("ID"+strconv.Itoa(i), id)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s has not %d lines within 30s: %q", args[0], n, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
