package avm_test

import (
	"slices"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// TestCanonFixesStream checks that a canon's snapshot, once taken on its
// peer, is what every later use sees, whatever arrives afterwards and in
// whatever order.
func TestCanonFixesStream(t *testing.T) {
	script := `(seq (par (call "@b" ("" "") [1] $s) (par (call "@c" ("" "") [2] $s) (call "@d" ("" "") [3] $s)))
	                (seq (call "@e" ("" "") [4])
	                     (seq (canon "@d" $s #c) (par (call "@d" ("" "use") [#c]) (call "@b" ("" "use") [#c])))))`
	services := map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Echo, "c": avmtest.Echo, "d": avmtest.Echo, "e": avmtest.Echo}
	for seed := range uint64(10) {
		n := avmtest.NewNetwork(t, "a", services)
		var rng = newRand(seed)
		n.Run(script, rng)
		var uses []string
		for _, c := range n.Calls {
			if c.Function == "use" {
				uses = append(uses, c.Args)
			}
		}
		if len(uses) != 2 || uses[0] != uses[1] {
			t.Errorf("seed %d: uses of the canon stream differ: %q", seed, uses)
		}
		if slices.Contains(uses, "[[]]") {
			t.Errorf("seed %d: canon was taken before any value arrived: %q", seed, uses)
		}
	}
}
