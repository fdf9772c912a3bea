// Package mpin reads MessagePack that is held whole in memory and comes
// from a peer: every length it declares is a claim, checked against the
// bytes that remain before anything is allocated for it, and values it
// skips nest as deep as the input likes without costing Go stack.
//
// The msgpack library alone suits trusted input. Its DecodeString and
// DecodeBytes allocate what a length claims, up to a megabyte at a
// time, before they read, and its Skip recurses once per level of
// nesting: twenty megabytes of one-element arrays exhaust the Go stack,
// a fatal error no recover catches. A Reader checks every claim and
// skips without recursion; numbers, booleans and the like are read with
// the library's Decoder, which reads the same bytes.
package mpin

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// ErrClaim: a length claims more than the input holds.
var ErrClaim = errors.New("msgpack: a length claims more than the input holds")

// Reader reads one MessagePack input.
type Reader struct {
	b   []byte
	r   *bytes.Reader
	dec *msgpack.Decoder
}

// NewReader reads b. A Reader has a decoder of its own, never one from
// the library's pool, which would keep whatever buffer one input grew
// it to for the next.
func NewReader(b []byte) *Reader {
	r := bytes.NewReader(b)
	// A bytes.Reader is an io.ByteScanner, so the decoder reads it
	// directly, without a buffer of its own: the Reader's methods and
	// the decoder's read the same position.
	return &Reader{b: b, r: r, dec: msgpack.NewDecoder(r)}
}

// Decoder is the library's decoder over the same bytes, for the values
// whose size is fixed by their type (numbers, booleans, nil).
func (r *Reader) Decoder() *msgpack.Decoder { return r.dec }

// Len is the number of bytes not yet read.
func (r *Reader) Len() int { return r.r.Len() }

// claim checks that n items of at least one byte each fit in what
// remains.
func (r *Reader) claim(n int) error {
	if n < 0 || n > r.r.Len() {
		return fmt.Errorf("%w: %d claimed, %d bytes left", ErrClaim, n, r.r.Len())
	}
	return nil
}

// MapLen reads a map's header; -1 is nil.
func (r *Reader) MapLen() (int, error) {
	n, err := r.dec.DecodeMapLen()
	if err != nil || n == -1 {
		return n, err
	}
	return n, r.claim(2 * n)
}

// ArrayLen reads an array's header; -1 is nil.
func (r *Reader) ArrayLen() (int, error) {
	n, err := r.dec.DecodeArrayLen()
	if err != nil || n == -1 {
		return n, err
	}
	return n, r.claim(n)
}

// Bytes reads a bin or a str as bytes of their own; nil is nil.
func (r *Reader) Bytes() ([]byte, error) {
	b, err := r.View()
	return bytes.Clone(b), err
}

// View reads a str or a bin as the bytes of the input it lies in, not a
// copy: for a map key, which a switch on string(key) compares without
// allocating. Nil is nil.
func (r *Reader) View() ([]byte, error) {
	n, err := r.dec.DecodeBytesLen()
	if err != nil || n == -1 {
		return nil, err
	}
	if err := r.claim(n); err != nil {
		return nil, err
	}
	at := len(r.b) - r.r.Len()
	_, err = r.r.Seek(int64(n), io.SeekCurrent)
	return r.b[at : at+n : at+n], err
}

// String reads a str or a bin as a string; nil is "".
func (r *Reader) String() (string, error) {
	b, err := r.View()
	return string(b), err
}

// Skip passes over one value, however deeply it nests: it counts the
// values still to pass over instead of recursing, and since each of them
// takes at least a byte, a count above what remains is a false claim.
func (r *Reader) Skip() error {
	for pending := 1; pending > 0; pending-- {
		c, err := r.r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		var items, size int // values within; bytes of payload
		switch {
		case msgpcode.IsFixedNum(c), c == msgpcode.Nil, c == msgpcode.False, c == msgpcode.True:
		case msgpcode.IsFixedMap(c):
			items = 2 * int(c&msgpcode.FixedMapMask)
		case msgpcode.IsFixedArray(c):
			items = int(c & msgpcode.FixedArrayMask)
		case msgpcode.IsFixedString(c):
			size = int(c & msgpcode.FixedStrMask)
		case c == msgpcode.Uint8, c == msgpcode.Int8:
			size = 1
		case c == msgpcode.Uint16, c == msgpcode.Int16:
			size = 2
		case c == msgpcode.Uint32, c == msgpcode.Int32, c == msgpcode.Float:
			size = 4
		case c == msgpcode.Uint64, c == msgpcode.Int64, c == msgpcode.Double:
			size = 8
		case c == msgpcode.Str8, c == msgpcode.Bin8:
			size, err = r.length(1)
		case c == msgpcode.Str16, c == msgpcode.Bin16:
			size, err = r.length(2)
		case c == msgpcode.Str32, c == msgpcode.Bin32:
			size, err = r.length(4)
		case c == msgpcode.Array16:
			items, err = r.length(2)
		case c == msgpcode.Array32:
			items, err = r.length(4)
		case c == msgpcode.Map16, c == msgpcode.Map32:
			items, err = r.length(2 + 2*int(c-msgpcode.Map16))
			items *= 2
		case c == msgpcode.FixExt1, c == msgpcode.FixExt2, c == msgpcode.FixExt4, c == msgpcode.FixExt8, c == msgpcode.FixExt16:
			size = 1 + 1<<(c-msgpcode.FixExt1) // the type, then 1 to 16 bytes
		case c == msgpcode.Ext8, c == msgpcode.Ext16, c == msgpcode.Ext32:
			size, err = r.length(1 << (c - msgpcode.Ext8))
			size++ // the type
		default:
			return fmt.Errorf("msgpack: invalid code 0x%02x", c)
		}
		if err != nil {
			return err
		}
		if err := r.claim(size); err != nil {
			return err
		}
		if _, err := r.r.Seek(int64(size), io.SeekCurrent); err != nil {
			return err
		}
		pending += items
		if err := r.claim(pending - 1); err != nil {
			return err
		}
	}
	return nil
}

// length reads a big-endian length of width bytes (1, 2 or 4).
func (r *Reader) length(width int) (int, error) {
	var b [4]byte
	if _, err := io.ReadFull(r.r, b[:width]); err != nil {
		return 0, io.ErrUnexpectedEOF
	}
	switch width {
	case 1:
		return int(b[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(b[:2])), nil
	}
	return int(binary.BigEndian.Uint32(b[:4])), nil
}
