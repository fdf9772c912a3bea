package particle

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The reference node's test vector (particle.rs test_signature).
func TestReferenceSignature(t *testing.T) {
	key, err := peer.Ed25519FromSeed(b64(t, "7h48PQ/f1rS9TxacmgODxbD42Il9B3KC117jvOPppPE="))
	if err != nil {
		t.Fatal(err)
	}
	p := &Particle{
		ID:         "2883f959-e9e7-4843-8c37-205d393ca372",
		InitPeerID: "12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D",
		Timestamp:  1696934545662,
		TTL:        7000,
		Script:     "abc",
	}
	if got, want := p.SignedBytes(), b64(t, "Mjg4M2Y5NTktZTllNy00ODQzLThjMzctMjA1ZDM5M2NhMzcy/kguGYsBAABYGwAAYWJj"); !bytes.Equal(got, want) {
		t.Fatalf("signed bytes %x, want %x", got, want)
	}
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	if want := b64(t, "KceXDnOfqe0dOnAxiDsyWBIvUq6WHoT0ge+VMHXOZsjZvCNH7/10oufdlYfcPomfv28On6E87ZhDcHGBZcb7Bw=="); !bytes.Equal(p.Signature, want) {
		t.Fatal("signature differs from the reference")
	}
	if err := p.Verify(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// Data is not signed: every hop rewrites it.
	p.Data = []byte("new data")
	if err := p.Verify(); err != nil {
		t.Errorf("Verify after data change: %v", err)
	}
	for name, tamper := range map[string]func(*Particle){
		"script": func(p *Particle) { p.Script = "abd" },
		"ttl":    func(p *Particle) { p.TTL++ },
		"time":   func(p *Particle) { p.Timestamp++ },
		"id":     func(p *Particle) { p.ID = "x" },
		"init":   func(p *Particle) { p.InitPeerID = "12D3KooWMMcTEXjF84w3JE4KEnVyrD8HPZqyvxwWuJs9yVimui6L" },
	} {
		q := *p
		tamper(&q)
		if err := q.Verify(); !errors.Is(err, ErrBadSignature) {
			t.Errorf("tampered %s: Verify = %v, want ErrBadSignature", name, err)
		}
	}
}

func TestSignWithWrongKey(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(make([]byte, 32))
	p := New("id", "12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D", "(null)", time.UnixMilli(1000), time.Second)
	if err := p.Sign(key); !errors.Is(err, ErrWrongKey) {
		t.Errorf("Sign = %v, want ErrWrongKey", err)
	}
}

func TestExpiry(t *testing.T) {
	start := time.UnixMilli(1_700_000_000_000)
	p := New("id", "peer", "(null)", start, 7*time.Second)
	if p.Timestamp != 1_700_000_000_000 || p.TTL != 7000 {
		t.Fatalf("New: timestamp %d ttl %d", p.Timestamp, p.TTL)
	}
	for _, tt := range []struct {
		at      time.Duration
		expired bool
	}{
		{0, false},
		{7 * time.Second, false}, // at the deadline it is still alive
		{7*time.Second + time.Millisecond, true},
	} {
		if got := p.Expired(start.Add(tt.at)); got != tt.expired {
			t.Errorf("Expired at +%v = %v, want %v", tt.at, got, tt.expired)
		}
	}
	if got := p.Remaining(start.Add(2 * time.Second)); got != 5*time.Second {
		t.Errorf("Remaining = %v, want 5s", got)
	}
	overflow := &Particle{Timestamp: math.MaxUint64 - 10, TTL: 100}
	if !overflow.Expired(start) {
		t.Error("a deadline that overflows must count as expired")
	}
	if overflow.Remaining(start) != 0 {
		t.Error("Remaining of an overflowing particle must be zero")
	}
}
