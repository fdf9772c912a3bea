package node_test

import (
	"flag"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// The conformance corpus runs AIR compiled by the reference compiler on
// our network and compares each result with what the reference runtime
// returned for the same call. testdata/conformance/README.md describes the
// files and how to regenerate them; package conformance runs them.

var (
	updateReference = flag.Bool("update-reference", false,
		"recompile the conformance corpus and rerun it on the reference runtime (needs Node and the oracle)")
	updateOnly = flag.String("update-only", "",
		"with -update-reference, regenerate only the cases whose names match this regular expression")
	oraclePath = flag.String("oracle", "/work/shared/oracle/oracle", "the reference toolchain runner, for -update-reference")
)

const conformanceDir = "testdata/conformance"

// oracle is the reference toolchain runner the flags name.
func oracle() conformance.Oracle {
	return conformance.Oracle{Path: *oraclePath, Only: *updateOnly}
}

// TestConformance runs every case of the corpus with core/avm on every
// peer. The tests of marine/avmnode run it again with avm.wasm, the
// reference interpreter, on every other peer.
func TestConformance(t *testing.T) {
	if *updateReference {
		cases := conformance.LoadCases(t, conformanceDir)
		oracle().Regenerate(t, conformanceDir, cases, func(i int) string { return cases[i].ReferenceFile(conformanceDir) })
	}
	conformance.Corpus{Dir: conformanceDir}.Run(t)
}
