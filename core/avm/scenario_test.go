package avm_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// scenario is a script run on simulated peers, with the calls it must
// make, the errors it must report and the traces it must leave.
type scenario struct {
	name     string
	init     string             // the peer that starts the particle; "a" if empty
	services map[string]service // the peers and their services
	air      string             // the script; @name stands for name's peer id
	// calls are the calls made, in order, as "peer service.function(args) -> result".
	calls []string
	// errs are the non-zero return codes of deliveries, as "peer code: message";
	// a message ending in "..." matches by prefix.
	errs []string
	// traces are final traces of peers, in the compact form of network.trace.
	traces map[string]string
	// orderDependent marks scenarios whose results depend on the order
	// particles arrive in, so shuffled delivery is not checked.
	orderDependent bool
}

func (s scenario) network(t testing.TB) *network {
	init := s.init
	if init == "" {
		init = "a"
	}
	return newNetwork(t, init, s.services)
}

func (s scenario) check(t *testing.T) {
	t.Helper()
	n := s.network(t)
	n.run(s.air, nil)
	got := make([]string, len(n.calls))
	for i, c := range n.calls {
		got[i] = c.String()
	}
	if !slices.Equal(got, s.calls) {
		t.Errorf("calls:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(s.calls, "\n      "))
	}
	var errs []string
	for _, d := range n.deliveries {
		if d.retCode != 0 {
			errs = append(errs, fmt.Sprintf("%s %d: %s", d.peer, d.retCode, d.errMsg))
		}
	}
	if !matchErrors(errs, s.errs) {
		t.Errorf("errors:\n got  %q\n want %q", errs, s.errs)
	}
	for peer, want := range s.traces {
		if got := n.trace(peer); got != want {
			t.Errorf("trace of %s:\n got  %s\n want %s", peer, got, want)
		}
	}
	if s.orderDependent {
		return
	}
	for seed := range uint64(8) {
		m := s.network(t)
		m.run(s.air, rand.New(rand.NewPCG(seed, 42)))
		if a, b := sortedCalls(n), sortedCalls(m); !slices.Equal(a, b) {
			t.Errorf("seed %d: calls differ from in-order delivery:\n got  %q\n want %q", seed, b, a)
		}
	}
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

func sortedCalls(n *network) []string {
	out := make([]string, len(n.calls))
	for i, c := range n.calls {
		out[i] = c.String()
	}
	slices.Sort(out)
	return out
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range scenarios {
		if seen[s.name] {
			t.Fatalf("duplicate scenario name %q", s.name)
		}
		seen[s.name] = true
		t.Run(s.name, s.check)
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }
