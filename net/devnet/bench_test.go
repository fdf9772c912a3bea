package devnet

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/cputime"
	"github.com/aquarium-p2p/aquarium/core/session"
)

// identityRoundTrip is client -> relay (op.identity) -> client.
const identityRoundTrip = `(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (call -relay- ("op" "identity") ["hi"] r)
 )
 (call %init_peer_id% ("callbackSrv" "response") [r])
)
`

// cpuMeter measures the CPU time a benchmark's loop costs the whole
// process: the client's side and the nodes' together, which is what
// bounds throughput on a small machine, and a figure other processes on
// the machine disturb far less than wall time.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

// meterCPU starts measuring; call it after setup, just before the loop.
func meterCPU() cpuMeter {
	start, ok := cputime.Process()
	return cpuMeter{start: start, ok: ok}
}

// report adds cpu-ns/op, and round-trips/s (wall time), to the
// benchmark's results; call it once the loop is done.
func (m cpuMeter) report(b *testing.B) {
	if b.N == 0 {
		return
	}
	if end, ok := cputime.Process(); ok && m.ok {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "round-trips/s")
	}
}

func benchNet(b *testing.B, nodes int) (*Network, *Client) {
	return benchNetWith(b, Config{Nodes: nodes, Seed: 11})
}

func benchNetWith(b *testing.B, cfg Config) (*Network, *Client) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := Start(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	c, err := n.NewClient(ctx, 0)
	if err != nil {
		b.Fatal(err)
	}
	return n, c
}

// BenchmarkRoundTrip is one op.identity particle from a client through its
// relay and back, over loopback libp2p.
func BenchmarkRoundTrip(b *testing.B) {
	n, c := benchNet(b, 1)
	relay := n.NodeIDs()[0]
	ctx := context.Background()
	b.ReportAllocs()
	cpu := meterCPU()
	for b.Loop() {
		if _, err := c.Run(ctx, session.Call{Script: identityRoundTrip, Relay: relay}); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// BenchmarkRoundTripMemory is BenchmarkRoundTrip on an in-memory
// network: the difference is what loopback TCP, Noise and yamux cost.
func BenchmarkRoundTripMemory(b *testing.B) {
	n, c := benchNetWith(b, Config{Nodes: 1, Seed: 11, Memory: true})
	relay := n.NodeIDs()[0]
	ctx := context.Background()
	b.ReportAllocs()
	cpu := meterCPU()
	for b.Loop() {
		if _, err := c.Run(ctx, session.Call{Script: identityRoundTrip, Relay: relay}); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// BenchmarkRoundTripParallel measures throughput: many round trips in
// flight at once.
func BenchmarkRoundTripParallel(b *testing.B) {
	n, c := benchNet(b, 1)
	relay := n.NodeIDs()[0]
	ctx := context.Background()
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	cpu := meterCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Run(ctx, session.Call{Script: identityRoundTrip, Relay: relay}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	cpu.report(b)
}

// chain returns AIR that visits hops peers in order, then answers the
// client, which reaches the first peer as its relay.
func chain(hops int) string {
	body := `(call %init_peer_id% ("getDataSrv" "peers") [] peers)`
	for i := range hops {
		body = fmt.Sprintf(`(seq %s (call peers.$.[%d] ("op" "noop") []))`, body, i)
	}
	// Back through the relay, which the client is connected to.
	return fmt.Sprintf(`(seq (seq %s (call peers.$.[0] ("op" "noop") [])) (call %%init_peer_id%% ("callbackSrv" "response") ["done"]))`, body)
}

// BenchmarkChain10 sends a particle through 10 nodes in turn and back to
// the client.
func BenchmarkChain10(b *testing.B) {
	n, c := benchNet(b, 10)
	ids, _ := json.Marshal(n.NodeIDs())
	ctx := context.Background()
	script := chain(10)
	for b.Loop() {
		if _, err := c.Run(ctx, session.Call{Script: script, Relay: n.NodeIDs()[0], TTL: 5 * time.Second,
			Args: map[string]json.RawMessage{"peers": ids}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStart10 starts a network of 10 nodes on loopback and waits
// until every node has joined through Kademlia.
func BenchmarkStart10(b *testing.B) {
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		n, err := Start(ctx, Config{Nodes: 10, Seed: 13})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		for _, p := range n.Nodes() {
			if p.RoutingTableSize() == 0 {
				b.Fatalf("%s knows no peer", p.ID())
			}
		}
		n.Close()
		b.StartTimer()
	}
}
