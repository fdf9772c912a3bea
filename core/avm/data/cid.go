package data

import (
	"bytes"
	"encoding/base32"
	"encoding/binary"

	"lukechampine.com/blake3"
	"lukechampine.com/blake3/guts"
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
	text := cidText(digest(canonicalJSON))
	return CID(text[:])
}

// objectCID is ComputeCID for the canonical text of a store object, which
// its caller builds in an array on its stack: the text is hashed without
// escaping to the heap, as a text passed to digest does (the BLAKE3 of
// long texts could hash it on other goroutines).
func objectCID(canonicalJSON []byte) CID {
	if len(canonicalJSON) > guts.ChunkSize {
		return ComputeCID(bytes.Clone(canonicalJSON))
	}
	text := cidText(chunkDigest(canonicalJSON))
	return CID(text[:])
}

// HasCID reports whether c is the identifier of a canonical JSON text,
// without allocating: data from other peers has every object checked.
func HasCID(canonicalJSON []byte, c CID) bool {
	text := cidText(digest(canonicalJSON))
	return string(text[:]) == string(c)
}

// cidText writes the text of the identifier with BLAKE3 digest sum.
func cidText(sum [32]byte) [cidTextSize]byte {
	var raw [cidSize]byte
	copy(raw[:], cidPrefix[:])
	copy(raw[len(cidPrefix):], sum[:])
	var text [cidTextSize]byte
	text[0] = 'b'
	base32Lower.Encode(text[1:], raw[:])
	return text
}

// digest is the BLAKE3-256 digest of text, on lukechampine's BLAKE3: the
// fastest here at every length a store object has, 10 to 15% faster than
// zeebo's on the few 64-byte blocks of most objects, and it hashes the
// 1 KiB chunks of a long value side by side in vector lanes. Given more
// than serialHash bytes at once it would hash them on goroutines of its
// own: a long text goes to it in pieces of that size, so that a run uses
// the one goroutine it runs on (a node runs particles side by side).
func digest(text []byte) [32]byte {
	if len(text) <= guts.ChunkSize {
		return chunkDigest(text)
	}
	h := blake3.New(32, nil)
	for len(text) > 0 {
		n := min(len(text), serialHash)
		_, _ = h.Write(text[:n])
		text = text[n:]
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// chunkDigest is digest for a text of one chunk (1 KiB) at most, which
// BLAKE3 hashes block by block, the last block as the root; the blocks
// are copied into the words guts.Compress takes, so the text stays where
// it is.
func chunkDigest(text []byte) [32]byte {
	cv := guts.IV
	flags := uint32(guts.FlagChunkStart)
	var out [16]uint32
	for len(text) > guts.BlockSize {
		var block [16]uint32
		for i := range block {
			block[i] = binary.LittleEndian.Uint32(text[4*i:])
		}
		guts.Compress(&out, &cv, &block, 0, guts.BlockSize, flags)
		cv = [8]uint32(out[:8])
		flags = 0
		text = text[guts.BlockSize:]
	}
	block := guts.PadBlock(text)
	guts.Compress(&out, &cv, &block, 0, uint32(len(text)), flags|guts.FlagChunkEnd|guts.FlagRoot)
	var sum [32]byte
	for i, w := range out[:8] {
		binary.LittleEndian.PutUint32(sum[4*i:], w)
	}
	return sum
}

// serialHash is the most lukechampine's BLAKE3 hashes of one write on the
// calling goroutine: three buffers of sixteen 1 KiB chunks.
const serialHash = 3 * 16 << 10
