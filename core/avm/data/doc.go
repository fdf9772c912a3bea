// Package data is the interpreter's persistent state: the execution trace,
// the content-addressed stores its states point into, the call request
// counter and the peers' signatures, with a versioned binary format and a
// readable JSON dump.
//
// Every value a trace refers to is stored once, under its content
// identifier (CID): a CIDv1 with the JSON codec and a BLAKE3-256 digest of
// the value's canonical JSON text, as the reference interpreter computes
// them. Identical results from a thousand peers cost one copy, and a
// receiver can check that every stored object matches its identifier.
//
// Data arrives from other peers, so Decode trusts nothing: lengths are
// checked against the bytes that remain before anything is allocated,
// every store entry is re-hashed, every trace reference must resolve, and
// Verify checks that each peer's results carry that peer's signature.
package data
