package session

import (
	"fmt"
	"testing"
	"time"
)

// TestStartForgetsExpiredRuns starts runs whose particles expire at
// various times, out of order, and checks that each start forgets exactly
// the runs expired by then, and keeps a particle id started again with a
// later deadline.
func TestStartForgetsExpiredRuns(t *testing.T) {
	c := &Client{runs: map[string]*run{}}
	t0 := time.Unix(1_700_000_000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	for i, expires := range []int{30, 10, 20, 10, 40} {
		c.start(fmt.Sprint("p", i), &run{deadline: at(expires)}, t0)
	}
	// p1 starts again, expiring later than its first deadline.
	c.start("p1", &run{deadline: at(50)}, at(5))
	c.start("q", &run{deadline: at(60)}, at(25))
	var alive []string
	for _, id := range []string{"p0", "p1", "p2", "p3", "p4", "q"} {
		if c.run(id) != nil {
			alive = append(alive, id)
		}
	}
	if got, want := fmt.Sprint(alive), "[p0 p1 p4 q]"; got != want {
		t.Errorf("runs alive at 25 s: %s, want %s", got, want)
	}
	c.start("r", &run{deadline: at(70)}, at(55))
	if len(c.runs) != 2 || c.run("q") == nil || c.run("r") == nil {
		t.Errorf("at 55 s, %d runs alive, want q and r", len(c.runs))
	}
}
