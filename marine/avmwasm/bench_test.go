package avmwasm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
)

// BenchmarkOneCall runs the one-call script on avm.wasm and on the native
// interpreter, core/avm: "first" is the run that asks for the call,
// "complete" both runs, the second taking the result. avm.wasm is the
// baseline the native interpreter must beat.
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
	b.Run("avm.wasm/complete", func(b *testing.B) {
		in := interpreter(b)
		for b.Loop() {
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
	b.Run("core/avm/complete", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out := avm.Run(params, script, nil, nil, nil)
			results := map[uint32]avm.CallResult{}
			for id := range out.CallRequests {
				results[id] = avm.CallResult{Result: result}
			}
			done := avm.Run(params, script, out.Data, nil, results)
			if done.RetCode != 0 || len(results) != 1 {
				b.Fatalf("ret code %d (%s), %d results", done.RetCode, done.ErrorMessage, len(results))
			}
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
// and on core/avm, on the very same inputs.
func BenchmarkSideBySide(b *testing.B) {
	in := interpreter(b)
	for _, w := range sideBySideWorkloads(b) {
		b.Run(w.name+"/avm.wasm", func(b *testing.B) {
			results := make(map[uint32]avmwasm.CallResult, len(w.results))
			for id, r := range w.results {
				results[id] = avmwasm.CallResult(r)
			}
			for b.Loop() {
				out, err := in.Run(context.Background(), w.peer.params(w.init), w.script, w.prev, w.current, results)
				if err != nil || out.RetCode != 0 {
					b.Fatalf("ret code %d (%s), error %v", out.RetCode, out.ErrorMessage, err)
				}
			}
		})
		b.Run(w.name+"/core-avm", func(b *testing.B) {
			params := avm.Params{InitPeerID: w.init.id, CurrentPeerID: w.peer.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: w.peer.key}
			b.ReportAllocs()
			for b.Loop() {
				if out := avm.Run(params, w.script, w.prev, w.current, w.results); out.RetCode != 0 {
					b.Fatalf("ret code %d (%s)", out.RetCode, out.ErrorMessage)
				}
			}
		})
	}
}
