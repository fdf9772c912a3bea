package trace

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestLogWindow(t *testing.T) {
	l := NewLog(4)
	if got, missed := l.Since(1, 10); len(got) != 0 || missed != 0 {
		t.Fatalf("empty log: %v events, %d missed", len(got), missed)
	}
	for i := range 6 {
		if seq := l.Append(Event{Kind: Received, Particle: string(rune('a' + i))}); seq != uint64(i+1) {
			t.Fatalf("Append %d got seq %d", i, seq)
		}
	}
	if l.Last() != 6 {
		t.Fatalf("Last = %d, want 6", l.Last())
	}
	tests := []struct {
		from       uint64
		limit      int
		wantIDs    string
		wantMissed uint64
	}{
		{1, 10, "cdef", 2}, // a and b were evicted
		{0, 10, "cdef", 2},
		{3, 2, "cd", 0},
		{5, 10, "ef", 0},
		{7, 10, "", 0},
	}
	for _, tt := range tests {
		got, missed := l.Since(tt.from, tt.limit)
		ids := ""
		for _, e := range got {
			ids += e.Particle
		}
		if ids != tt.wantIDs || missed != tt.wantMissed {
			t.Errorf("Since(%d, %d) = %q missed %d, want %q missed %d", tt.from, tt.limit, ids, missed, tt.wantIDs, tt.wantMissed)
		}
		// AppendSince keeps what dst holds and appends as many.
		dst := append(make([]Event, 0, 8), Event{Particle: "x"})
		got, missed = l.AppendSince(dst, tt.from, tt.limit)
		ids = ""
		for _, e := range got {
			ids += e.Particle
		}
		if ids != "x"+tt.wantIDs || missed != tt.wantMissed || &got[0] != &dst[0] {
			t.Errorf("AppendSince(x, %d, %d) = %q missed %d, want %q missed %d in dst", tt.from, tt.limit, ids, missed, "x"+tt.wantIDs, tt.wantMissed)
		}
	}
}

func TestSubscriptionCoalesces(t *testing.T) {
	l := NewLog(100)
	s := l.Subscribe()
	defer s.Close()
	for range 10 {
		l.Append(Event{Kind: Sent})
	}
	select {
	case seq := <-s.C():
		if seq != 10 {
			t.Errorf("notified of %d, want the latest, 10", seq)
		}
	default:
		t.Fatal("no notification")
	}
	select {
	case seq := <-s.C():
		t.Errorf("second notification %d without new events", seq)
	default:
	}
	s.Close()
	l.Append(Event{})
	select {
	case <-s.C():
		t.Error("notified after Close")
	default:
	}
}

// TestConcurrentReaders runs producers and a reader that follows the log
// through its subscription; with -race it checks the locking.
func TestConcurrentReaders(t *testing.T) {
	l := NewLog(64)
	s := l.Subscribe()
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	const producers, each = 4, 500
	var wg sync.WaitGroup
	for range producers {
		wg.Go(func() {
			for range each {
				l.Append(Event{Kind: Interpreted})
			}
		})
	}
	var seen, missed uint64
	next := uint64(1)
	for next <= producers*each {
		select {
		case <-s.C():
		case <-ctx.Done():
			t.Fatalf("reader stuck at %d", next)
		}
		for {
			evs, m := l.Since(next, 16)
			missed += m
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				if e.Seq < next {
					t.Fatalf("event %d out of order after %d", e.Seq, next)
				}
				next = e.Seq + 1
				seen++
			}
		}
	}
	wg.Wait()
	if seen+missed != producers*each {
		t.Errorf("seen %d + missed %d != %d", seen, missed, producers*each)
	}
}

func TestEventString(t *testing.T) {
	e := Event{Seq: 3, Kind: Dropped, Particle: "p1", Peer: "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx", Reason: Unroutable, Err: "no route to 12D3…"}
	if got, want := e.String(), "#3 p1 dropped at 12D3Ko…Vtmx: unroutable peer: no route to 12D3…"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if Kind(99).String() != "kind(99)" || Reason(0).String() != "reason(0)" {
		t.Error("unknown kinds and reasons must still print")
	}
}

// TestLogGrowsToItsCapacity: a log takes memory as events come, and never
// more than its capacity's worth.
func TestLogGrowsToItsCapacity(t *testing.T) {
	l := NewLog(1000)
	if cap(l.ring) != 0 {
		t.Fatalf("an empty log holds room for %d events", cap(l.ring))
	}
	for i := range 5000 {
		l.Append(Event{Kind: Received})
		if cap(l.ring) > 1000 {
			t.Fatalf("after %d events the log holds room for %d, more than its capacity", i+1, cap(l.ring))
		}
	}
	if evs, missed := l.Since(1, 10_000); len(evs) != 1000 || missed != 4000 || evs[0].Seq != 4001 || evs[999].Seq != 5000 {
		t.Errorf("Since(1) = %d events from %d, %d missed; want the last 1000, 4000 missed", len(evs), evs[0].Seq, missed)
	}
}
