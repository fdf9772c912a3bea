package data

import (
	"bytes"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
	zblake3 "github.com/zeebo/blake3"
)

// TestCIDVectors checks CIDs against those the reference interpreter
// computes for the same values.
func TestCIDVectors(t *testing.T) {
	tests := []struct {
		json string
		cid  CID
	}{
		{`"test"`, "bagaaihrarcyykpv4oj7zwdbepczyfthxya4og7s2rwvrzolm5kg2eu5dz3xa"},
		{`[1,2,3]`, "bagaaihram6sitn77tquub77n2jzjgttrlwkverv44pv3gns6qghm6hx6d36a"},
		{`1`, "bagaaihra2y55tkbgv6i4d7vdoglfuzhbd3ra6e7ennpvfrmzaejwmbntusdq"},
		{`{"key":42}`, "bagaaihracpzxhsrpviexa7k6glwdhyh3a4kvy6j7qlcqokzqbs3q424cmxyq"},
		{`42`, "bagaaihra3ijwi5gxk5odex3qfo32u5prci4giaz4ysel67m4a5hk3l432djq"},
		{`43`, "bagaaihrahhyeotni37z6kds47boxa2llqffxlz4vqt7jbt76jeimm6eu7uhq"},
	}
	for _, tt := range tests {
		st := NewStores()
		if got := st.AddValue(value.MustParse(tt.json)); got != tt.cid {
			t.Errorf("CID(%s) = %s, want %s", tt.json, got, tt.cid)
		}
	}
}

// TestDigestOfLongTexts: texts from longText on are hashed by another
// BLAKE3 implementation; both must give the same digest at and around
// the switch, and far past it.
func TestDigestOfLongTexts(t *testing.T) {
	for _, n := range []int{longText - 1, longText, longText + 1, 3*longText + 17, 1 << 20} {
		text := bytes.Repeat([]byte("aquarium "), n/9+1)[:n]
		if got, want := digest(text), zblake3.Sum256(text); got != want {
			t.Errorf("%d bytes: digest %x, want %x", n, got, want)
		}
	}
}
