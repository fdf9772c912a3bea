package avm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// benchService answers compiled Aqua's service calls on one peer: the
// relay is the peer itself, data arguments are strings or small arrays,
// everything else echoes.
func benchService(self string) avmtest.Service {
	return func(req avm.CallRequest) avm.CallResult {
		switch {
		case req.ServiceID == "getDataSrv" && req.FunctionName == "-relay-":
			return avmtest.OK(self)
		case req.ServiceID == "getDataSrv":
			return avmtest.OK([]any{"x", "y", "z"})
		}
		return avmtest.Echo(req)
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
			n := avmtest.NewNetwork(b, "bench", nil)
			n.Peer("bench").Service = benchService(n.ID("bench"))
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				n.Calls = n.Calls[:0]
				n.Deliveries = n.Deliveries[:0]
				n.Run(string(src), nil)
			}
			b.ReportMetric(float64(len(n.Calls)), "calls/op")
			b.ReportMetric(float64(len(n.Peer("bench").Prev)), "data-bytes")
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
	n := avmtest.NewNetwork(b, "a", map[string]avmtest.Service{"a": avmtest.ByFunction(map[string]avmtest.Service{"set": avmtest.Returns(xs)}), "b": avmtest.Echo})
	n.Run(script, nil)
	a, peerB := n.Peer("a"), n.Peer("b")
	b.SetBytes(int64(len(peerB.Prev)))
	b.ReportAllocs()
	for b.Loop() {
		out := avm.Run(n.Params(a), n.Expand(script), a.Prev, peerB.Prev, nil)
		if out.RetCode != 0 {
			b.Fatal(out.ErrorMessage)
		}
	}
}
