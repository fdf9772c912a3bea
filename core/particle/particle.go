// Package particle is the particle: the signed message that carries an AIR
// script and its data from peer to peer.
//
// Fields, signing and expiry follow the reference node exactly, so that
// particles made here are accepted there and the other way round: the
// signature covers id, timestamp, ttl and script (not the data, which every
// hop rewrites, nor the init peer id, whose key checks it), and a particle
// expires when the clock passes timestamp + ttl. The wire codec lives in
// net; this package is pure values.
package particle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Particle is one execution of an AIR script travelling between peers.
type Particle struct {
	// ID names the execution, usually a UUID. Peers keep state per
	// signature rather than per id, so a reused id cannot hijack another
	// particle's state.
	ID string
	// InitPeerID is the peer that started the particle and signed it.
	InitPeerID peer.ID
	// Timestamp is the creation time in Unix milliseconds.
	Timestamp uint64
	// TTL is how long the particle lives after Timestamp, in milliseconds.
	TTL uint32
	// Script is the AIR text.
	Script string
	// Signature is the init peer's signature of SignedBytes.
	Signature []byte
	// Data is the interpreter data; each hop replaces it.
	Data []byte
}

// Errors of signing and verification.
var (
	ErrWrongKey     = errors.New("particle: key does not belong to the init peer")
	ErrBadSignature = errors.New("particle: bad signature")
)

// New returns an unsigned particle started at now by initPeer.
func New(id string, initPeer peer.ID, script string, now time.Time, ttl time.Duration) *Particle {
	return &Particle{
		ID:         id,
		InitPeerID: initPeer,
		Timestamp:  uint64(max(now.UnixMilli(), 0)),
		TTL:        uint32(min(max(ttl.Milliseconds(), 0), math.MaxUint32)),
		Script:     script,
	}
}

// SignedBytes returns what the init peer signs: the id, the timestamp as
// u64 little-endian, the ttl as u32 little-endian, and the script.
func (p *Particle) SignedBytes() []byte {
	b := make([]byte, 0, len(p.ID)+12+len(p.Script))
	b = append(b, p.ID...)
	b = binary.LittleEndian.AppendUint64(b, p.Timestamp)
	b = binary.LittleEndian.AppendUint32(b, p.TTL)
	return append(b, p.Script...)
}

// Sign signs the particle with key, which must be the init peer's.
func (p *Particle) Sign(key peer.PrivateKey) error {
	if peer.IDOf(key) != p.InitPeerID {
		return fmt.Errorf("%w: key is %s, init peer is %s", ErrWrongKey, peer.IDOf(key), p.InitPeerID)
	}
	p.Signature = key.Sign(p.SignedBytes())
	return nil
}

// Verify checks the signature against the init peer id.
func (p *Particle) Verify() error {
	if err := p.InitPeerID.Verify(p.SignedBytes(), p.Signature); err != nil {
		return fmt.Errorf("%w: particle %s: %w", ErrBadSignature, p.ID, err)
	}
	return nil
}

// Deadline returns when the particle expires, in Unix milliseconds. It
// reports false when timestamp + ttl overflows, which counts as expired.
func (p *Particle) Deadline() (uint64, bool) {
	d := p.Timestamp + uint64(p.TTL)
	return d, d >= p.Timestamp
}

// Expired reports whether the particle has expired at now: now is past
// its deadline, or the deadline overflows.
func (p *Particle) Expired(now time.Time) bool {
	d, ok := p.Deadline()
	if !ok {
		return true
	}
	ms := now.UnixMilli()
	return ms > 0 && uint64(ms) > d
}

// Remaining returns how long the particle has left at now; zero or less
// once it has expired.
func (p *Particle) Remaining(now time.Time) time.Duration {
	d, ok := p.Deadline()
	if !ok || d > math.MaxInt64 {
		return 0
	}
	return time.Duration(int64(d)-now.UnixMilli()) * time.Millisecond
}

// String describes the particle briefly, for logs.
func (p *Particle) String() string {
	return fmt.Sprintf("particle %s from %s (ttl %dms, %d bytes of data)", p.ID, p.InitPeerID.ShortString(), p.TTL, len(p.Data))
}
