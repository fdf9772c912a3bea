package node

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// countingInterpreter is core/avm under another name, counting its runs.
type countingInterpreter struct {
	name string
	runs atomic.Int32
}

func (c *countingInterpreter) Name() string { return c.name }

func (c *countingInterpreter) Run(ctx context.Context, p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	c.runs.Add(1)
	return NativeInterpreter{}.Run(ctx, p, script, prev, current, results)
}

// TestSetInterpreter: the interpreter a node runs scripts with can change
// while it runs, and the trace names the one that ran each hop.
func TestSetInterpreter(t *testing.T) {
	first, second := &countingInterpreter{name: "first"}, &countingInterpreter{name: "second"}
	client, nodes, events := networkWith(t, 1, func(c *Config) { c.Interpreter = first })
	relay := nodes[0]
	if got := relay.Interpreter(); got != "first" {
		t.Fatalf("Interpreter() = %q, want first", got)
	}
	// Two scripts, so that the two runs are two particles.
	script := func(v string) string {
		return `(seq (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-) (seq (call -relay- ("op" "identity") ["` + v +
			`"] r) (call %init_peer_id% ("callbackSrv" "response") [r])))`
	}
	names := func() map[string]int {
		seen := map[string]int{}
		evs, _ := events.Since(1, 100_000)
		for _, e := range evs {
			if e.Kind == trace.Interpreted && e.Peer == relay.ID() {
				seen[e.Interpreter]++
			}
		}
		return seen
	}

	if _, err := runFunction(t, client, relay.ID(), script("x"), nil); err != nil {
		t.Fatal(err)
	}
	relay.SetInterpreter(second)
	if got := relay.Interpreter(); got != "second" {
		t.Fatalf("Interpreter() after SetInterpreter = %q, want second", got)
	}
	if _, err := runFunction(t, client, relay.ID(), script("y"), nil); err != nil {
		t.Fatal(err)
	}
	if first.runs.Load() == 0 || second.runs.Load() == 0 {
		t.Errorf("runs: first %d, second %d; want both", first.runs.Load(), second.runs.Load())
	}
	if seen := names(); seen["first"] == 0 || seen["second"] == 0 || len(seen) != 2 {
		t.Errorf("the relay's hops were interpreted by %v, want first and second", seen)
	}
}
