package node

import (
	"context"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

// Interpreter runs AIR for a node: one interpretation of a particle's
// script on this peer, with the data it kept from its last run, the data
// that arrived and the results of the calls the last run asked for.
//
// The node runs one interpretation of a particle at a time, but several
// particles at once: Run must be safe for concurrent use.
type Interpreter interface {
	// Name says which interpreter runs, for the trace: "native" for
	// core/avm, "avm.wasm" for the reference interpreter.
	Name() string
	// Run interprets script. An error of the script is reported in the
	// outcome's RetCode; an error is returned only when the interpreter
	// itself could not run, and the node then drops the particle.
	Run(ctx context.Context, p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error)
}

// Native is the name of the interpreter of core/avm.
const Native = "native"

// NativeInterpreter is core/avm, the default interpreter.
type NativeInterpreter struct{}

// Name returns Native.
func (NativeInterpreter) Name() string { return Native }

// Run runs avm.Run.
func (NativeInterpreter) Run(_ context.Context, p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	return avm.Run(p, script, prev, current, results), nil
}

// SetInterpreter makes the node run scripts with in from its next
// interpretation on; interpretations running now finish with the one they
// started with. Both interpreters read and write the same data, so a
// particle in flight carries on.
func (n *Node) SetInterpreter(in Interpreter) {
	n.interp.Store(&interpreterBox{in})
}

// interpreter returns what runs the node's scripts now.
func (n *Node) interpreter() Interpreter {
	if b := n.interp.Load(); b != nil {
		return b.Interpreter
	}
	return n.cfg.Interpreter
}

// interpreterBox holds an Interpreter for an atomic pointer.
type interpreterBox struct{ Interpreter }
