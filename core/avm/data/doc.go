// Package data is the interpreter's persistent state: the execution trace,
// the content-addressed stores its states point into, the call request
// counter and the peers' signatures, in the reference interpreter's
// format (AquaVM 0.62, data version 0.17.2), so that particles cross
// between this interpreter and the reference's (js-client apps, nox
// nodes, avm.wasm) in both directions.
//
// The format: a MessagePack map {"version", "interpreter_version",
// "inner_data"} whose inner data is an rkyv 0.7 archive of the trace, the
// counter, the CID stores and the signature store (archive.go has the
// layout rules). Each peer signs the Borsh encoding of its sorted result
// CIDs and the particle id with Ed25519; keys and signatures are written
// behind a key format byte.
//
// Every value a trace refers to is stored once, under its content
// identifier (CID): a CIDv1 with the JSON codec and a BLAKE3-256 digest of
// the value's canonical JSON text, as the reference computes them.
//
// Data arrives from other peers, so Decode trusts nothing: every pointer
// and length is checked against the archive before anything is read, the
// bytes read through pointers are bounded by the archive's size, every
// store entry is hashed again, every trace reference must resolve, and
// VerifySignatures checks that each peer's results carry that peer's
// signature. A peer's own data is trusted (DecodeOwn), and so are the
// objects of data coming back that the peer's own data holds, the same
// (DecodeAfter), as are the signatures it holds (VerifySignaturesAfter).
//
// Where the bytes differ from the reference's, and why:
//
//   - The reference archives its hash maps (the stores, the signatures) in
//     their random iteration order; Encode sorts them by key, so equal
//     data always encodes to equal bytes.
//   - The reference writes a shared value (an Rc) once per allocation;
//     Encode writes it once per content, which the reader cannot tell
//     apart and which makes the data smaller.
//   - The reference's stores only grow; Prune drops objects no state
//     reaches.
//
// Data whose stores hold one entry each, such as a single call's, is
// byte-identical to the reference's.
package data
