package data

import (
	"crypto/ed25519"
)

// Data is everything one peer knows about one particle's execution.
type Data struct {
	// InterpreterVersion is the version of the interpreter that wrote the
	// data.
	InterpreterVersion string
	// Trace lists the states of the script's instructions in execution
	// order.
	Trace []State
	// LastCallID is the last call request id this peer issued, so that
	// ids stay unique across runs.
	LastCallID uint32
	// Stores holds the objects the trace refers to.
	Stores Stores
	// Signatures maps a peer id to that peer's signature over the CIDs of
	// the results it produced.
	Signatures map[string]Signature
}

// Signature is a peer's Ed25519 signature with the key that made it.
type Signature struct {
	PublicKey ed25519.PublicKey
	Sig       []byte
}

// New returns empty data.
func New() *Data {
	return &Data{Stores: NewStores(), Signatures: map[string]Signature{}}
}
