package data

import (
	"encoding/base32"

	"github.com/zeebo/blake3"
)

// CID is a content identifier in its string form ("bagaaihra...").
type CID string

// cidPrefix is the binary CIDv1 header: version 1, codec 0x0200 (json) as a
// varint, multihash code 0x1e (blake3) and digest length 32.
var cidPrefix = [...]byte{0x01, 0x80, 0x04, 0x1e, 0x20}

var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// cidSize is the length of a binary CID, and cidTextSize of its string
// form: the multibase prefix 'b' and the base32 of the binary.
const (
	cidSize     = len(cidPrefix) + 32
	cidTextSize = 1 + (cidSize*8+4)/5
)

// ComputeCID returns the identifier of a canonical JSON text. Every store
// object of every hop goes through here, so it allocates only the string
// it returns.
func ComputeCID(canonicalJSON []byte) CID {
	text := cidText(canonicalJSON)
	return CID(text[:])
}

// HasCID reports whether c is the identifier of a canonical JSON text,
// without allocating: data from other peers has every object checked.
func HasCID(canonicalJSON []byte, c CID) bool {
	text := cidText(canonicalJSON)
	return string(text[:]) == string(c)
}

// cidText computes the text of the identifier of a canonical JSON text.
func cidText(canonicalJSON []byte) [cidTextSize]byte {
	var raw [cidSize]byte
	copy(raw[:], cidPrefix[:])
	sum := blake3.Sum256(canonicalJSON)
	copy(raw[len(cidPrefix):], sum[:])
	var text [cidTextSize]byte
	text[0] = 'b'
	base32Lower.Encode(text[1:], raw[:])
	return text
}
