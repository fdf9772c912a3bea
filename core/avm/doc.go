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
//
// One known difference from AquaVM 0.62: when a stream has gained several
// generations on another peer (a "for ... rec" loop that grows it there)
// and the particle comes back to a peer that held its first values,
// AquaVM ends that run with no next peer and the particle stalls; this
// interpreter merges the generations and goes on. The differential test
// against avm.wasm (package marine/avmwasm) keeps the case.
package avm
