package debug

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// fakeRun plays a node's part: through the gate, then recorded.
func fakeRun(ctx context.Context, d *Debugger, at peer.ID, out avm.Outcome) <-chan error {
	return fakeInterpret(ctx, d, &node.Interpretation{Peer: at, Particle: &particle.Particle{ID: "p1", Script: "(null)"}, Current: []byte{}, Outcome: out})
}

// fakeInterpret passes in through the gate and records it.
func fakeInterpret(ctx context.Context, d *Debugger, in *node.Interpretation) <-chan error {
	done := make(chan error, 1)
	go func() {
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

// fakeHop is an interpretation of the step-over tests: particle p at
// peer, given the results of calls got, asking for calls ask.
type fakeHop struct {
	peer     peer.ID
	particle string
	got, ask []uint32
}

func (f fakeHop) String() string { return fmt.Sprintf("%s@%s%v", f.particle, f.peer, f.got) }

// hold starts the interpretations, one after another, and waits until
// the paused debugger holds them all, in that order.
func hold(ctx context.Context, t *testing.T, d *Debugger, hops ...fakeHop) {
	t.Helper()
	particles := map[string]*particle.Particle{}
	for _, f := range hops {
		p := particles[f.particle]
		if p == nil {
			p = &particle.Particle{ID: f.particle, Script: "(null)"}
			particles[f.particle] = p
		}
		in := &node.Interpretation{Peer: f.peer, Particle: p, Outcome: avm.Outcome{CallRequests: map[uint32]avm.CallRequest{}}}
		if f.got == nil {
			in.Current = []byte{}
		} else {
			in.Results = map[uint32]avm.CallResult{}
			for _, id := range f.got {
				in.Results[id] = avm.CallResult{Result: `"r"`}
			}
		}
		for _, id := range f.ask {
			in.Outcome.CallRequests[id] = avm.CallRequest{ServiceID: "s", FunctionName: "f"}
		}
		n := len(d.Pending())
		fakeInterpret(ctx, d, in)
		waitPending(t, d, n+1)
	}
}

// describe names a hop as fakeHop.String does.
func describe(h *Hop) string {
	got := []uint32(nil)
	if h.Current == nil {
		got = slices.Sorted(maps.Keys(h.Results))
	}
	return fakeHop{peer: h.Peer, particle: h.Particle.ID, got: got}.String()
}

func TestStepOver(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// p1 on a asks for calls 1 and 2; their results come back in two
	// runs, between which other particles and peers run.
	asks := fakeHop{peer: "a", particle: "p1", ask: []uint32{1, 2}}
	between := []fakeHop{
		{peer: "b", particle: "p2"},
		{peer: "a", particle: "p1", got: []uint32{1}},
		{peer: "c", particle: "p1"},
		{peer: "a", particle: "p2", got: []uint32{1, 2}}, // same ids, another particle
	}
	back := fakeHop{peer: "a", particle: "p1", got: []uint32{2}}
	after := fakeHop{peer: "d", particle: "p1"}

	tests := []struct {
		name  string
		bps   []Breakpoint
		want  string // the hop StepOver stops at
		ran   int    // hops it lets run
		isHit bool
	}{
		{name: "to the results", want: back.String(), ran: 5},
		{name: "a breakpoint on the way", bps: []Breakpoint{{Kind: OnPeer, Peer: "c"}}, want: "p1@c[]", ran: 3, isHit: true},
		{name: "a breakpoint on the hop itself", bps: []Breakpoint{{Kind: OnPeer, Peer: "a"}}, want: "p1@a[1]", ran: 2, isHit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(NewRecording(0))
			d.SetBreakpoints(tt.bps)
			d.Pause()
			hold(ctx, t, d, asks)
			if _, err := d.Step(ctx); err != nil {
				t.Fatal(err)
			}
			hold(ctx, t, d, append(between, back, after)...)
			before := d.Recording().Len()
			stop, err := d.StepOver(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(stop.Hop); got != tt.want {
				t.Errorf("stepped over to %s, want %s", got, tt.want)
			}
			if ran := d.Recording().Len() - before; ran != tt.ran {
				t.Errorf("%d hops ran, want %d", ran, tt.ran)
			}
			if (stop.Hit != nil) != tt.isHit {
				t.Errorf("breakpoint hit: %v, want %v", stop.Hit, tt.isHit)
			}
			if cur, _ := d.Current(); cur.Hop != stop.Hop {
				t.Error("the stop is not the current one")
			}
			d.Continue()
		})
	}
}

func TestStepOverAHopWithoutCalls(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := New(NewRecording(0))
	if _, err := d.StepOver(ctx); !errors.Is(err, ErrRunning) {
		t.Errorf("StepOver while running = %v, want ErrRunning", err)
	}
	d.Pause()
	hold(ctx, t, d, fakeHop{peer: "a", particle: "p1"}, fakeHop{peer: "b", particle: "p1"}, fakeHop{peer: "c", particle: "p1"})
	// With no stop yet, and from a hop that asked for nothing, it steps.
	for _, want := range []string{"p1@a[]", "p1@b[]"} {
		stop, err := d.StepOver(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(stop.Hop); got != want {
			t.Errorf("stepped over to %s, want %s", got, want)
		}
	}
	if n := len(d.Pending()); n != 1 {
		t.Errorf("%d held, want 1", n)
	}
	d.Continue()
}

// TestStepOverFromThePast steps over a hop moved back to, whose results
// have come back since: it moves to the hop that took them, running
// nothing.
func TestStepOverFromThePast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := New(NewRecording(0))
	d.Pause()
	hold(ctx, t, d, fakeHop{peer: "a", particle: "p1", ask: []uint32{1}}, fakeHop{peer: "b", particle: "p1"},
		fakeHop{peer: "a", particle: "p1", got: []uint32{1}}, fakeHop{peer: "c", particle: "p1"})
	for range 3 {
		if _, err := d.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	d.Back()
	if s, _ := d.Back(); describe(s.Hop) != "p1@a[]" {
		t.Fatalf("moved back to %s", describe(s.Hop))
	}
	stop, err := d.StepOver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(stop.Hop); got != "p1@a[1]" {
		t.Errorf("stepped over to %s, want p1@a[1]", got)
	}
	if n := len(d.Pending()); n != 1 || d.Recording().Len() != 3 {
		t.Errorf("%d held and %d recorded: the step over ran something", n, d.Recording().Len())
	}
	d.Continue()
}

// TestStepOverGivesUpWithItsContext stops where it got to when its
// context ends before the results come back.
func TestStepOverGivesUpWithItsContext(t *testing.T) {
	d := New(NewRecording(0))
	d.Pause()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hold(ctx, t, d, fakeHop{peer: "a", particle: "p1", ask: []uint32{1}}, fakeHop{peer: "b", particle: "p1"})
	if _, err := d.Step(ctx); err != nil {
		t.Fatal(err)
	}
	short, stop := context.WithCancel(ctx)
	changes, unsubscribe := d.Subscribe()
	defer unsubscribe()
	done := make(chan error, 1)
	go func() {
		_, err := d.StepOver(short)
		done <- err
	}()
	// b's hop runs; then the step over waits for results that never come.
	for d.Recording().Len() < 2 {
		select {
		case <-changes:
		case <-ctx.Done():
			t.Fatal("b's hop did not run")
		}
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("StepOver = %v, want context.Canceled", err)
	}
	if cur, _ := d.Current(); describe(cur.Hop) != "p1@b[]" {
		t.Errorf("current stop %s, want the last hop that ran, p1@b[]", describe(cur.Hop))
	}
	d.Continue()
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
