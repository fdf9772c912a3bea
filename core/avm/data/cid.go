package data

import (
	"encoding/base32"

	"lukechampine.com/blake3"
)

// CID is a content identifier in its string form ("bagaaihra...").
type CID string

// cidPrefix is the binary CIDv1 header: version 1, codec 0x0200 (json) as a
// varint, multihash code 0x1e (blake3) and digest length 32.
var cidPrefix = []byte{0x01, 0x80, 0x04, 0x1e, 0x20}

var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ComputeCID returns the identifier of a canonical JSON text.
func ComputeCID(canonicalJSON []byte) CID {
	sum := blake3.Sum256(canonicalJSON)
	raw := make([]byte, 0, len(cidPrefix)+len(sum))
	raw = append(raw, cidPrefix...)
	raw = append(raw, sum[:]...)
	return CID("b" + base32Lower.EncodeToString(raw))
}
