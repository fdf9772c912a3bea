package data

import "testing"

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
