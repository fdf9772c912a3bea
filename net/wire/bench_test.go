package wire

import (
	"bufio"
	"bytes"
	"io"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// benchParticle is a signed particle with a script and data of the size
// a short compiled function carries.
func benchParticle(b *testing.B) *particle.Particle {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{3}, 32))
	p := &particle.Particle{
		ID: "3b4a7a52-2f5e-4d0f-9c3e-0d5b6a1f2e3c", InitPeerID: peer.IDOf(key), Timestamp: 1 << 40, TTL: 7000,
		Script: string(bytes.Repeat([]byte("(call %init_peer_id% (\"op\" \"noop\") [])\n"), 10)),
		Data:   bytes.Repeat([]byte{7}, 1500),
	}
	if err := p.Sign(key); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkWriteFrame and BenchmarkReadFrame measure the codec each
// particle goes through once per hop on each side.
func BenchmarkWriteFrame(b *testing.B) {
	p := benchParticle(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteFrame(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFrame(b *testing.B) {
	var frame bytes.Buffer
	if err := WriteFrame(&frame, benchParticle(b)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(frame.Len()))
	b.ReportAllocs()
	r := bufio.NewReader(nil)
	for b.Loop() {
		r.Reset(bytes.NewReader(frame.Bytes()))
		if _, err := ReadFrame(r); err != nil {
			b.Fatal(err)
		}
	}
}
