package peerid

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for i := range 8 {
		seed := make([]byte, ed25519.SeedSize)
		seed[0] = byte(i)
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		id, err := FromPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(id, "12D3KooW") {
			t.Errorf("peer id %s does not look like a libp2p Ed25519 id", id)
		}
		back, err := PublicKey(id)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Equal(pub) {
			t.Errorf("PublicKey(%s) = %x, want %x", id, back, pub)
		}
	}
}

// TestKnownID checks the encoding against a peer id printed by go-libp2p
// for the all-zero seed.
func TestKnownID(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	const want = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
	if got := MustFromPublicKey(pub); got != want {
		t.Errorf("peer id = %s, want %s", got, want)
	}
}

func TestPublicKeyErrors(t *testing.T) {
	for _, id := range []string{"", "0OIl", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "12D3KooW"} {
		if _, err := PublicKey(id); err == nil {
			t.Errorf("PublicKey(%q) succeeded", id)
		}
	}
	if _, err := FromPublicKey(make([]byte, 5)); err == nil {
		t.Error("FromPublicKey accepted a 5-byte key")
	}
}
