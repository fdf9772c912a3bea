package peer

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// TestEd25519MatchesStdlib signs and verifies with both implementations:
// the same signatures, and the same verdict on good signatures, on
// signatures and keys with a bit flipped, and on the edge cases of the
// rules (small-order points, non-canonical encodings, S past the group
// order).
func TestEd25519MatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		seed := make([]byte, ed25519.SeedSize)
		for j := range seed {
			seed[j] = byte(rng.Uint32())
		}
		key := ed25519.NewKeyFromSeed(seed)
		msg := make([]byte, rng.IntN(300))
		for j := range msg {
			msg[j] = byte(rng.Uint32())
		}
		sig := SignEd25519(key, msg)
		if want := ed25519.Sign(key, msg); !bytes.Equal(sig, want) {
			t.Fatalf("key %d: signature %x, crypto/ed25519 signs %x", i, sig, want)
		}
		pub := key.Public().(ed25519.PublicKey)
		checkVerdict(t, pub, msg, sig)
		bad := bytes.Clone(sig)
		bad[rng.IntN(len(bad))] ^= 1 << rng.IntN(8)
		checkVerdict(t, pub, msg, bad)
		badPub := bytes.Clone(pub)
		badPub[rng.IntN(len(badPub))] ^= 1 << rng.IntN(8)
		checkVerdict(t, badPub, msg, sig)
	}
	for _, c := range edgeCases(t) {
		checkVerdict(t, c.pub, c.msg, c.sig)
	}
}

func checkVerdict(t *testing.T, pub, msg, sig []byte) {
	t.Helper()
	got := VerifyEd25519(pub, msg, sig)
	want := len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, msg, sig)
	if got != want {
		t.Errorf("key %x, signature %x of %q: verified %v, crypto/ed25519 says %v", pub, sig, msg, got, want)
	}
}

type sigCase struct{ pub, msg, sig []byte }

// edgeCases are where Ed25519 implementations disagree: S past the group
// order, small-order keys and R, and non-canonical encodings of both.
func edgeCases(tb testing.TB) []sigCase {
	tb.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	msg := []byte("particle")
	good := ed25519.Sign(key, msg)
	// order is the group order L, little-endian.
	order, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	sPlusL := bytes.Clone(good)
	carry := 0
	for i := range 32 {
		v := int(sPlusL[32+i]) + int(order[i]) + carry
		sPlusL[32+i], carry = byte(v), v>>8
	}
	identity := append([]byte{1}, make([]byte, 31)...)
	// y = p + 1: a non-canonical encoding of the identity.
	nonCanonical, _ := hex.DecodeString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	zeroS := make([]byte, 32)
	return []sigCase{
		{pub, msg, good},
		{pub, msg, sPlusL},
		{identity, msg, append(bytes.Clone(identity), zeroS...)},     // small-order key and R
		{nonCanonical, msg, append(bytes.Clone(identity), zeroS...)}, // non-canonical key
		{identity, msg, append(bytes.Clone(nonCanonical), zeroS...)}, // non-canonical R
		{pub, msg, append(bytes.Clone(identity), good[32:]...)},
	}
}

// FuzzVerifyEd25519 checks, on any key, message and signature, that
// VerifyEd25519 says what crypto/ed25519 says.
func FuzzVerifyEd25519(f *testing.F) {
	f.Add(make([]byte, 32), []byte("msg"), make([]byte, 64))
	for _, c := range edgeCases(f) {
		f.Add(c.pub, c.msg, c.sig)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	f.Add([]byte(key.Public().(ed25519.PublicKey)), []byte("particle"), ed25519.Sign(key, []byte("particle")))
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		checkVerdict(t, pub, msg, sig)
	})
}
