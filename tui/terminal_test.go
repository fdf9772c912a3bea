package tui

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// terminal keeps everything a teatest program has written. teatest's own
// WaitFor forgets what each wait read, so text that arrived in the same
// read as the previous wait's (a run's result and its "completed") was
// lost to the next wait; here a wait searches all the output since the
// last key sent.
type terminal struct {
	t    *testing.T
	tm   *teatest.TestModel
	out  bytes.Buffer
	from int // where the output since the last key sent begins
}

func newTerminal(t *testing.T, tm *teatest.TestModel) *terminal {
	return &terminal{t: t, tm: tm}
}

// send presses keys, in order; later waits look only at what follows.
func (term *terminal) send(keys ...string) {
	term.from = term.out.Len()
	for _, k := range keys {
		term.tm.Send(keyMsg(k))
	}
}

// waitFor waits until the terminal has been sent what, since the last
// key. The limit is generous: a loaded machine running the race detector
// can take seconds to draw.
func (term *terminal) waitFor(what string) {
	term.t.Helper()
	term.waitBytes([]byte(what))
}

func (term *terminal) waitBytes(what []byte) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	buf := make([]byte, 32<<10)
	for !bytes.Contains(term.out.Bytes()[term.from:], what) {
		n, _ := term.tm.Output().Read(buf)
		term.out.Write(buf[:n])
		if n > 0 {
			continue
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the terminal was not sent %q; since the last key it was sent:\n%s", what, term.out.Bytes()[term.from:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// finished waits for the program to end and returns its last model.
func (term *terminal) finished() *Model {
	term.t.Helper()
	return term.tm.FinalModel(term.t, teatest.WithFinalTimeout(20*time.Second)).(*Model)
}
