// Package merge walks the previous and the current execution traces
// alongside a run of the interpreter and builds the new trace.
//
// A peer keeps the trace of its last run of a particle (previous) and
// receives another peer's trace (current). Neither is a prefix of the
// other: both grew from a common past along different par branches. The
// interpreter re-runs the script from the top, and at every instruction
// that writes a state it asks this package for the matching states of both
// traces, merged. Two sliders, one per trace, move in lockstep with the
// script: a par limits each slider to the branch being run, and a fold over
// a stream points them at the states of the iteration over the same stream
// value. The new trace records what this run produced, with par sizes and
// fold iteration windows computed afresh, so that merging is associative
// and idempotent and a particle that comes back along several routes ends
// in the same state whatever the order.
package merge
