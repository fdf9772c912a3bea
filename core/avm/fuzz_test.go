package avm_test

import (
	"bytes"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// fuzzScript exercises par, fold, streams and canon, so that merged data
// reaches every part of the trace handler.
const fuzzScript = `(seq (par (call "@b" ("" "") [] $s) (call "@c" ("" "") [] $s))
  (seq (fold $s i (seq (call "@a" ("" "") [i] $r) (next i)) (null))
       (seq (canon "@a" $r #c) (call "@a" ("" "") [#c]))))`

// FuzzRun feeds arbitrary current data to a peer that already ran the
// script: Run must not panic, and a refused input must leave the peer's
// data as it was.
func FuzzRun(f *testing.F) {
	n := newNetwork(f, "a", map[string]service{"a": echo, "b": returns(1), "c": returns(2)})
	n.run(fuzzScript, nil)
	a := n.peers["a"]
	f.Add(n.peers["b"].prev)
	f.Add(n.peers["c"].prev)
	f.Add(a.prev)
	f.Fuzz(func(t *testing.T, current []byte) {
		out := avm.Run(n.params(a), n.expand(fuzzScript), a.prev, current, nil)
		if out.RetCode != 0 && out.RetCode < 10000 && !bytes.Equal(out.Data, a.prev) {
			t.Fatalf("refused input (%d %s) changed the data", out.RetCode, out.ErrorMessage)
		}
		if out.RetCode >= 20000 && out.RetCode < 30000 && !bytes.Equal(out.Data, a.prev) {
			t.Fatalf("uncatchable error (%d %s) changed the data", out.RetCode, out.ErrorMessage)
		}
	})
}
