// Package avmtest holds the interpreter's scenario suites: scripts run
// on simulated peers (core/memnet's Sim) whose services are Go functions,
// each with the calls it must make, the errors it must report and the
// traces it must leave. core/avm's tests run them on core/avm; the tests
// of marine/avmnode run them again with avm.wasm, the reference
// interpreter, on every other peer or run (see Mix), where core must not
// reach. Its Network and services are also what core/avm's own tests
// build their peers and runs on, so that one simulated network serves
// both.
package avmtest

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// Scenario is a script run on simulated peers, with the calls it must
// make, the errors it must report and the traces it must leave.
type Scenario struct {
	Name     string
	Init     string             // the peer that starts the particle; "a" if empty
	Services map[string]Service // the peers and their services
	AIR      string             // the script; @name stands for name's peer id
	// Calls are the calls made, in order, as "peer service.function(args) -> result".
	Calls []string
	// Errs are the non-zero return codes of deliveries, as "peer code: message";
	// a message ending in "..." matches by prefix.
	Errs []string
	// Traces are final traces of peers, in the compact form of Trace.
	Traces map[string]string
	// OrderDependent marks scenarios whose results depend on the order
	// particles arrive in, so shuffled delivery is not checked.
	OrderDependent bool
}

// Suite is a named list of scenarios.
type Suite struct {
	Name      string
	Scenarios func() []Scenario
}

// Suites are all the scenarios, by the test of core/avm that runs them.
var Suites = []Suite{
	{"BasicInstructions", BasicInstructions},
	{"CanonNewAp", CanonNewAp},
	{"ErrorHandling", ErrorHandling},
	{"Folds", Folds},
	{"StreamFolds", StreamFolds},
}

// Interpreter runs one interpretation, as avm.Run does. An error is the
// interpreter's own failure, not the script's, and fails the test.
type Interpreter func(p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error)

// Mix chooses the interpreter of each run of a simulation: run n, counted
// from 0 over the whole simulation, on peer, the peer's index among the
// scenario's peers in the order of their names ("a", the usual
// initiator, is 0). A nil Mix, or a nil Interpreter, runs avm.Run.
type Mix func(peer, n int) Interpreter

// Run checks each scenario in a subtest of its own, with mix choosing
// the interpreter of every run.
func Run(t *testing.T, scenarios []Scenario, mix Mix) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range scenarios {
		if seen[s.Name] {
			t.Fatalf("duplicate scenario name %q", s.Name)
		}
		seen[s.Name] = true
		t.Run(s.Name, func(t *testing.T) {
			for _, d := range s.Differences(t, mix) {
				t.Error(d)
			}
		})
	}
}

func (s Scenario) network(t testing.TB, mix Mix) *Network {
	init := s.Init
	if init == "" {
		init = "a"
	}
	n := NewNetwork(t, init, s.Services)
	n.Mix = mix
	return n
}

// Differences runs the scenario with its deliveries in order and
// compares the calls, errors and traces; then, unless it depends on their
// order, runs it again with its deliveries shuffled by eight seeds, and
// compares the calls made, in any order. It returns every difference
// from what the scenario expects; t fails only if a simulation cannot
// run.
func (s Scenario) Differences(t testing.TB, mix Mix) []string {
	t.Helper()
	var diffs []string
	n := s.network(t, mix)
	n.Run(s.AIR, nil)
	got := make([]string, len(n.Calls))
	for i, c := range n.Calls {
		got[i] = c.String()
	}
	if !slices.Equal(got, s.Calls) {
		diffs = append(diffs, fmt.Sprintf("calls:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(s.Calls, "\n      ")))
	}
	var errs []string
	for _, d := range n.Deliveries {
		if d.RetCode != 0 {
			errs = append(errs, fmt.Sprintf("%s %d: %s", d.Peer, d.RetCode, d.ErrMsg))
		}
	}
	if !matchErrors(errs, s.Errs) {
		diffs = append(diffs, fmt.Sprintf("errors:\n got  %q\n want %q", errs, s.Errs))
	}
	for _, peer := range slices.Sorted(maps.Keys(s.Traces)) {
		if got, want := n.trace(peer), s.Traces[peer]; got != want {
			diffs = append(diffs, fmt.Sprintf("trace of %s:\n got  %s\n want %s", peer, got, want))
		}
	}
	if s.OrderDependent {
		return diffs
	}
	for seed := range uint64(8) {
		m := s.network(t, mix)
		m.Run(s.AIR, rand.New(rand.NewPCG(seed, 42)))
		if a, b := sortedCalls(n), sortedCalls(m); !slices.Equal(a, b) {
			diffs = append(diffs, fmt.Sprintf("seed %d: calls differ from in-order delivery:\n got  %q\n want %q", seed, b, a))
		}
	}
	return diffs
}

func matchErrors(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		w := want[i]
		if p, ok := strings.CutSuffix(w, "..."); ok {
			if !strings.HasPrefix(got[i], p) {
				return false
			}
		} else if got[i] != w {
			return false
		}
	}
	return true
}

func sortedCalls(n *Network) []string {
	out := make([]string, len(n.Calls))
	for i, c := range n.Calls {
		out[i] = c.String()
	}
	slices.Sort(out)
	return out
}
