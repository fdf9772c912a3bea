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
// merge of par and fold subtraces. The data is the reference's too (AquaVM
// 0.62's format, package data), with the same content identifiers and
// per-peer Ed25519 signatures over the results each peer produced, so a
// particle's hops can alternate between this interpreter and avm.wasm.
//
// # What a host keeps between runs
//
// A run replays the whole trace, as AquaVM's does, so its cost grows with
// the trace. A host that keeps a Memo per particle (Params.Memo) spares
// what need not be redone: decoding the peer's own data, parsing its
// values and the script, sorting the results it signed and its stores'
// keys, and, in a run that brings only call results, resolving again the
// arguments of the calls it executed and checking their states (each
// such call is still charged the steps its arguments cost, so that a
// run stops at its step limit where it would without a Memo). With
// LazySign, a run whose data stays on the peer neither signs nor prunes;
// the run that sends the particle on does both. What LazySign
// changes in what is sent: a peer with no result signs nothing, where
// avm.wasm signs the empty set, and avm.wasm accepts data without a
// signature of a peer that has no result in it.
//
// # Limits
//
// No script, data or call result can make a run exhaust the goroutine's
// stack, work without end or fill the peer's memory. Instructions run on
// a machine that keeps what is in progress on a stack of its own, on the
// heap, so that deep nesting and the iterations of a fold, each (next)
// inside the one before, cost heap memory and not Go calls: a fold over
// ten million values runs. Values nest at most value.MaxDepth levels, so
// the few functions that walk them recursively stay shallow. And every
// run has Limits (Params.Limits; a zero field takes its default), each
// with an error code of its own:
//
//   - Steps, default 1,000,000: instructions executed, plus a step for
//     every 64 bytes of value text a run encodes, compares or reads.
//     Over it: CodeStepLimit, 40000.
//   - ValueSize, default 4 MiB: the text of any one value a run takes in
//     or makes (a call result, a call's arguments, a value read from the
//     data, a canon's values, an entry of a stream map), counting every
//     copy of the parts a value shares, so that doubling a value through
//     canon stops at the limit instead of at the peer's memory. Over it:
//     CodeValueSizeLimit, 40001.
//   - DataSize, default 16 MiB: the current data a run accepts, and the
//     data and call requests it produces. Over it: CodeDataSizeLimit,
//     40002.
//
// AquaVM has no such limits (its size checks, error 10, are on its inputs
// only), so these codes take a block of their own after its farewell
// codes (30000 on): no code of one can be taken for a code of the other. A
// run over a limit fails uncatchably, whatever xor surrounds the
// instruction: the peer keeps its previous data and sends nothing on.
//
// One known difference from AquaVM 0.62: when a stream has gained several
// generations on another peer (a "for ... rec" loop that grows it there)
// and the particle comes back to a peer that held its first values,
// AquaVM ends that run with no next peer and the particle stalls; this
// interpreter merges the generations and goes on. The differential test
// against avm.wasm (package marine/avmwasm) keeps the case.
//
// Another: a call that fails inside a fold over a stream leaves the
// iteration incomplete, in the run that gets the failure as in every run
// that replays it. AquaVM 0.62 counts the iteration complete in the first
// and incomplete in the next, so it goes past the fold once, asks for the
// calls after it, and then fails the run that brings their results with
// 30000 (unprocessed call results). marine/avmnode's mixed scenarios list
// the case.
package avm
