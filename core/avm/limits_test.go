package avm_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// doublings is a script that doubles a value n times: each level puts the
// value twice into a stream and takes the stream's canon as the next
// value, so the value's text doubles while its memory grows by a few
// words.
func doublings(n int) string {
	var b strings.Builder
	b.WriteString(`(seq (ap "0123456789" v0) `)
	for i := range n {
		fmt.Fprintf(&b, "(seq (seq (new $s (seq (seq (ap v%d $s) (ap v%d $s)) (canon %%init_peer_id%% $s #c%d))) (ap #c%d v%d)) ", i, i, i, i, i+1)
	}
	fmt.Fprintf(&b, `(call %%init_peer_id%% ("" "") [v%d])`, n)
	b.WriteString(strings.Repeat(")", n+1))
	return b.String()
}

// failsWith checks that a run failed with code and a message starting
// with msg, and that it kept the previous data and sent nothing on.
func failsWith(t *testing.T, out avm.Outcome, prev []byte, code int64, msg string) {
	t.Helper()
	if out.RetCode != code || !strings.HasPrefix(out.ErrorMessage, msg) {
		t.Errorf("got %d %q, want %d %q...", out.RetCode, out.ErrorMessage, code, msg)
	}
	if !bytes.Equal(out.Data, prev) || len(out.NextPeers) != 0 || len(out.CallRequests) != 0 {
		t.Errorf("a run over a limit changed the data or asked for more: %d bytes of data, next peers %v, %d call requests",
			len(out.Data), out.NextPeers, len(out.CallRequests))
	}
}

func TestDoublingValueStopsAtTheValueSizeLimit(t *testing.T) {
	script := doublings(26)
	p := avmtest.NewPeer("a", nil)
	params := avm.Params{InitPeerID: string(p.ID), CurrentPeerID: string(p.ID), ParticleID: "particle-1", Key: p.Signer}
	start := time.Now()
	out := avm.Run(params, script, nil, nil, nil)
	took := time.Since(start)
	failsWith(t, out, nil, avm.CodeValueSizeLimit, "the values of a canon are larger than the limit of 4194304 bytes")
	t.Logf("%d bytes of script, %d doublings: %v", len(script), 26, took)

	// Below the limit the same script runs to its call.
	out = avm.Run(params, doublings(8), nil, nil, nil)
	if out.RetCode != 0 || len(out.CallRequests) != 1 {
		t.Errorf("8 doublings: ret code %d (%s), %d call requests", out.RetCode, out.ErrorMessage, len(out.CallRequests))
	}
}

func TestStepLimit(t *testing.T) {
	hundred := make([]any, 100)
	for i := range hundred {
		hundred[i] = i
	}
	big := strings.Repeat("x", 64<<10)
	for _, tt := range []struct {
		name   string
		limits avm.Limits
		script string
	}{
		{"a million iterations of nested folds", avm.Limits{},
			`(seq (call %init_peer_id% ("" "") [] xs)
			      (fold xs a (seq (fold xs b (seq (fold xs c (seq (null) (next c))) (next b))) (next a))))`},
		{"a xor does not catch it", avm.Limits{},
			`(seq (call %init_peer_id% ("" "") [] xs)
			      (xor (fold xs a (seq (fold xs b (seq (fold xs c (seq (null) (next c))) (next b))) (next a))) (null)))`},
		{"a lower limit", avm.Limits{Steps: 300},
			`(seq (call %init_peer_id% ("" "") [] xs) (fold xs a (seq (null) (next a))))`},
		{"comparing large values costs steps", avm.Limits{},
			`(seq (call %init_peer_id% ("" "") [] xs)
			      (seq (call %init_peer_id% ("" "big") [] big)
			           (fold xs a (seq (fold xs b (seq (match big big (null)) (next b))) (next a)))))`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.ByFunction(map[string]avmtest.Service{"big": avmtest.Returns(big), "": avmtest.Returns(hundred)})})
			n.Limits = tt.limits
			n.Run(tt.script, nil)
			d := n.Deliveries[len(n.Deliveries)-1]
			if d.RetCode != avm.CodeStepLimit {
				t.Errorf("got %d %q, want %d", d.RetCode, d.ErrMsg, avm.CodeStepLimit)
			}
		})
	}
}

func TestValueSizeLimit(t *testing.T) {
	p := avmtest.NewPeer("a", nil)
	params := avm.Params{InitPeerID: string(p.ID), CurrentPeerID: string(p.ID), ParticleID: "particle-1", Key: p.Signer, Limits: avm.Limits{ValueSize: 1000}}
	call := `(call %init_peer_id% ("" "") [] x)`
	first := avm.Run(params, call, nil, nil, nil)
	if first.RetCode != 0 {
		t.Fatalf("first run: %d %s", first.RetCode, first.ErrorMessage)
	}
	large := `"` + strings.Repeat("x", 1000) + `"`
	t.Run("call result", func(t *testing.T) {
		out := avm.Run(params, call, first.Data, nil, map[uint32]avm.CallResult{1: {Result: large}})
		failsWith(t, out, first.Data, avm.CodeValueSizeLimit, "call result 1 of 1002 bytes is larger than the limit of 1000 bytes")
	})
	t.Run("arguments", func(t *testing.T) {
		script := `(seq (ap "` + strings.Repeat("x", 400) + `" v) (call %init_peer_id% ("" "") [v v v]))`
		out := avm.Run(params, script, nil, nil, nil)
		failsWith(t, out, nil, avm.CodeValueSizeLimit, "the arguments of a call are larger than the limit of 1000 bytes")
	})
	t.Run("stream map entry", func(t *testing.T) {
		script := `(ap ("k" "` + strings.Repeat("x", 1000) + `") %m)`
		out := avm.Run(params, script, nil, nil, nil)
		failsWith(t, out, nil, avm.CodeValueSizeLimit, "the key and value put into a stream map are larger than the limit of 1000 bytes")
	})
	t.Run("value in the data", func(t *testing.T) {
		// A peer with a higher limit sends a large value on.
		b := avmtest.NewPeer("b", nil)
		script := `(seq (call "` + string(b.ID) + `" ("" "") [] x) (call %init_peer_id% ("" "") [x]))`
		bParams := avm.Params{InitPeerID: string(p.ID), CurrentPeerID: string(b.ID), ParticleID: "particle-1", Key: b.Signer}
		_, onB := runWithResult(t, bParams, script, large)
		if onB.RetCode != 0 || len(onB.NextPeers) != 1 {
			t.Fatalf("on b: %d %s, next peers %v", onB.RetCode, onB.ErrorMessage, onB.NextPeers)
		}
		out := avm.Run(params, script, nil, onB.Data, nil)
		failsWith(t, out, nil, avm.CodeValueSizeLimit, "value for CID")
	})
}

func TestDataSizeLimit(t *testing.T) {
	p := avmtest.NewPeer("a", nil)
	params := avm.Params{InitPeerID: string(p.ID), CurrentPeerID: string(p.ID), ParticleID: "particle-1", Key: p.Signer, Limits: avm.Limits{DataSize: 4000}}
	t.Run("current data", func(t *testing.T) {
		out := avm.Run(params, `(null)`, nil, make([]byte, 4001), nil)
		failsWith(t, out, nil, avm.CodeDataSizeLimit, "current data of 4001 bytes is larger than the limit of 4000 bytes")
	})
	t.Run("call requests", func(t *testing.T) {
		// Forty calls of a hundred bytes each, all asked for at once.
		script := `(seq (ap "` + strings.Repeat("x", 100) + `" v)
		  (seq (call %init_peer_id% ("" "") [] xs) (fold xs i (par (call %init_peer_id% ("" "") [v i]) (next i)))))`
		prev, out := runWithResult(t, params, script, zeros(40))
		failsWith(t, out, prev, avm.CodeDataSizeLimit, "the run produces more than the limit of 4000 bytes of data and call requests")
	})
	t.Run("call results", func(t *testing.T) {
		script := `(seq (call %init_peer_id% ("" "") [] xs) (fold xs i (par (call %init_peer_id% ("" "") [i] $r) (next i))))`
		_, first := runWithResult(t, params, script, zeros(10))
		if first.RetCode != 0 || len(first.CallRequests) != 10 {
			t.Fatalf("first runs: %d %s, %d call requests", first.RetCode, first.ErrorMessage, len(first.CallRequests))
		}
		results := map[uint32]avm.CallResult{}
		for id := range first.CallRequests {
			results[id] = avm.CallResult{Result: `"` + strings.Repeat("y", 500) + `"`}
		}
		out := avm.Run(params, script, first.Data, nil, results)
		failsWith(t, out, first.Data, avm.CodeDataSizeLimit, "the run produces more than the limit of 4000 bytes")
	})
}
