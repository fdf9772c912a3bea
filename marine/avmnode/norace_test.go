//go:build !race

package avmnode

import (
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// Without the race detector the mixed tests run their suites whole; CI
// runs them so (.ci/run), beside go test -race ./..., which runs the
// subsets of race_test.go.

// mixedConformance keeps every case of the conformance corpus.
func mixedConformance(conformance.Case) bool { return true }

// mixedScenarios keeps every scenario of the suite.
func mixedScenarios(s avmtest.Suite) []avmtest.Scenario { return s.Scenarios() }
