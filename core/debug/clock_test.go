package debug

import (
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// TestNowStandsStillWhilePaused moves a fake wall clock through a run, a
// pause, a breakpoint's pause and a continue: the network's clock leaves
// out every paused moment.
func TestNowStandsStillWhilePaused(t *testing.T) {
	wall := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := New(NewRecording(0))
	d.wall = func() time.Time { return wall }
	start := d.Now()
	tick := func(dt time.Duration) { wall = wall.Add(dt) }
	want := func(step string, elapsed time.Duration) {
		t.Helper()
		if got := d.Now().Sub(start); got != elapsed {
			t.Errorf("%s: the network's clock moved %v, want %v", step, got, elapsed)
		}
	}
	tick(2 * time.Second)
	want("running", 2*time.Second)
	d.Pause()
	tick(30 * time.Second)
	want("paused 30 s", 2*time.Second)
	d.Pause() // pausing again does not restart the pause
	tick(5 * time.Second)
	want("paused twice", 2*time.Second)
	d.Continue()
	want("continued", 2*time.Second)
	tick(time.Second)
	want("running again", 3*time.Second)
	d.Continue() // continuing a running network loses no time
	tick(time.Second)
	want("continued twice", 4*time.Second)

	// A breakpoint pauses the clock too.
	d.SetBreakpoints([]Breakpoint{{Kind: OnPeer, Peer: "node1"}})
	if err := <-fakeRun(t.Context(), d, "node1", avm.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if !d.Paused() {
		t.Fatal("the breakpoint did not pause the network")
	}
	tick(time.Minute)
	want("at a breakpoint", 4*time.Second)
	d.Continue()
	tick(time.Second)
	want("after the breakpoint", 5*time.Second)
}
