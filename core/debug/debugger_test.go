package debug

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// fakeRun plays a node's part: through the gate, then recorded.
func fakeRun(ctx context.Context, d *Debugger, at peer.ID, out avm.Outcome) <-chan error {
	done := make(chan error, 1)
	go func() {
		in := &node.Interpretation{Peer: at, Particle: &particle.Particle{ID: "p1", Script: "(null)"}, Current: []byte{}, Outcome: out}
		if err := d.Enter(ctx, in); err != nil {
			done <- err
			return
		}
		d.Record(in)
		done <- nil
	}()
	return done
}

func waitPending(t *testing.T, d *Debugger, n int) {
	t.Helper()
	changes, cancel := d.Subscribe()
	defer cancel()
	for len(d.Pending()) != n {
		select {
		case <-changes:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d pending, want %d", len(d.Pending()), n)
		}
	}
}

func TestDebuggerPausesStepsAndContinues(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := New(NewRecording(0))
	if err := <-fakeRun(ctx, d, "a", avm.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if d.Recording().Len() != 1 {
		t.Fatal("a running debugger did not record the run")
	}
	if _, err := d.Step(ctx); !errors.Is(err, ErrRunning) {
		t.Errorf("Step while running = %v, want ErrRunning", err)
	}

	d.Pause()
	first := fakeRun(ctx, d, "b", avm.Outcome{})
	waitPending(t, d, 1)
	second := fakeRun(ctx, d, "c", avm.Outcome{})
	waitPending(t, d, 2)
	if p := d.Pending(); p[0].Peer != "b" || p[1].Peer != "c" || !p[0].Arrival {
		t.Errorf("pending %+v", p)
	}
	stop, err := d.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if stop.Hop.Peer != "b" || stop.Hop.Seq != 2 {
		t.Errorf("stepped to %s #%d, want b #2", stop.Hop.Peer, stop.Hop.Seq)
	}
	if cur, ok := d.Current(); !ok || cur.Hop != stop.Hop {
		t.Error("the step is not the current stop")
	}
	select {
	case <-second:
		t.Fatal("a held run went through without a step")
	default:
	}

	// Continue lets the held run through; a breakpoint on d stops the
	// network after d's hop, and holds what comes next.
	d.SetBreakpoints([]Breakpoint{{Kind: OnPeer, Peer: "d"}})
	d.Continue()
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if err := <-fakeRun(ctx, d, "d", avm.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if !d.Paused() {
		t.Fatal("the breakpoint did not pause the network")
	}
	if cur, _ := d.Current(); cur.Hit == nil || cur.Hop.Peer != "d" {
		t.Errorf("stop %+v, want a hit at d", cur)
	}
	fakeRun(ctx, d, "e", avm.Outcome{})
	waitPending(t, d, 1)

	// Back and forward move through the particle's recorded hops.
	var seen []peer.ID
	for {
		s, ok := d.Back()
		if !ok {
			break
		}
		seen = append(seen, s.Hop.Peer)
	}
	for {
		s, ok := d.Forward()
		if !ok {
			break
		}
		seen = append(seen, s.Hop.Peer)
	}
	if got := fmtPeers(seen); got != "c b a b c d" {
		t.Errorf("moved through %s", got)
	}
}

func TestStepWaitsForARun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := New(NewRecording(0))
	d.Pause()
	stepped := make(chan Stop, 1)
	go func() {
		s, err := d.Step(ctx)
		if err != nil {
			t.Error(err)
		}
		stepped <- s
	}()
	if err := <-fakeRun(ctx, d, "late", avm.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if s := <-stepped; s.Hop.Peer != "late" {
		t.Errorf("stepped to %s", s.Hop.Peer)
	}
}

func TestHeldRunEndsWithItsContext(t *testing.T) {
	d := New(NewRecording(0))
	d.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	done := fakeRun(ctx, d, "a", avm.Outcome{})
	waitPending(t, d, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("held run ended with %v", err)
	}
	if n := len(d.Pending()); n != 0 {
		t.Errorf("%d still pending", n)
	}
}

func TestRecordingForgetsTheOldest(t *testing.T) {
	r := NewRecording(10)
	for range 25 {
		r.Record(&node.Interpretation{Peer: "a", Particle: &particle.Particle{ID: "p"}})
	}
	hops := r.Hops()
	if len(hops) > 10 || hops[len(hops)-1].Seq != 25 {
		t.Errorf("kept %d hops, newest #%d", len(hops), hops[len(hops)-1].Seq)
	}
	if _, ok := r.Hop(1); ok {
		t.Error("the oldest hop is still held")
	}
	if h, ok := r.Hop(25); !ok || h.Seq != 25 {
		t.Error("the newest hop is not found")
	}
}

func fmtPeers(ids []peer.ID) string {
	s := ""
	for i, id := range ids {
		if i > 0 {
			s += " "
		}
		s += string(id)
	}
	return s
}

// BenchmarkRunningDebugger is what a running debugger adds to every
// interpretation: the gate lets it through, the recorder keeps it.
func BenchmarkRunningDebugger(b *testing.B) {
	d := New(NewRecording(1000))
	ctx := context.Background()
	p := &particle.Particle{ID: "p", Script: "(null)"}
	b.ReportAllocs()
	for b.Loop() {
		in := &node.Interpretation{Peer: "a", Particle: p}
		if err := d.Enter(ctx, in); err != nil {
			b.Fatal(err)
		}
		d.Record(in)
	}
}
