package data

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// changeResult gives the sample's peer a different result in state 2.
func changeResult(d *Data) {
	call := *d.Trace[2].(*Call)
	sr := d.Stores.ServiceResults[call.CID]
	sr.ValueCID = d.Stores.AddValue("other")
	call.CID = d.Stores.AddServiceResult(sr)
	d.Trace[2] = &call
}

func TestSignAfter(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	prev := sample(t)
	id := prev.Trace[1].(*Call).Peer

	// Same results: prev's signature is kept, and it is the one Sign makes.
	same := sample(t)
	same.Signatures = map[string]Signature{}
	same.SignAfter(key, id, "particle", prev)
	fresh := sample(t)
	fresh.Sign(key, id, "particle")
	if !bytes.Equal(same.Signatures[id].Sig, fresh.Signatures[id].Sig) {
		t.Error("the kept signature differs from a fresh one")
	}

	// New results: signed anew, and the signature verifies.
	changed := sample(t)
	changeResult(changed)
	changed.SignAfter(key, id, "particle", prev)
	if bytes.Equal(changed.Signatures[id].Sig, prev.Signatures[id].Sig) {
		t.Error("the old signature was kept over new results")
	}
	if err := changed.VerifySignatures("particle"); err != nil {
		t.Error(err)
	}

	// Another key: never someone else's signature.
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	d := sample(t)
	d.SignAfter(other, id, "particle", prev)
	if bytes.Equal(d.Signatures[id].Sig, prev.Signatures[id].Sig) {
		t.Error("a signature made with another key was kept")
	}
}

func TestVerifySignaturesAfter(t *testing.T) {
	known := sample(t)
	id := known.Trace[1].(*Call).Peer
	tests := []struct {
		name   string
		mutate func(d *Data)
		ok     bool
	}{
		{"what is known", func(*Data) {}, true},
		{"new results under the known signature", changeResult, false},
		{"a forged signature", func(d *Data) {
			d.Signatures[id] = Signature{PublicKey: d.Signatures[id].PublicKey, Sig: bytes.Repeat([]byte{9}, ed25519.SignatureSize)}
		}, false},
		{"no signature", func(d *Data) { delete(d.Signatures, id) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := sample(t)
			tt.mutate(cur)
			for _, k := range []*Data{nil, known} {
				err := cur.VerifySignaturesAfter("particle", k)
				if tt.ok && err != nil {
					t.Errorf("known %v: %v", k != nil, err)
				}
				if !tt.ok && !errors.Is(err, ErrSignature) {
					t.Errorf("known %v: err = %v, want a signature error", k != nil, err)
				}
			}
		})
	}
	// Known data is trusted only for exactly what it holds: another
	// particle's data verifies against nothing.
	if err := sample(t).VerifySignaturesAfter("another particle", nil); !errors.Is(err, ErrSignature) {
		t.Errorf("another particle: %v", err)
	}
}

func BenchmarkVerifySignaturesAfter(b *testing.B) {
	known, cur := sample(b), sample(b)
	for _, bc := range []struct {
		name  string
		known *Data
	}{{"unknown", nil}, {"known", known}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := cur.VerifySignaturesAfter("particle", bc.known); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestSignWithoutResults(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	id := string(peer.IDFromPublicKey(peer.Ed25519PublicKey(key.Public().(ed25519.PublicKey))))
	d := New()
	d.Sign(key, id, "particle")
	if _, ok := d.Signatures[id]; !ok {
		t.Fatal("a peer without results signed nothing; the reference signs over none")
	}
	if err := d.VerifySignatures("particle"); err != nil {
		t.Errorf("data without results: %v", err)
	}
	// A signature in the store is checked even when its peer has no
	// results, as the reference checks it.
	if err := d.VerifySignatures("another particle"); !errors.Is(err, ErrSignature) {
		t.Errorf("a signature over another particle verified: %v", err)
	}
}

// TestSignedMessageLayout pins the bytes a peer signs, the Borsh encoding
// of (sorted CIDs, particle id): changing them would invalidate every
// signature, ours and the reference's.
func TestSignedMessageLayout(t *testing.T) {
	for _, tt := range []struct {
		particle string
		cids     []CID
		want     string
	}{
		{"p", nil, "00000000" + "01000000" + "70"},
		{"id", []CID{"ab", "c"}, "02000000" + "02000000" + "6162" + "01000000" + "63" + "02000000" + "6964"},
	} {
		if got := hex.EncodeToString(SignedMessage(tt.particle, tt.cids)); got != tt.want {
			t.Errorf("SignedMessage(%q, %q) = %s, want %s", tt.particle, tt.cids, got, tt.want)
		}
	}
}
