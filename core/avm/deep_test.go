package avm_test

import (
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// zeros is the JSON text of an array of n zeros.
func zeros(n int) string {
	var b strings.Builder
	b.Grow(2 * n)
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('0')
	}
	b.WriteByte(']')
	return b.String()
}

// runWithResult runs script on one peer, answers its one call request
// with result and runs it again. It returns the data of the first run and
// the outcome of the second.
func runWithResult(t testing.TB, p avm.Params, script, result string) ([]byte, avm.Outcome) {
	t.Helper()
	first := avm.Run(p, script, nil, nil, nil)
	if first.RetCode != 0 || len(first.CallRequests) != 1 {
		t.Fatalf("first run: ret code %d (%s), %d call requests", first.RetCode, first.ErrorMessage, len(first.CallRequests))
	}
	var id uint32
	for id = range first.CallRequests {
	}
	return first.Data, avm.Run(p, script, first.Data, nil, map[uint32]avm.CallResult{id: {Result: result}})
}

// TestFoldOverTenMillionValues folds over an array of ten million values,
// one call result, and binds the last of them after the last iteration.
// The iterations of a fold nest, (next i) inside the body of the one
// before; they must not nest Go calls. Under the race detector it folds
// over a million.
func TestFoldOverTenMillionValues(t *testing.T) {
	n := 10_000_000
	if raceDetector {
		n = 1_000_000
	}
	text := zeros(n)
	text = text[:len(text)-2] + "7]"
	p := avmtest.NewPeer("a", nil)
	params := avm.Params{InitPeerID: string(p.ID), CurrentPeerID: string(p.ID), ParticleID: "particle-1", Key: p.Signer,
		Limits: avm.Limits{Steps: 4 * int64(n), ValueSize: 2*n + 2, DataSize: 4 * n}}
	script := `(seq (call %init_peer_id% ("" "") [] xs)
	  (seq (fold xs i (seq (null) (next i)) (ap i $last))
	       (seq (canon %init_peer_id% $last #last) (call %init_peer_id% ("" "done") [#last]))))`
	_, out := runWithResult(t, params, script, text)
	if out.RetCode != 0 || len(out.CallRequests) != 1 {
		t.Fatalf("ret code %d (%s), %d call requests", out.RetCode, out.ErrorMessage, len(out.CallRequests))
	}
	for _, req := range out.CallRequests {
		if req.FunctionName != "done" || len(req.Arguments) != 1 || string(req.Arguments[0]) != "[7]" {
			t.Errorf("call request %s %s, want done [[7]]", req.FunctionName, req.Arguments)
		}
	}
}
