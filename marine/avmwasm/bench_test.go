package avmwasm_test

import (
	"context"
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
