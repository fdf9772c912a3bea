package peer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"testing"
)

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The reference node's particle signature test vector.
func TestReferenceKeyVector(t *testing.T) {
	key, err := Ed25519FromSeed(mustB64(t, "7h48PQ/f1rS9TxacmgODxbD42Il9B3KC117jvOPppPE="))
	if err != nil {
		t.Fatal(err)
	}
	const want = ID("12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D")
	if got := IDOf(key); got != want {
		t.Fatalf("id = %s, want %s", got, want)
	}
	msg := mustB64(t, "Mjg4M2Y5NTktZTllNy00ODQzLThjMzctMjA1ZDM5M2NhMzcy/kguGYsBAABYGwAAYWJj")
	sig := mustB64(t, "KceXDnOfqe0dOnAxiDsyWBIvUq6WHoT0ge+VMHXOZsjZvCNH7/10oufdlYfcPomfv28On6E87ZhDcHGBZcb7Bw==")
	if got := key.Sign(msg); !bytes.Equal(got, sig) {
		t.Errorf("signature differs from the reference")
	}
	if err := want.Verify(msg, sig); err != nil {
		t.Errorf("Verify: %v", err)
	}
	bad := append([]byte(nil), sig...)
	bad[0] ^= 1
	if err := want.Verify(msg, bad); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("Verify(tampered) = %v, want ErrInvalidSignature", err)
	}
}

func TestParseKnownIDs(t *testing.T) {
	for _, s := range []string{
		"12D3KooWMMcTEXjF84w3JE4KEnVyrD8HPZqyvxwWuJs9yVimui6L",
		"12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx",
	} {
		id, err := ParseID(s)
		if err != nil {
			t.Fatalf("ParseID(%s): %v", s, err)
		}
		pk, err := id.PublicKey()
		if err != nil {
			t.Fatal(err)
		}
		if pk.Type() != Ed25519 || IDFromPublicKey(pk) != id {
			t.Errorf("%s does not round trip through its key", s)
		}
	}
}

func TestSecp256k1(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(r.UintN(256))
	}
	key, err := Secp256k1FromBytes(secret)
	if err != nil {
		t.Fatal(err)
	}
	id := IDOf(key)
	if id[:5] != "16Uiu" {
		t.Errorf("secp256k1 id %s does not have the usual 16Uiu prefix", id)
	}
	msg := []byte("particle bytes")
	if err := id.Verify(msg, key.Sign(msg)); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := id.Verify([]byte("other"), key.Sign(msg)); err == nil {
		t.Error("Verify accepted a signature of another message")
	}
}

func TestBadIDs(t *testing.T) {
	for _, s := range []string{
		"",
		"not-base58-0OIl",
		"QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N",      // sha256 multihash: key not embedded
		"12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4", // truncated
	} {
		if _, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q) succeeded", s)
		}
	}
	if _, err := ParseID("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"); !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("hashed id: %v, want ErrUnsupportedKey", err)
	}
}

func TestGenerate(t *testing.T) {
	key, err := GenerateEd25519(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Ed25519FromSeed(key.Raw())
	if IDOf(key) != IDOf(again) {
		t.Error("a key rebuilt from its seed has another id")
	}
	if _, err := GenerateEd25519(bytes.NewReader(nil)); err == nil {
		t.Error("generate from an empty reader succeeded")
	}
}

func FuzzPublicKey(f *testing.F) {
	f.Add("12D3KooWANqfCDrV79MZdMnMqTvDdqSAPSxdgFY1L6DCq2DVGB4D")
	f.Add("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY")
	f.Add("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
	f.Fuzz(func(t *testing.T, s string) {
		pk, err := ID(s).PublicKey()
		if err != nil {
			return
		}
		if _, err := ParseID(string(IDFromPublicKey(pk))); err != nil {
			t.Fatalf("re-encoded id does not parse: %v", err)
		}
	})
}
