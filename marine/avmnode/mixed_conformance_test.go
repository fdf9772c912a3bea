package avmnode

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// TestConformanceMixed runs the node conformance corpus (core/node's
// TestConformance) on networks whose peers alternate between avm.wasm and
// core/avm: first with $PEER0 (the relay), $PEER2, ... on avm.wasm, then
// with the client, $PEER1, $PEER3, ... on it. Either way every hop
// between the client and its relay, which every case makes, and between
// neighbouring peers crosses from one interpreter to the other. Every
// case must give the outcome the reference runtime recorded, as on
// core/avm alone.
func TestConformanceMixed(t *testing.T) {
	dir := conformance.CorpusDir()
	for _, variant := range []struct {
		name   string
		client bool // whether the client runs avm.wasm
		parity int  // the peers i with i%2 == parity run avm.wasm
	}{
		{"even peers on avm.wasm", false, 0},
		{"client and odd peers on avm.wasm", true, 1},
	} {
		t.Run(variant.name, func(t *testing.T) {
			p := newPair(t)
			in := conformance.Interpreters{Client: p.native, Peer: p.alternate(variant.parity)}
			if variant.client {
				in.Client = p.wasm
			}
			var ran int
			t.Run("cases", func(t *testing.T) {
				ran = conformance.Corpus{Dir: dir, Interpreters: in, Keep: mixedConformance}.Run(t)
			})
			t.Logf("%d cases", ran)
			p.bothRan(t)
		})
	}
}
