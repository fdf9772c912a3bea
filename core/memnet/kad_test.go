package memnet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// kadFigures are what a run of random lookups or sends measured.
type kadFigures struct {
	n                         int
	found, delivered          int
	hops                      []int
	took                      []time.Duration
	queries                   int
	hopsP50, hopsP99, hopsMax int
}

func (f *kadFigures) settle() {
	slices.Sort(f.hops)
	slices.Sort(f.took)
	if len(f.hops) > 0 {
		f.hopsP50, f.hopsP99, f.hopsMax = f.hops[len(f.hops)/2], f.hops[len(f.hops)*99/100], f.hops[len(f.hops)-1]
	}
}

func (f *kadFigures) tookP(p int) time.Duration {
	if len(f.took) == 0 {
		return 0
	}
	return f.took[len(f.took)*p/100]
}

// lookups runs n lookups between random live peers.
func lookups(s *KadSim, rng *rand.Rand, n int) kadFigures {
	f := kadFigures{n: n}
	for range n {
		from, to := livePeer(s, rng), livePeer(s, rng)
		l := s.FindPeer(from, to)
		f.queries += l.Queries
		if l.Found {
			f.found++
			f.hops = append(f.hops, l.Hops)
			f.took = append(f.took, l.Took)
		}
	}
	f.settle()
	return f
}

// sends sends n particles between random live peers.
func sends(s *KadSim, rng *rand.Rand, n int) kadFigures {
	f := kadFigures{n: n}
	for range n {
		d := s.Send(livePeer(s, rng), livePeer(s, rng))
		if d.Delivered {
			f.delivered++
			f.hops = append(f.hops, d.Lookup.Hops+1) // the particle's own hop after the lookup's
			f.took = append(f.took, d.Took)
		}
	}
	f.settle()
	return f
}

func livePeer(s *KadSim, rng *rand.Rand) int {
	for {
		if i := rng.IntN(s.Peers()); s.Up(i) {
			return i
		}
	}
}

// killShare takes a share of the peers down, at random.
func killShare(s *KadSim, rng *rand.Rand, share float64) {
	for _, i := range rng.Perm(s.Peers())[:int(share*float64(s.Peers()))] {
		s.Kill(i)
	}
}

func TestKadSimFindsEveryPeer(t *testing.T) {
	s := NewKadSim(KadConfig{Peers: 500, Seed: 1})
	for i := range s.Peers() {
		if s.RoutingTableSize(i) == 0 {
			t.Fatalf("peer %d joined with an empty routing table", i)
		}
	}
	f := lookups(s, rand.New(rand.NewPCG(2, 2)), 300)
	if f.found != f.n {
		t.Errorf("%d of %d lookups found their peer", f.found, f.n)
	}
	// Each hop at least halves the distance left in a table of 500: a
	// lookup longer than log2(500) went astray.
	if f.hopsMax > 9 {
		t.Errorf("a lookup took %d hops", f.hopsMax)
	}
	if f.hopsP50 < 1 {
		t.Errorf("half the lookups took no hop: the routing tables hold everyone")
	}
}

func TestKadSimIsDeterministic(t *testing.T) {
	run := func() kadFigures {
		s := NewKadSim(KadConfig{Peers: 200, Seed: 7})
		return lookups(s, rand.New(rand.NewPCG(3, 3)), 100)
	}
	a, b := run(), run()
	if !slices.Equal(a.hops, b.hops) || !slices.Equal(a.took, b.took) || a.queries != b.queries {
		t.Error("one seed ran two ways")
	}
}

// TestKadSimRoutesAroundDeadPeers kills a fifth of the peers: lookups
// time out on them, drop them from the routing table, and still find
// the live peers.
func TestKadSimRoutesAroundDeadPeers(t *testing.T) {
	s := NewKadSim(KadConfig{Peers: 500, Seed: 1})
	rng := rand.New(rand.NewPCG(4, 4))
	killShare(s, rng, 0.2)
	f := sends(s, rng, 300)
	if f.delivered < f.n*95/100 {
		t.Errorf("%d of %d particles delivered with a fifth of the peers down", f.delivered, f.n)
	}
	if f.tookP(99) < time.Second {
		t.Errorf("no send met a dead peer's timeout: p99 %v", f.tookP(99))
	}
	before := s.Now()
	f = sends(s, rng, 300)
	if f.delivered < f.n*95/100 || s.Now() == before {
		t.Errorf("again: %d of %d particles delivered", f.delivered, f.n)
	}
}

// BenchmarkKadSim measures lookups and particle delivery over 10,000
// simulated peers, all up and with a tenth down; each op is one lookup
// or one send. Building the network (10,000 joins) is not timed.
func BenchmarkKadSim(b *testing.B) {
	for _, down := range []float64{0, 0.1} {
		b.Run(fmt.Sprintf("peers=10000/down=%d%%", int(down*100)), func(b *testing.B) {
			s := NewKadSim(KadConfig{Peers: 10_000, Seed: 1})
			rng := rand.New(rand.NewPCG(5, 5))
			killShare(s, rng, down)
			var l, d kadFigures
			for b.Loop() {
				l.merge(lookups(s, rng, 1))
				d.merge(sends(s, rng, 1))
			}
			l.settle()
			d.settle()
			b.ReportMetric(float64(l.hopsP50), "lookup-hops-p50")
			b.ReportMetric(float64(l.hopsP99), "lookup-hops-p99")
			b.ReportMetric(float64(l.hopsMax), "lookup-hops-max")
			b.ReportMetric(100*float64(l.found)/float64(max(l.n, 1)), "found-%")
			b.ReportMetric(float64(l.queries)/float64(max(l.n, 1)), "queries/lookup")
			b.ReportMetric(100*float64(d.delivered)/float64(max(d.n, 1)), "delivered-%")
			b.ReportMetric(float64(d.hopsP50), "send-hops-p50")
			b.ReportMetric(float64(d.hopsP99), "send-hops-p99")
			b.ReportMetric(float64(d.tookP(50).Milliseconds()), "send-ms-p50")
			b.ReportMetric(float64(d.tookP(99).Milliseconds()), "send-ms-p99")
		})
	}
}

// merge adds g's counts and samples to f.
func (f *kadFigures) merge(g kadFigures) {
	f.n += g.n
	f.found += g.found
	f.delivered += g.delivered
	f.queries += g.queries
	f.hops = append(f.hops, g.hops...)
	f.took = append(f.took, g.took...)
}
