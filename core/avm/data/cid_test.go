package data

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
	"lukechampine.com/blake3"
	"lukechampine.com/blake3/guts"
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

// TestDigestVectors checks the digest around BLAKE3's block (64 bytes) and
// chunk (1 KiB) boundaries and the pieces digest hashes a long text in,
// where an implementation changes how it hashes, and far past them. The empty text's digest is BLAKE3's
// published one.
func TestDigestVectors(t *testing.T) {
	tests := []struct {
		n   int
		hex string
	}{
		{0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"},
		{63, "50b72beec8531e31b99d9873e3ddbdc06c04d2953e3d2df4cfc05e599bdc11a5"},
		{64, "00606f2e274b30412a67119ef482ce2fa6fb639de4b616f16ea869373b922303"},
		{65, "825461577429c81b9d196b1210f23def0e74878eaef0786e1065bf31f703c6cb"},
		{1023, "3a68de117e0c9db6087674f8fbaf93c12564b2440bcd1e84214597033040da4a"},
		{1024, "875a89eb7ddf1267671f4162a402aeb6bd4b1ca48a2b0b36907108d18b8442ae"},
		{1025, "8c92ba78045b5786baa0b1b13e81c81a5aaefa686a62ded273aa3ceca5f81fcc"},
		{3089, "9ea35f5c687b18cdc4730608cd69e52c43bc67cdbca7b6dcd17da7e4b10643b3"},
		// Around serialHash, where a long text is hashed in pieces.
		{serialHash - 1, "7a91e3fefc21b597fc2a2343dc8891f6ae2b9dc20ddd47cbd8563247227c78ab"},
		{serialHash, "b39f7da4b29e4e67d6c4ea1edd50034909f98734a48ec7a1aa1b4b0f5d894b14"},
		{serialHash + 1, "3395cd5f9b207d0acc631ee6ebe755ce7f0beeebac537a6285b50086f6c82974"},
		{3*serialHash + 17, "93e507f52d13560c593379d98cd5c93542b748e6413780b5df4a18a212aed7cf"},
		{1 << 20, "b1a0b0ba4fb5339df7d3dbb67beb28d6d8d990d4c5ae44446752c910b96ee96b"},
	}
	for _, tt := range tests {
		text := bytes.Repeat([]byte("aquarium "), tt.n/9+1)[:tt.n]
		if got := digest(text); hex.EncodeToString(got[:]) != tt.hex {
			t.Errorf("%d bytes: digest %x, want %s", tt.n, got, tt.hex)
		}
	}
}

// TestChunkDigestAgreesWithBLAKE3 compares the block-by-block digest of
// texts up to a chunk with the library's at every length, and objectCID
// with ComputeCID on either side of the chunk.
func TestChunkDigestAgreesWithBLAKE3(t *testing.T) {
	text := make([]byte, 2*guts.ChunkSize)
	for i := range text {
		text[i] = byte(i*7 + i>>8)
	}
	for n := 0; n <= guts.ChunkSize; n++ {
		if got, want := chunkDigest(text[:n]), blake3.Sum256(text[:n]); got != want {
			t.Fatalf("%d bytes: %x, want %x", n, got, want)
		}
	}
	for _, n := range []int{0, 1, guts.ChunkSize - 1, guts.ChunkSize, guts.ChunkSize + 1, 2 * guts.ChunkSize} {
		if got, want := objectCID(text[:n]), ComputeCID(text[:n]); got != want {
			t.Errorf("%d bytes: objectCID %s, want %s", n, got, want)
		}
	}
}

// The CID of a store object, whose canonical text is built on the stack,
// allocates only the CID.
func TestObjectCIDAllocatesOnlyTheCID(t *testing.T) {
	r := ServiceResult{ValueCID: ComputeCID([]byte("1")), ArgumentHash: ComputeCID([]byte("[1]")), TetrapletCID: ComputeCID([]byte("{}"))}
	if n := testing.AllocsPerRun(100, func() { r.cid() }); n != 1 {
		t.Errorf("a service result's CID takes %v allocations, want 1", n)
	}
}
