package builtin

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Content ids name modules and blueprints by what they hold, as the
// reference node does: a CIDv1 in base32, of the bytes' SHA-256 when they
// fit one 256 KiB chunk (codec raw), else of a one-level UnixFS file
// whose leaves are those chunks (codec dag-pb). These are the ids
// `ipfs add --cid-version 1` gives the same bytes, so a module's hash can
// be checked with IPFS tools.

// chunkSize is the UnixFS chunk size IPFS and the reference use.
const chunkSize = 256 << 10

// Multicodec and multihash codes used in content ids.
const (
	codecRaw    = 0x55
	codecDagPB  = 0x70
	hashSHA256  = 0x12
	sha256Bytes = 32
	cidVersion1 = 1
)

var cidBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ContentID returns the content id of b.
func ContentID(b []byte) string {
	if len(b) <= chunkSize {
		return cidString(cidBytes(codecRaw, b))
	}
	var node, meta []byte
	meta = protoVarint(meta, 1, 2) // UnixFS type: file
	meta = protoVarint(meta, 3, uint64(len(b)))
	for off := 0; off < len(b); off += chunkSize {
		chunk := b[off:min(off+chunkSize, len(b))]
		var link []byte
		link = protoBytes(link, 1, cidBytes(codecRaw, chunk))
		link = protoBytes(link, 2, nil) // the name: present and empty, as go-ipfs writes it
		link = protoVarint(link, 3, uint64(len(chunk)))
		node = protoBytes(node, 2, link)
		meta = protoVarint(meta, 4, uint64(len(chunk)))
	}
	node = protoBytes(node, 1, meta)
	return cidString(cidBytes(codecDagPB, node))
}

// cidBytes is the binary CIDv1 of b's SHA-256 under codec.
func cidBytes(codec uint64, b []byte) []byte {
	sum := sha256.Sum256(b)
	out := binary.AppendUvarint(nil, cidVersion1)
	out = binary.AppendUvarint(out, codec)
	out = append(out, hashSHA256, sha256Bytes)
	return append(out, sum[:]...)
}

func cidString(b []byte) string { return "b" + cidBase32.EncodeToString(b) }

// CheckContentID reports whether s is a base32 CIDv1 with a SHA-256
// multihash, the form ContentID returns.
func CheckContentID(s string) error {
	rest, ok := strings.CutPrefix(s, "b")
	if !ok {
		return fmt.Errorf("%q is not a base32 CIDv1 (it should start with 'b')", s)
	}
	b, err := cidBase32.DecodeString(rest)
	if err != nil {
		return fmt.Errorf("%q is not a base32 CIDv1: %w", s, err)
	}
	version, n := binary.Uvarint(b)
	if n <= 0 || version != cidVersion1 {
		return fmt.Errorf("%q is not a CIDv1", s)
	}
	b = b[n:]
	codec, n := binary.Uvarint(b)
	if n <= 0 || (codec != codecRaw && codec != codecDagPB) {
		return fmt.Errorf("%q names neither raw bytes nor a dag-pb file", s)
	}
	b = b[n:]
	if len(b) != 2+sha256Bytes || b[0] != hashSHA256 || b[1] != sha256Bytes {
		return errors.New(s + " does not hold a SHA-256 digest")
	}
	return nil
}

// protoVarint appends protobuf field f as a varint.
func protoVarint(b []byte, f int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(f)<<3)
	return binary.AppendUvarint(b, v)
}

// protoBytes appends protobuf field f as length-delimited bytes.
func protoBytes(b []byte, f int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(f)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
