package devnet

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/cputime"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// TestJoinFillsRoutingTables checks what Start waits for: every node
// has found its neighbours by looking itself up, and has made itself
// known to them. Twenty nodes fit whole in each other's Kademlia buckets
// (twenty peers a bucket), so each knows every other, the first among
// them.
func TestJoinFillsRoutingTables(t *testing.T) {
	for _, memory := range []bool{true, false} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		n, err := Start(ctx, Config{Nodes: 20, Seed: 21, Memory: memory})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		ids := n.NodeIDs()
		for i, p := range n.Nodes() {
			known := map[peer.ID]bool{}
			for _, id := range p.Neighborhood(nil, len(ids)) {
				known[id] = true
			}
			for j, id := range ids {
				if j != i && !known[id] {
					t.Errorf("memory %v: node %d does not know node %d", memory, i, j)
				}
			}
		}
	}
}

// footprint is the goroutines and the bytes of heap and stacks in use.
func footprint() (goroutines int, bytes uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return runtime.NumGoroutine(), m.HeapInuse + m.StackInuse
}

// BenchmarkNetworkUp starts a network and waits until every node has
// joined through Kademlia; it reports, once the network is up, the
// goroutines and the bytes (heap and stacks in use) each node adds, and
// the CPU time starting it took.
func BenchmarkNetworkUp(b *testing.B) {
	for _, c := range []struct {
		name   string
		nodes  int
		memory bool
	}{
		{"nodes=100-tcp", 100, false},
		{"nodes=100-mem", 100, true},
		{"nodes=1000-mem", 1000, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			var goroutines, bytes, cpu float64
			for b.Loop() {
				b.StopTimer()
				g0, m0 := footprint()
				b.StartTimer()
				cpu0, _ := cputime.Process()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				n, err := Start(ctx, Config{Nodes: c.nodes, Seed: 13, Memory: c.memory})
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				cpu1, _ := cputime.Process()
				b.StopTimer()
				cpu += (cpu1 - cpu0).Seconds()
				g, m := footprint()
				goroutines += float64(g-g0) / float64(c.nodes)
				bytes += float64(int64(m)-int64(m0)) / float64(c.nodes)
				for _, p := range n.Nodes() {
					if p.RoutingTableSize() == 0 {
						b.Fatalf("%s knows no peer", p.ID())
					}
				}
				n.Close()
				b.StartTimer()
			}
			b.ReportMetric(goroutines/float64(b.N), "goroutines/node")
			b.ReportMetric(bytes/float64(b.N), "bytes/node")
			// CPU time, which other work on the machine disturbs far less
			// than wall time.
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
		})
	}
}
