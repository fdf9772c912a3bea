package data

import "github.com/zeebo/blake3"

// CID is a content identifier in its string form ("bagaaihra...").
type CID string

// cidPrefix is the binary CIDv1 header: version 1, codec 0x0200 (json) as a
// varint, multihash code 0x1e (blake3) and digest length 32.
var cidPrefix = [...]byte{0x01, 0x80, 0x04, 0x1e, 0x20}

// base32Alphabet is RFC 4648's base32 in lower case, multibase 'b'.
const base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567"

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

// cidText computes the text of the identifier of a canonical JSON text:
// 'b', then the base32 of cidPrefix and the digest. The prefix is one
// whole base32 group of five bytes, so its text is the same eight
// characters in every CID, and the digest's groups start afresh.
func cidText(canonicalJSON []byte) [cidTextSize]byte {
	sum := blake3.Sum256(canonicalJSON)
	text := [cidTextSize]byte{'b', 'a', 'g', 'a', 'a', 'i', 'h', 'r', 'a'}
	dst := text[9:]
	for i := 0; i < 30; i += 5 {
		g := uint64(sum[i])<<32 | uint64(sum[i+1])<<24 | uint64(sum[i+2])<<16 | uint64(sum[i+3])<<8 | uint64(sum[i+4])
		for j := range 8 {
			dst[j] = base32Alphabet[g>>(35-5*j)&31]
		}
		dst = dst[8:]
	}
	// The last two bytes, 16 bits, padded with zeros to four characters.
	g := uint64(sum[30])<<12 | uint64(sum[31])<<4
	for j := range 4 {
		dst[j] = base32Alphabet[g>>(15-5*j)&31]
	}
	return text
}
