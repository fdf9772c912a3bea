package avm_test

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

func TestOutcomeComplete(t *testing.T) {
	n := newNetwork(t, "a", map[string]service{"a": echo, "b": echo})
	a := n.peers["a"]
	for _, tt := range []struct {
		script   string
		complete bool
	}{
		{`(null)`, true},
		{`(never)`, false},
		{`(par (never) (null))`, true},
		{`(call "` + n.id("b") + `" ("s" "f") [] x)`, false},
		{`(call %init_peer_id% ("s" "f") [] x)`, false}, // waits for its result
		{`(xor (match 1 2 (null)) (null))`, true},
		{`(match 1 2 (null))`, false}, // failed
	} {
		if got := avm.Run(n.params(a), tt.script, nil, nil, nil).Complete; got != tt.complete {
			t.Errorf("%s: Complete = %v, want %v", tt.script, got, tt.complete)
		}
	}
}
