package memnet

import (
	"slices"
	"testing"
	"time"
)

// TestDelayedInDueOrder sends over links of three latencies, slowest
// first: the particles arrive in the order they are due, and the
// scheduler ends once none is on its way.
func TestDelayedInDueOrder(t *testing.T) {
	a, b, c, d := NewPeer("a"), NewPeer("b"), NewPeer("c"), NewPeer("d")
	n := New()
	defer n.Close()
	got := newInbox()
	n.Add(d.ID, got)
	for i, from := range []Peer{a, b, c} {
		n.SetLink(from.ID, d.ID, Link{Latency: time.Duration(30-10*i) * time.Millisecond})
	}
	type sent struct {
		name string
		due  time.Time
	}
	var sends []sent
	for i, from := range []Peer{a, b, c} {
		tr := n.Add(from.ID, newInbox())
		sends = append(sends, sent{from.Name, time.Now().Add(time.Duration(30-10*i) * time.Millisecond)})
		if err := send(t, tr, d.ID, from.Name); err != nil {
			t.Fatal(err)
		}
	}
	// On a busy machine the sends may lie further apart than the
	// latencies do: the order due is what their times make it.
	slices.SortStableFunc(sends, func(x, y sent) int { return x.due.Compare(y.due) })
	var want []string
	for _, s := range sends {
		want = append(want, s.name)
	}
	for range 3 {
		<-got.seen
	}
	got.mu.Lock()
	order := slices.Clone(got.got)
	got.mu.Unlock()
	if !slices.Equal(order, want) {
		t.Errorf("arrived %v, want %v", order, want)
	}
	n.wg.Wait() // the scheduler ends with nothing on its way
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.scheduling || n.due.Len() != 0 {
		t.Errorf("scheduling %v with %d due after every delivery", n.scheduling, n.due.Len())
	}
}
