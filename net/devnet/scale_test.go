package devnet

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestJoinFillsRoutingTables checks what Start waits for: the first node
// knows every other, and every other knows more than the first, having
// found its neighbours by looking itself up.
func TestJoinFillsRoutingTables(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := Start(ctx, Config{Nodes: 12, Seed: 21, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	nodes := n.Nodes()
	if got := nodes[0].RoutingTableSize(); got != len(nodes)-1 {
		t.Errorf("the first node knows %d peers of %d", got, len(nodes)-1)
	}
	for i, p := range nodes[1:] {
		if p.RoutingTableSize() < 2 {
			t.Errorf("node %d knows %d peers", i+1, p.RoutingTableSize())
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
				cpu0, _ := processCPU()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				n, err := Start(ctx, Config{Nodes: c.nodes, Seed: 13, Memory: c.memory})
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				cpu1, _ := processCPU()
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
