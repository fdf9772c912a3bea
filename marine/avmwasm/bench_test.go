package avmwasm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/cputime"
	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
)

// BenchmarkOneCall runs the one-call script on avm.wasm and on the native
// interpreter, core/avm: "first" is the run that asks for the call,
// "complete" both runs, the second taking the result. avm.wasm is the
// baseline the native interpreter must beat. "core/avm/node" is
// "complete" as a node runs core/avm, with a Memo for the particle and
// LazySign: the first run, which has no result to sign, signs nothing.
func BenchmarkOneCall(b *testing.B) {
	const script = `(call %init_peer_id% ("svc" "fn") ["arg"] x)`
	a := newPeer("a")
	result := `{"answer":42}`

	b.Run("avm.wasm/first", func(b *testing.B) {
		in := interpreter(b)
		for b.Loop() {
			if _, err := in.Run(context.Background(), a.params(a), script, nil, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	// wasmBoth makes the two runs on avm.wasm.
	wasmBoth := func(b *testing.B) {
		in := interpreter(b)
		out, err := in.Run(context.Background(), a.params(a), script, nil, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		results := map[uint32]avmwasm.CallResult{}
		for id := range out.CallRequests {
			results[id] = avmwasm.CallResult{Result: result}
		}
		done, err := in.Run(context.Background(), a.params(a), script, out.Data, nil, results)
		if err != nil || done.RetCode != 0 || len(results) != 1 {
			b.Fatalf("ret code %d (%s), %d results, error %v", done.RetCode, done.ErrorMessage, len(results), err)
		}
	}
	b.Run("avm.wasm/complete", func(b *testing.B) {
		for b.Loop() {
			wasmBoth(b)
		}
	})

	params := avm.Params{InitPeerID: a.id, CurrentPeerID: a.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: a.key}
	b.Run("core/avm/first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if out := avm.Run(params, script, nil, nil, nil); out.RetCode != 0 {
				b.Fatal(out.ErrorMessage)
			}
		}
	})
	// both makes the two runs with p.
	both := func(b *testing.B, p avm.Params) {
		out := avm.Run(p, script, nil, nil, nil)
		results := map[uint32]avm.CallResult{}
		for id := range out.CallRequests {
			results[id] = avm.CallResult{Result: result}
		}
		done := avm.Run(p, script, out.Data, nil, results)
		if done.RetCode != 0 || len(results) != 1 {
			b.Fatalf("ret code %d (%s), %d results", done.RetCode, done.ErrorMessage, len(results))
		}
	}
	// asNode makes them as a node does, with a Memo for the particle.
	asNode := func(b *testing.B) {
		node := params
		node.Memo, node.LazySign = new(avm.Memo), true
		both(b, node)
	}
	b.Run("core/avm/complete", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			both(b, params)
		}
	})
	b.Run("core/avm/node", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			asNode(b)
		}
	})
}

// workload is one run of an interpreter on prepared inputs: the same
// script, data and call results for both interpreters, since they share
// the data format.
type workload struct {
	name          string
	peer, init    testPeer
	script        string
	prev, current []byte
	results       map[uint32]avm.CallResult
}

// sideBySideWorkloads prepares, with core/avm, the runs the interpreters
// are compared on: a fold that takes 1,000 call results at once, a peer
// merging the data of 1,000 par branches that ran elsewhere, and a peer
// merging data that carries a 1 MB value.
func sideBySideWorkloads(b *testing.B) []workload {
	n := newNetwork()
	a, peerB := n.peers[0], n.peers[1]
	run := func(p, init testPeer, script string, prev, current []byte, results map[uint32]avm.CallResult) avm.Outcome {
		params := avm.Params{InitPeerID: init.id, CurrentPeerID: p.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: p.key}
		out := avm.Run(params, script, prev, current, results)
		if out.RetCode != 0 {
			b.Fatalf("preparing: %d %s", out.RetCode, out.ErrorMessage)
		}
		return out
	}
	answer := func(out avm.Outcome, value func(req avm.CallRequest) string) map[uint32]avm.CallResult {
		results := map[uint32]avm.CallResult{}
		for id, req := range out.CallRequests {
			results[id] = avm.CallResult{Result: value(req)}
		}
		return results
	}
	xs := make([]int, 1000)
	for i := range xs {
		xs[i] = i
	}
	xsJSON, _ := json.Marshal(xs)

	// A fold of 1,000 calls: the run that takes all their results.
	fold := n.expand(`(seq (call "@a" ("" "xs") [] xs) (fold xs x (par (call "@a" ("" "f") [x] $r) (next x))))`)
	o := run(a, a, fold, nil, nil, nil)
	o2 := run(a, a, fold, o.Data, nil, answer(o, func(avm.CallRequest) string { return string(xsJSON) }))
	foldResults := answer(o2, func(req avm.CallRequest) string { return string(req.Arguments[0]) })

	// 1,000 par branches on b, merged by a.
	par := n.expand(`(seq (call "@a" ("" "xs") [] xs) (seq (fold xs x (par (call "@b" ("" "f") [x] $r) (next x))) (call "@a" ("" "done") [] d)))`)
	o = run(a, a, par, nil, nil, nil)
	sent := run(a, a, par, o.Data, nil, answer(o, func(avm.CallRequest) string { return string(xsJSON) }))
	onB := run(peerB, a, par, nil, sent.Data, nil)
	onB = run(peerB, a, par, onB.Data, nil, answer(onB, func(req avm.CallRequest) string { return string(req.Arguments[0]) }))

	// A 1 MB value made on b, merged by a.
	big, _ := json.Marshal(strings.Repeat("aquarium ", 1<<20/9))
	merge := n.expand(`(seq (call "@b" ("" "big") [] v) (call "@a" ("" "got") [] d))`)
	sentBig := run(a, a, merge, nil, nil, nil)
	bigOnB := run(peerB, a, merge, nil, sentBig.Data, nil)
	bigOnB = run(peerB, a, merge, bigOnB.Data, nil, answer(bigOnB, func(avm.CallRequest) string { return string(big) }))

	return []workload{
		{name: "fold-1000-calls", peer: a, init: a, script: fold, prev: o2.Data, results: foldResults},
		{name: "par-1000-merge", peer: a, init: a, script: par, prev: sent.Data, current: onB.Data},
		{name: "merge-1MB", peer: a, init: a, script: merge, prev: sentBig.Data, current: bigOnB.Data},
	}
}

// BenchmarkSideBySide runs each workload once per iteration on avm.wasm
// and on core/avm, on the very same inputs; "interleaved" runs the two
// in turn (see interleave).
func BenchmarkSideBySide(b *testing.B) {
	in := interpreter(b)
	for _, w := range sideBySideWorkloads(b) {
		results := make(map[uint32]avmwasm.CallResult, len(w.results))
		for id, r := range w.results {
			results[id] = avmwasm.CallResult(r)
		}
		onWasm := func(b *testing.B) {
			out, err := in.Run(context.Background(), w.peer.params(w.init), w.script, w.prev, w.current, results)
			if err != nil || out.RetCode != 0 {
				b.Fatalf("ret code %d (%s), error %v", out.RetCode, out.ErrorMessage, err)
			}
		}
		params := avm.Params{InitPeerID: w.init.id, CurrentPeerID: w.peer.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: w.peer.key}
		onCore := func(b *testing.B) {
			if out := avm.Run(params, w.script, w.prev, w.current, w.results); out.RetCode != 0 {
				b.Fatalf("ret code %d (%s)", out.RetCode, out.ErrorMessage)
			}
		}
		b.Run(w.name+"/avm.wasm", func(b *testing.B) {
			for b.Loop() {
				onWasm(b)
			}
		})
		b.Run(w.name+"/core-avm", func(b *testing.B) {
			b.ReportAllocs()
			start, metered := cputime.Process()
			for b.Loop() {
				onCore(b)
			}
			// CPU time, the garbage collector's included, moves less
			// than wall time on a machine shared with other work.
			if end, ok := cputime.Process(); ok && metered {
				b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
			}
		})
		b.Run(w.name+"/interleaved", func(b *testing.B) {
			interleave(b, onWasm, onCore)
		})
	}
}

// interleave runs reference and ours in turn, each iteration one run of
// each, and reports the median time of each and the median of the
// iterations' ratios, reference ÷ ours. Two benchmarks run one after the
// other meet different moments of a shared machine, whose speed drifts
// by half within minutes; runs side by side meet the same, so the ratio
// holds even when the times do not. It suits runs of milliseconds: a run
// of tens of microseconds right after avm.wasm's starts with caches
// avm.wasm filled and takes up to twice its time (BenchmarkOneCall keeps
// the two apart).
func interleave(b *testing.B, reference, ours func(*testing.B)) {
	var refs, own, ratios []float64
	for b.Loop() {
		t0 := time.Now()
		reference(b)
		t1 := time.Now()
		ours(b)
		t2 := time.Now()
		r, o := float64(t1.Sub(t0)), float64(t2.Sub(t1))
		refs, own, ratios = append(refs, r), append(own, o), append(ratios, r/o)
	}
	median := func(xs []float64) float64 {
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	b.ReportMetric(median(refs), "reference-ns/run")
	b.ReportMetric(median(own), "ours-ns/run")
	b.ReportMetric(median(ratios), "ratio")
}

// foldRun is one run of an interpreter in the sequential fold: it takes
// the last run's data and the results of the calls it asked for, and
// returns its data and the function and first argument of each call it
// asks for now.
type foldRun func(prev []byte, results map[uint32]avm.CallResult) (data []byte, calls map[uint32]foldCall, err error)

type foldCall struct {
	function string
	arg      json.RawMessage
}

// sequentialFold is a fold of 1,000 sequential calls on one peer: each
// call's result comes back before the next call is asked for, so a host
// runs the interpreter 1,002 times, on a trace that grows by one call
// each run.
const sequentialFold = `(seq (call "@a" ("" "xs") [] xs) (fold xs x (seq (call "@a" ("" "f") [x] $r) (next x))))`

// BenchmarkSequentialFoldWhole runs the sequential fold from the first run
// to the last, as a host does, answering each call from the requests the
// run returned: "xs" with the 1,000 numbers, "f" with its argument. On
// core/avm the host keeps an avm.Memo for the particle and sets
// LazySign, as a node does; avm.wasm has nothing of the kind: it decodes
// its whole data and signs every run.
// Besides ns/op, the whole fold, it reports the mean time of a run at
// three trace lengths (runs 0-99, 450-549 and 900-999), so the curve of
// a run's cost against its trace shows.
func BenchmarkSequentialFoldWhole(b *testing.B) {
	const n = 1000
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	xsJSON, _ := json.Marshal(xs)
	a := newPeer("a")
	script := newNetwork().expand(sequentialFold)
	answer := func(calls map[uint32]foldCall) map[uint32]avm.CallResult {
		results := make(map[uint32]avm.CallResult, len(calls))
		for id, c := range calls {
			if c.function == "xs" {
				results[id] = avm.CallResult{Result: string(xsJSON)}
			} else {
				results[id] = avm.CallResult{Result: string(c.arg)}
			}
		}
		return results
	}

	b.Run("avm.wasm", func(b *testing.B) {
		in := interpreter(b)
		wasmFold := func(prev []byte, results map[uint32]avm.CallResult) ([]byte, map[uint32]foldCall, error) {
			wasmResults := make(map[uint32]avmwasm.CallResult, len(results))
			for id, r := range results {
				wasmResults[id] = avmwasm.CallResult(r)
			}
			out, err := in.Run(context.Background(), a.params(a), script, prev, nil, wasmResults)
			if err == nil && out.RetCode != 0 {
				err = fmt.Errorf("ret code %d: %s", out.RetCode, out.ErrorMessage)
			}
			calls := make(map[uint32]foldCall, len(out.CallRequests))
			for id, r := range out.CallRequests {
				calls[id] = foldCall{function: r.FunctionName, arg: firstArg(r.Arguments)}
			}
			return out.Data, calls, err
		}
		benchFold(b, n, func() foldRun { return wasmFold }, answer)
	})
	b.Run("core-avm", func(b *testing.B) {
		b.ReportAllocs()
		newRun := func() foldRun {
			// As a node runs core/avm: a Memo per particle, and
			// LazySign, since the data of the runs that wait for calls
			// stays on the peer.
			params := avm.Params{InitPeerID: a.id, CurrentPeerID: a.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: a.key,
				Memo: new(avm.Memo), LazySign: true}
			return func(prev []byte, results map[uint32]avm.CallResult) ([]byte, map[uint32]foldCall, error) {
				out := avm.Run(params, script, prev, nil, results)
				var err error
				if out.RetCode != 0 {
					err = fmt.Errorf("ret code %d: %s", out.RetCode, out.ErrorMessage)
				}
				calls := make(map[uint32]foldCall, len(out.CallRequests))
				for id, r := range out.CallRequests {
					calls[id] = foldCall{function: r.FunctionName, arg: firstArg(r.Arguments)}
				}
				return out.Data, calls, err
			}
		}
		benchFold(b, n, newRun, answer)
	})
}

// benchFold runs the whole fold once per iteration, each on a fresh
// particle from newRun, and checks it ends after exactly n+2 runs with no
// call left: a fold that stopped early would otherwise look fast.
func benchFold(b *testing.B, n int, newRun func() foldRun, answer func(map[uint32]foldCall) map[uint32]avm.CallResult) {
	var at [3]time.Duration // runs 0-99, 450-549, 900-999
	for b.Loop() {
		run := newRun()
		var prev []byte
		var results map[uint32]avm.CallResult
		runs := 0
		for {
			start := time.Now()
			data, calls, err := run(prev, results)
			if err != nil {
				b.Fatalf("run %d: %v", runs, err)
			}
			if bucket := runs / 450; runs%450 < 100 && bucket < len(at) {
				at[bucket] += time.Since(start)
			}
			runs++
			if len(calls) == 0 {
				break
			}
			if runs > n+2 {
				b.Fatalf("the fold still asks for calls after %d runs", runs)
			}
			prev, results = data, answer(calls)
		}
		if runs != n+2 {
			b.Fatalf("the fold ended after %d runs, want %d", runs, n+2)
		}
	}
	for i, name := range []string{"µs/run@50", "µs/run@500", "µs/run@950"} {
		b.ReportMetric(float64(at[i].Microseconds())/100/float64(b.N), name)
	}
}

// firstArg is a call's first argument, or nothing when it has none.
func firstArg(args []json.RawMessage) json.RawMessage {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}
