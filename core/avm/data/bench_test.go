package data

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// BenchmarkEncode and BenchmarkDecode measure the codec on data with
// every kind of state and store object. Every hop of a particle decodes
// two of these and encodes one.
func BenchmarkEncode(b *testing.B) {
	d := sample(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	enc, err := Encode(sample(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedMessage measures building what a peer signs over its
// results, which every hop does for each peer it verifies or signs for.
func BenchmarkSignedMessage(b *testing.B) {
	d := sample(b)
	cids := d.PeerCIDs()
	var peer string
	for p := range cids {
		peer = p
	}
	b.ReportAllocs()
	for b.Loop() {
		SignedMessage("3b4a7a52-2f5e-4d0f-9c3e-0d5b6a1f2e3c", cids[peer])
	}
}

// bigData builds about 1 MB of data as a peer holds it after a thousand
// calls on a few peers: a trace of par and call states, each result with
// its value, tetraplet and service result, a canon over all of them and
// the peers' signatures.
func bigData(b *testing.B) *Data {
	d := New()
	d.InterpreterVersion = "0.62.0"
	keys := make([]ed25519.PrivateKey, 4)
	ids := make([]string, len(keys))
	for i := range keys {
		keys[i] = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i + 1)}, 32))
		ids[i] = string(peer.IDFromPublicKey(peer.Ed25519PublicKey(keys[i].Public().(ed25519.PublicKey))))
	}
	var elements []CID
	for i := 0; i%100 != 0 || d.size() < 1<<20; i++ {
		tet := d.Stores.AddTetraplet(Tetraplet{PeerPK: ids[i%len(ids)], ServiceID: "service", FunctionName: fmt.Sprintf("f%d", i%10)})
		v := d.Stores.AddValue(value.MustParse(fmt.Sprintf(`{"i":%d,"name":"value %d","tags":["a","b","c"],"score":%d.5}`, i, i, i)))
		args := ComputeCID([]byte(fmt.Sprintf(`[%d]`, i)))
		sr := d.Stores.AddServiceResult(ServiceResult{ValueCID: v, ArgumentHash: args, TetrapletCID: tet})
		d.Trace = append(d.Trace, &Par{Left: 1, Right: 0}, &Call{Kind: CallStream, CID: sr, Gen: uint32(i)})
		elements = append(elements, d.Stores.AddCanonElement(CanonElement{ValueCID: v, TetrapletCID: tet, Provenance: Provenance{Kind: FromServiceResult, CID: sr}}))
	}
	cr := d.Stores.AddCanonResult(CanonResult{TetrapletCID: d.Stores.AddTetraplet(Tetraplet{PeerPK: ids[0]}), Values: elements})
	d.Trace = append(d.Trace, &Canon{CID: cr})
	for i, k := range keys {
		d.Sign(k, ids[i], "particle")
	}
	return d
}

// size is the length of d's encoding.
func (d *Data) size() int {
	b, _ := Encode(d)
	return len(b)
}

// BenchmarkCodec1MB encodes and decodes about 1 MB of data: as received
// from another peer (every store entry hashed again), as a peer's own,
// and as received by a peer that knows all it holds.
func BenchmarkCodec1MB(b *testing.B) {
	d := bigData(b)
	enc, err := Encode(d)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Encode(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode-own", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeOwn(enc); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same data coming back to a peer that holds all of it: what
	// comes back is checked against what the peer knows, not hashed.
	b.Run("decode-after", func(b *testing.B) {
		b.SetBytes(int64(len(enc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := DecodeAfter(enc, d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
