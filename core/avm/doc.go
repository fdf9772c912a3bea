// Package avm is the AIR interpreter: one pure, deterministic function,
// Run, that advances a particle's script on one peer.
//
// A particle carries its script and data, the execution trace, from peer
// to peer. Each peer merges the data it receives with what it had for the
// particle, re-runs the script from the top against the merged trace, and
// returns the new data, the peers to send the particle to next and the
// service calls its host should make. Instructions whose states are in the
// trace replay them; the others run now, or wait when they need a remote
// peer, a call result or a variable that some other branch will define.
// Nothing in a run reads the clock, the network or randomness, so the same
// inputs always give the same outcome, which is what lets a debugger step
// backwards and every peer agree on what happened.
//
// The semantics follow the reference interpreter, AquaVM: the same
// completeness rules for seq, par, xor, fold and next, the same call state
// machine and error codes and messages, the same stream generations and
// merge of par and fold subtraces. The data format is this package's own
// (see package data), with the same content identifiers and per-peer
// Ed25519 signatures over the results each peer produced.
package avm
