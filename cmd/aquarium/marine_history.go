package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// history is a REPL's line history, most recent last, bounded, and
// appended to a file as lines come so that the next session has it.
// It implements golang.org/x/term's History.
type history struct {
	lines []string
	max   int
	path  string // empty: not saved
	err   error  // the first error saving a line
}

// loadHistory reads the last max lines of path. A missing or unreadable
// file gives an empty history; saving reports its own errors. A file
// grown past twice max lines is cut back to max.
func loadHistory(path string, max int) *history {
	h := &history{max: max, path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	read := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		h.remember(sc.Text())
		read++
	}
	f.Close()
	if read > 2*max {
		h.err = os.WriteFile(path, []byte(strings.Join(h.lines, "\n")+"\n"), 0o600)
	}
	return h
}

// remember appends line unless it is empty or repeats the last one, and
// reports whether it did.
func (h *history) remember(line string) bool {
	if line == "" || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == line) {
		return false
	}
	if len(h.lines) == h.max {
		h.lines = slices.Delete(h.lines, 0, 1)
	}
	h.lines = append(h.lines, line)
	return true
}

// Add records a line and appends it to the file.
func (h *history) Add(line string) {
	line = strings.TrimSpace(line)
	if strings.ContainsAny(line, "\n\r") || !h.remember(line) || h.path == "" || h.err != nil {
		return
	}
	h.err = h.save(line)
}

func (h *history) save(line string) error {
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, werr := fmt.Fprintln(f, line)
	return errors.Join(werr, f.Close())
}

// Len is the number of lines.
func (h *history) Len() int { return len(h.lines) }

// At returns a line, 0 being the most recent.
func (h *history) At(i int) string { return h.lines[len(h.lines)-1-i] }
