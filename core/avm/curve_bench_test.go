package avm_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/cputime"
)

// BenchmarkSequentialFold measures one run of a fold of sequential calls
// on one peer, at several trace lengths: the run that takes the result of
// call k. What a run costs as its trace grows is the curve this prints;
// a run that costs what is new stays flat.
func BenchmarkSequentialFold(b *testing.B) {
	const n = 1000
	script := `(seq (call "@a" ("" "xs") [] xs) (fold xs x (seq (call "@a" ("" "f") [x] $r) (next x))))`
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	xsJSON, _ := json.Marshal(xs)
	net := avmtest.NewNetwork(b, "a", map[string]avmtest.Service{"a": avmtest.Echo})
	a := net.Peer("a")
	params := net.Params(a)
	script = net.Expand(script)

	// Walk the fold once, keeping the inputs of the run at each length.
	type step struct {
		prev    []byte
		results map[uint32]avm.CallResult
	}
	steps := map[int]step{}
	out := avm.Run(params, script, nil, nil, nil)
	prev := out.Data
	for k := 0; len(out.CallRequests) > 0; k++ {
		results := map[uint32]avm.CallResult{}
		for id, req := range out.CallRequests {
			if req.FunctionName == "xs" {
				results[id] = avm.CallResult{Result: string(xsJSON)}
			} else {
				results[id] = avm.CallResult{Result: string(req.Arguments[0])}
			}
		}
		steps[k] = step{prev: prev, results: results}
		out = avm.Run(params, script, prev, nil, results)
		if out.RetCode != 0 {
			b.Fatal(out.ErrorMessage)
		}
		prev = out.Data
	}
	for _, k := range []int{10, 100, 1000} {
		s := steps[k]
		b.Run(fmt.Sprintf("call=%d", k), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s.prev)))
			for b.Loop() {
				if o := avm.Run(params, script, s.prev, nil, s.results); o.RetCode != 0 {
					b.Fatal(o.ErrorMessage)
				}
			}
		})
	}
	// The whole fold, run after run as a host runs it: plain, and as a
	// node runs core/avm, with a Memo for the particle and LazySign. The time of the runs
	// near each length is reported, so the curve shows: CPU time where
	// the platform tells it, so that a loaded machine does not bend the
	// curve, wall time elsewhere.
	now := func() time.Duration {
		if cpu, ok := cputime.Process(); ok {
			return cpu
		}
		return time.Duration(time.Now().UnixNano())
	}
	for _, host := range []string{"plain", "node"} {
		b.Run("whole/"+host, func(b *testing.B) {
			b.ReportAllocs()
			var at [3]time.Duration // runs 0-99, 450-549, 900-999
			for b.Loop() {
				p := params
				if host == "node" {
					p.Memo, p.LazySign = new(avm.Memo), true
				}
				prev := []byte(nil)
				for k := 0; k <= n+1; k++ {
					var results map[uint32]avm.CallResult
					if k > 0 {
						results = steps[k-1].results
					}
					start := now()
					o := avm.Run(p, script, prev, nil, results)
					if o.RetCode != 0 {
						b.Fatal(o.ErrorMessage)
					}
					if bucket := k / 450; k%450 < 100 && bucket < 3 {
						at[bucket] += now() - start
					}
					prev = o.Data
				}
			}
			for i, name := range []string{"µs/run@50", "µs/run@500", "µs/run@950"} {
				b.ReportMetric(float64(at[i].Microseconds())/100/float64(b.N), name)
			}
		})
	}
}
