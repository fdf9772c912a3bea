// Package peerid converts between Ed25519 public keys and libp2p peer ids.
//
// A libp2p peer id for an Ed25519 key is the identity multihash of the
// protobuf-encoded public key, written in base58btc: the familiar
// "12D3KooW..." strings. The interpreter attributes every service result to
// the peer id that produced it and checks that peer's signature, so it
// needs this mapping without pulling in go-libp2p, which core may not
// import.
package peerid

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/mr-tron/base58"
)

// prefix is the identity multihash header (code 0x00, length 36) followed by
// the protobuf PublicKey header: field 1 KeyType = Ed25519 (1), field 2 Data
// of 32 bytes.
var prefix = []byte{0x00, 0x24, 0x08, 0x01, 0x12, 0x20}

// FromPublicKey returns the peer id of an Ed25519 public key.
func FromPublicKey(pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", fmt.Errorf("ed25519 public key has %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	b := make([]byte, 0, len(prefix)+len(pub))
	b = append(b, prefix...)
	b = append(b, pub...)
	return base58.Encode(b), nil
}

// MustFromPublicKey is FromPublicKey for keys known to be well formed.
func MustFromPublicKey(pub ed25519.PublicKey) string {
	id, err := FromPublicKey(pub)
	if err != nil {
		panic(err)
	}
	return id
}

// ErrNotEd25519 reports a peer id that does not embed an Ed25519 key.
var ErrNotEd25519 = errors.New("peer id does not embed an Ed25519 public key")

// PublicKey returns the Ed25519 public key embedded in a peer id.
func PublicKey(id string) (ed25519.PublicKey, error) {
	b, err := base58.Decode(id)
	if err != nil {
		return nil, fmt.Errorf("peer id %q: %w", id, err)
	}
	if len(b) != len(prefix)+ed25519.PublicKeySize || !bytes.HasPrefix(b, prefix) {
		return nil, fmt.Errorf("peer id %q: %w", id, ErrNotEd25519)
	}
	return ed25519.PublicKey(b[len(prefix):]), nil
}
