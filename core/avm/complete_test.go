package avm_test

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

func TestOutcomeComplete(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Echo})
	a := n.Peer("a")
	for _, tt := range []struct {
		script   string
		complete bool
	}{
		{`(null)`, true},
		{`(never)`, false},
		{`(par (never) (null))`, true},
		{`(call "` + n.ID("b") + `" ("s" "f") [] x)`, false},
		{`(call %init_peer_id% ("s" "f") [] x)`, false}, // waits for its result
		{`(xor (match 1 2 (null)) (null))`, true},
		{`(match 1 2 (null))`, false}, // failed
	} {
		if got := avm.Run(n.Params(a), tt.script, nil, nil, nil).Complete; got != tt.complete {
			t.Errorf("%s: Complete = %v, want %v", tt.script, got, tt.complete)
		}
	}
}
