// Package wire is the particle wire format of /fluence/particle/2.0.0, the
// reference node's protocol: one particle per stream, as an unsigned-varint
// length followed by the msgpack multicodec prefix (0x81 0x04) and a
// msgpack map {"action": "Particle", "id", "init_peer_id", "timestamp",
// "ttl", "script", "signature", "data"}.
//
// Encoding writes signature and data as msgpack bin, as the reference node
// does. Decoding also accepts them as arrays of integers, as the reference
// JavaScript client writes them.
package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/aquarium-p2p/aquarium/core/mpin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// ProtocolID is the libp2p protocol particles travel on.
const ProtocolID = "/fluence/particle/2.0.0"

// MaxFrameSize is the largest frame accepted, as in the reference node.
const MaxFrameSize = 100 << 20

// msgpackCodec is the multicodec code of msgpack (0x0201) as a varint.
var msgpackCodec = []byte{0x81, 0x04}

// ErrFrameTooLarge is returned for a frame longer than the limit.
var ErrFrameTooLarge = errors.New("wire: frame too large")

// Marshal encodes a particle as a message body, without the length prefix.
func Marshal(p *particle.Particle) []byte {
	buf := bytes.NewBuffer(make([]byte, 0, bodySizeHint(p)))
	writeBody(buf, p)
	return buf.Bytes()
}

// bodySizeHint is a little more than a particle's body takes: its
// variable fields and the fixed keys and headers around them.
func bodySizeHint(p *particle.Particle) int {
	return 160 + len(p.ID) + len(p.InitPeerID) + len(p.Script) + len(p.Signature) + len(p.Data)
}

// writeBody appends a particle's message body to buf.
func writeBody(buf *bytes.Buffer, p *particle.Particle) {
	buf.Write(msgpackCodec)
	enc := msgpack.GetEncoder()
	defer msgpack.PutEncoder(enc)
	enc.Reset(buf)
	// Writes to a bytes.Buffer cannot fail; the reference decoder expects
	// the fields in this order only because Rust writes them so.
	_ = enc.EncodeMapLen(8)
	str := func(key, val string) {
		_ = enc.EncodeString(key)
		_ = enc.EncodeString(val)
	}
	str("action", "Particle")
	str("id", p.ID)
	str("init_peer_id", string(p.InitPeerID))
	_ = enc.EncodeString("timestamp")
	_ = enc.EncodeUint(p.Timestamp)
	_ = enc.EncodeString("ttl")
	_ = enc.EncodeUint(uint64(p.TTL))
	str("script", p.Script)
	_ = enc.EncodeString("signature")
	_ = enc.EncodeBytes(nonNil(p.Signature))
	_ = enc.EncodeString("data")
	_ = enc.EncodeBytes(nonNil(p.Data))
}

// nonNil keeps empty byte fields as empty bin rather than nil.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// Unmarshal decodes a message body. The init peer id must be a valid
// peer id; the signature is not checked here.
func Unmarshal(body []byte) (*particle.Particle, error) {
	rest, ok := bytes.CutPrefix(body, msgpackCodec)
	if !ok {
		return nil, errors.New("wire: message does not start with the msgpack codec prefix 0x81 0x04")
	}
	// Every length in the message is a claim a peer makes: mpin checks
	// each against what the message holds.
	r := mpin.NewReader(rest)
	dec := r.Decoder()
	n, err := r.MapLen()
	if err != nil {
		return nil, fmt.Errorf("wire: message is not a msgpack map: %w", err)
	}
	var (
		p      particle.Particle
		action []byte
		seen   fieldSet
	)
	for range n {
		key, err := r.View()
		if err != nil {
			return nil, fmt.Errorf("wire: field name: %w", err)
		}
		if !seen.add(key) {
			return nil, fmt.Errorf("wire: field %q appears twice", key)
		}
		switch string(key) {
		case "action":
			action, err = r.View()
		case "id":
			p.ID, err = r.String()
		case "init_peer_id":
			var s string
			if s, err = r.String(); err == nil {
				p.InitPeerID, err = peer.ParseID(s)
			}
		case "timestamp":
			p.Timestamp, err = dec.DecodeUint64()
		case "ttl":
			p.TTL, err = dec.DecodeUint32()
		case "script":
			p.Script, err = r.String()
		case "signature":
			p.Signature, err = decodeBytes(r)
		case "data":
			p.Data, err = decodeBytes(r)
		default:
			err = r.Skip() // fields of newer versions
		}
		if err != nil {
			return nil, fmt.Errorf("wire: field %q: %w", key, err)
		}
	}
	if string(action) != "Particle" {
		return nil, fmt.Errorf("wire: unsupported action %q, want \"Particle\"", action)
	}
	for i, f := range fields {
		if seen.known&(1<<i) == 0 && f != "action" {
			return nil, fmt.Errorf("wire: missing field %q", f)
		}
	}
	return &p, nil
}

// fields are the fields of a particle message.
var fields = [...]string{"action", "id", "init_peer_id", "timestamp", "ttl", "script", "signature", "data"}

// fieldSet records the fields a message has named: the known ones as
// bits, any others (rare: fields of newer versions) in a map.
type fieldSet struct {
	known uint8
	other map[string]bool
}

// add records key and reports whether it is new.
func (s *fieldSet) add(key []byte) bool {
	for i, f := range fields {
		if f == string(key) {
			bit := uint8(1) << i
			if s.known&bit != 0 {
				return false
			}
			s.known |= bit
			return true
		}
	}
	if s.other[string(key)] {
		return false
	}
	if s.other == nil {
		s.other = map[string]bool{}
	}
	s.other[string(key)] = true
	return true
}

// decodeBytes reads msgpack bin, or an array of integers 0..255, as
// js-client's serializer writes byte fields. Each length is checked
// against what the message holds before anything is allocated for it.
func decodeBytes(r *mpin.Reader) ([]byte, error) {
	code, err := r.Decoder().PeekCode()
	if err != nil {
		return nil, err
	}
	if !msgpcode.IsFixedArray(code) && code != msgpcode.Array16 && code != msgpcode.Array32 {
		return r.Bytes()
	}
	n, err := r.ArrayLen()
	if err != nil || n == -1 {
		return nil, err
	}
	b := make([]byte, n)
	for i := range b {
		v, err := r.Decoder().DecodeUint8()
		if err != nil {
			return nil, fmt.Errorf("byte %d: %w", i, err)
		}
		b[i] = v
	}
	return b, nil
}

// WriteFrame writes one particle as a length-prefixed frame, in one
// write.
func WriteFrame(w io.Writer, p *particle.Particle) error {
	// The body is written after room for the longest length prefix, and
	// the prefix, once the length is known, just before the body.
	buf := bytes.NewBuffer(make([]byte, binary.MaxVarintLen32, binary.MaxVarintLen32+bodySizeHint(p)))
	writeBody(buf, p)
	frame := buf.Bytes()
	n := len(frame) - binary.MaxVarintLen32
	if n > MaxFrameSize {
		return fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, n)
	}
	var prefix [binary.MaxVarintLen32]byte
	k := binary.PutUvarint(prefix[:], uint64(n))
	start := binary.MaxVarintLen32 - k
	copy(frame[start:], prefix[:k])
	_, err := w.Write(frame[start:])
	return err
}

// FrameReader is what ReadFrame reads from, such as a *bufio.Reader.
type FrameReader interface {
	io.Reader
	io.ByteReader
}

// ReadFrame reads one length-prefixed frame of at most MaxFrameSize bytes
// and decodes its particle.
func ReadFrame(r FrameReader) (*particle.Particle, error) {
	return ReadFrameLimit(r, MaxFrameSize)
}

// ReadFrameLimit reads one length-prefixed frame and decodes its
// particle, refusing a frame that announces more than limit bytes. The
// announced length is only a claim: the body is read into a buffer that
// grows with the bytes that actually arrive, so a peer that announces a
// large frame and sends little costs little memory.
func ReadFrameLimit(r FrameReader, limit int) (*particle.Particle, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("wire: frame length: %w", err)
	}
	if n > uint64(min(limit, MaxFrameSize)) {
		return nil, fmt.Errorf("%w: %d bytes announced, at most %d accepted", ErrFrameTooLarge, n, min(limit, MaxFrameSize))
	}
	body, err := readBody(r, int(n))
	if err != nil {
		return nil, fmt.Errorf("wire: frame body: %d of %d bytes: %w", len(body), n, err)
	}
	return Unmarshal(body)
}

// firstRead is the buffer a frame body is first read into; it doubles as
// the body arrives, up to the length announced.
const firstRead = 32 << 10

// readBody reads n bytes. It returns what it read and
// io.ErrUnexpectedEOF when the input ends before n bytes.
func readBody(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, firstRead))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), n))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.Read(buf[len(buf):min(cap(buf), n)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			if len(buf) < n {
				return buf, io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
