package avm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
)

// fuzzScript exercises par, fold, streams and canon, so that merged data
// reaches every part of the trace handler.
const fuzzScript = `(seq (par (call "@b" ("" "") [] $s) (call "@c" ("" "") [] $s))
  (seq (fold $s i (seq (call "@a" ("" "") [i] $r) (next i)) (null))
       (seq (canon "@a" $r #c) (call "@a" ("" "") [#c]))))`

// fuzzSeeded runs fuzzScript over peers a, b and c and seeds f with the
// data each kept: the inputs a peer meets, from which the fuzzer
// mutates. It returns the network and a, the peer the fuzz targets run
// on with the data it kept.
func fuzzSeeded(f *testing.F) (*avmtest.Network, *avmtest.Peer) {
	n := avmtest.NewNetwork(f, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(1), "c": avmtest.Returns(2)})
	n.Run(fuzzScript, nil)
	for _, name := range []string{"b", "c", "a"} {
		f.Add(n.Peer(name).Prev)
	}
	return n, n.Peer("a")
}

// FuzzRun feeds arbitrary current data to a peer that already ran the
// script: Run must not panic, and a refused input must leave the peer's
// data as it was.
func FuzzRun(f *testing.F) {
	n, a := fuzzSeeded(f)
	f.Fuzz(func(t *testing.T, current []byte) {
		out := avm.Run(n.Params(a), n.Expand(fuzzScript), a.Prev, current, nil)
		if out.RetCode != 0 && out.RetCode < 10000 && !bytes.Equal(out.Data, a.Prev) {
			t.Fatalf("refused input (%d %s) changed the data", out.RetCode, out.ErrorMessage)
		}
		if out.RetCode >= 20000 && out.RetCode < 30000 && !bytes.Equal(out.Data, a.Prev) {
			t.Fatalf("uncatchable error (%d %s) changed the data", out.RetCode, out.ErrorMessage)
		}
	})
}

// FuzzScript runs arbitrary scripts over three peers whose services echo
// their arguments: whatever the script, no run may panic, every run must
// stay within its limits, and the same script must leave every peer the
// same data twice over. The seeds are the AIR corpus of core/air.
func FuzzScript(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "air", "testdata", "*.air"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no AIR corpus: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(fuzzScript)
	peers := []memnet.Peer{memnet.NewPeer("a"), memnet.NewPeer("b"), memnet.NewPeer("c")}
	expand := strings.NewReplacer("@a", string(peers[0].ID), "@b", string(peers[1].ID), "@c", string(peers[2].ID))
	// Small limits keep each input quick; the limits themselves are
	// part of what is fuzzed.
	limits := avm.Limits{Steps: 20_000, ValueSize: 64 << 10, DataSize: 1 << 20}
	travel := func(script string) [][]byte {
		sim := memnet.NewSim(memnet.SimConfig{
			Particle: &particle.Particle{ID: "particle-1", InitPeerID: peers[0].ID, Timestamp: 1337, TTL: 5000, Script: script},
			Peers:    peers,
			Inline:   true,
			MaxRuns:  200,
			Limits:   limits,
			Serve: func(_ memnet.Peer, _ uint32, req avm.CallRequest) avm.CallResult {
				if len(req.Arguments) == 0 {
					return avm.CallResult{Result: `"x"`}
				}
				return avm.CallResult{Result: string(req.Arguments[0])}
			},
		})
		// A script that never settles is no fault of the interpreter.
		_ = sim.Run()
		out := make([][]byte, len(peers))
		for i, p := range peers {
			out[i] = sim.Prev(p.ID)
		}
		return out
	}
	f.Fuzz(func(t *testing.T, script string) {
		if len(script) > 8<<10 {
			return
		}
		script = expand.Replace(script)
		first, second := travel(script), travel(script)
		for i := range first {
			if !bytes.Equal(first[i], second[i]) {
				t.Fatalf("peer %d ended with other data on the same script", i)
			}
		}
	})
}
