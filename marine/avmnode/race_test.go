//go:build race

package avmnode

import (
	"hash/fnv"

	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// Under the race detector, which go test -race ./... turns on, the mixed
// tests run a subset of their suites, so as to stay within a minute on
// two cores; without it (norace_test.go, run so by .ci/run) they run
// them whole.

// mixedConformance keeps an eighth of the conformance corpus, picked by
// the hash of each case's name so that the choice holds as cases are
// added, and none of the cases that end by expiring, which spend their
// TTL waiting.
func mixedConformance(c conformance.Case) bool {
	return c.TTL == 0 && sampled(c.Name, 8)
}

// mixedScenarios keeps a third of each suite's scenarios, picked by name
// as mixedConformance picks cases.
func mixedScenarios(s avmtest.Suite) []avmtest.Scenario {
	var kept []avmtest.Scenario
	for _, sc := range s.Scenarios() {
		if sampled(sc.Name, 3) {
			kept = append(kept, sc)
		}
	}
	return kept
}

// sampled keeps one name in every, by its hash.
func sampled(name string, every uint32) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%every == 0
}
