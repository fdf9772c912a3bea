package replay

import (
	"errors"
	"slices"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// load opens testdata/threepeers.rec: one particle from a client through
// two nodes and back, eight hops.
func load(t testing.TB) *Session {
	t.Helper()
	rec, err := debug.LoadFile("testdata/threepeers.rec")
	if err != nil {
		t.Fatal(err)
	}
	return New(rec)
}

func TestPeers(t *testing.T) {
	s := load(t)
	ps, err := s.Peers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+"/"+p.Role.String())
	}
	want := []string{"node0/node", "node1/node", "client/client"}
	if len(got) != len(want) {
		t.Fatalf("peers %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("peer %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestStepBackForward(t *testing.T) {
	s := load(t)
	changes, cancel := s.Subscribe()
	defer cancel()
	if _, ok := s.Current(); ok {
		t.Fatal("a fresh replay already stands at a hop")
	}
	if n := len(s.Pending()); n != 8 {
		t.Fatalf("%d hops pending, want 8", n)
	}
	for want := uint64(1); want <= 3; want++ {
		st, err := s.Step(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if st.Hop.Seq != want {
			t.Fatalf("step gave hop %d, want %d", st.Hop.Seq, want)
		}
	}
	select {
	case <-changes:
	default:
		t.Error("stepping told no subscriber")
	}
	if st, ok := s.Back(); !ok || st.Hop.Seq != 2 {
		t.Errorf("back: hop %v, %v; want 2", st.Hop, ok)
	}
	if st, ok := s.Forward(); !ok || st.Hop.Seq != 3 {
		t.Errorf("forward: hop %v, %v; want 3", st.Hop, ok)
	}
	// Moving does not change where Step goes on.
	if st, _ := s.Step(t.Context()); st.Hop.Seq != 4 {
		t.Errorf("step after moving gave hop %d, want 4", st.Hop.Seq)
	}
	if st, ok := s.Select(1); !ok || st.Hop.Seq != 1 {
		t.Errorf("select 1: %v, %v", st.Hop, ok)
	}
	if _, ok := s.Back(); ok {
		t.Error("back from the first hop moved")
	}
	if _, ok := s.Select(99); ok {
		t.Error("select 99 of 8 hops succeeded")
	}
}

func TestContinueStopsAtBreakpoints(t *testing.T) {
	s := load(t)
	hops := s.Recording().Hops()
	s.SetBreakpoints([]session.Breakpoint{{Kind: debug.OnPeer, Peer: hops[2].Peer}})
	s.Continue()
	st, _ := s.Current()
	if st.Hop.Seq != 3 || st.Hit == nil {
		t.Fatalf("continue stopped at hop %d (hit %v), want 3 at the breakpoint", st.Hop.Seq, st.Hit)
	}
	s.Continue()
	if st, _ := s.Current(); st.Hop.Seq != 4 {
		t.Errorf("second continue at hop %d, want 4 (the same peer)", st.Hop.Seq)
	}
	s.SetBreakpoints(nil)
	s.Continue()
	if st, _ := s.Current(); st.Hop.Seq != 8 || st.Hit != nil {
		t.Errorf("continue without breakpoints at hop %d, want the last, 8", st.Hop.Seq)
	}
	if _, err := s.Step(t.Context()); !errors.Is(err, ErrEnd) {
		t.Errorf("step past the end: %v, want ErrEnd", err)
	}
}

func TestTraceAndReadOnly(t *testing.T) {
	s := load(t)
	evs, _ := s.Events().Since(1, 1000)
	count := map[trace.Kind]int{}
	for _, e := range evs {
		count[e.Kind]++
	}
	for _, c := range []struct {
		kind trace.Kind
		n    int
	}{{trace.Interpreted, 8}, {trace.CallRequested, 4}, {trace.CallFinished, 4}, {trace.Sent, 3}, {trace.Received, 4}, {trace.Completed, 1}} {
		if count[c.kind] != c.n {
			t.Errorf("%d %s events, want %d", count[c.kind], c.kind, c.n)
		}
	}
	for _, e := range evs {
		if e.Kind == trace.CallFinished && e.Service == "" {
			t.Errorf("call result %d has no service: %v", e.CallID, e)
		}
	}
	if _, err := s.Run(t.Context(), session.Call{Script: "(null)"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("run: %v, want ErrReadOnly", err)
	}
}

func TestStepOver(t *testing.T) {
	s := load(t)
	seqs := func(steps ...func() (session.Stop, error)) []uint64 {
		t.Helper()
		var out []uint64
		for _, step := range steps {
			st, err := step()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, st.Hop.Seq)
		}
		return out
	}
	step := func() (session.Stop, error) { return s.Step(t.Context()) }
	over := func() (session.Stop, error) { return s.StepOver(t.Context()) }
	back := func() (session.Stop, error) {
		st, ok := s.Back()
		if !ok {
			return st, errors.New("no hop back")
		}
		return st, nil
	}
	// Hop 1 asks the client for a call and hop 2 takes its result; hop 2
	// sends to node0, which asks for a call in hop 3 and takes its result
	// in hop 4. Over hop 2, which asks for no call, is a step.
	if got := seqs(over, over, over, over); !slices.Equal(got, []uint64{1, 2, 3, 4}) {
		t.Errorf("stepped over to hops %v, want 1 2 3 4", got)
	}
	// Back at hop 3, whose result Step has shown already: over it is hop 4
	// again, and Step goes on from 5.
	if got := seqs(back, over, step); !slices.Equal(got, []uint64{3, 4, 5}) {
		t.Errorf("back, over, step: hops %v, want 3 4 5", got)
	}
	// A breakpoint that matches the hop stepped to says so.
	hops := s.Recording().Hops()
	s.SetBreakpoints([]session.Breakpoint{{Kind: debug.OnPeer, Peer: hops[5].Peer}})
	st, err := s.StepOver(t.Context())
	if err != nil || st.Hop.Seq != 6 || st.Hit == nil {
		t.Errorf("over hop 5 with a breakpoint on its peer: hop %v, hit %v, %v", st.Hop, st.Hit, err)
	}
	s.SetBreakpoints(nil)
	if got := seqs(over, over); !slices.Equal(got, []uint64{7, 8}) {
		t.Errorf("to the end: hops %v, want 7 8", got)
	}
	if _, err := s.StepOver(t.Context()); !errors.Is(err, ErrEnd) {
		t.Errorf("step over past the end: %v, want ErrEnd", err)
	}
}
