package avm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// benchService answers compiled Aqua's service calls on one peer: the
// relay is the peer itself, data arguments are strings or small arrays,
// everything else echoes.
func benchService(self string) service {
	return func(req avm.CallRequest) avm.CallResult {
		switch {
		case req.ServiceID == "getDataSrv" && req.FunctionName == "-relay-":
			return ok(self)
		case req.ServiceID == "getDataSrv":
			return ok([]any{"x", "y", "z"})
		}
		return echo(req)
	}
}

// BenchmarkRun runs compiled Aqua functions to completion on one peer: the
// host loop of Run calls, call requests and results.
func BenchmarkRun(b *testing.B) {
	for _, name := range []string{"greet", "loops", "streams", "parallelPeers.norelay", "nestedData", "recovers"} {
		src, err := os.ReadFile(filepath.Join("..", "air", "testdata", name+".air"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			n := newNetwork(b, "bench", map[string]service{"bench": benchService(newTestPeer("bench", nil).id)})
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				n.calls = n.calls[:0]
				n.deliveries = n.deliveries[:0]
				n.run(string(src), nil)
			}
			b.ReportMetric(float64(len(n.calls)), "calls/op")
			b.ReportMetric(float64(len(n.peers["bench"].prev)), "data-bytes")
		})
	}
}

// BenchmarkMerge measures a peer merging the data of a fold over many
// values that came back from another peer.
func BenchmarkMerge(b *testing.B) {
	script := `(seq (call "@a" ("" "set") [] xs)
	  (seq (fold xs x (par (seq (call "@b" ("" "") [x] $r) (call "@a" ("" "") [x] $back)) (next x)))
	       (null)))`
	xs := make([]any, 100)
	for i := range xs {
		xs[i] = i
	}
	n := newNetwork(b, "a", map[string]service{"a": byFunction(map[string]service{"set": returns(xs)}), "b": echo})
	n.run(script, nil)
	a, peerB := n.peers["a"], n.peers["b"]
	b.SetBytes(int64(len(peerB.prev)))
	b.ReportAllocs()
	for b.Loop() {
		out := avm.Run(n.params(a), n.expand(script), a.prev, peerB.prev, nil)
		if out.RetCode != 0 {
			b.Fatal(out.ErrorMessage)
		}
	}
}
