package data

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// sample builds data with every kind of state and store object.
func sample(t testing.TB) *Data {
	d := New()
	d.InterpreterVersion = "0.62.0"
	d.LastCallID = 3
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	id := string(peer.IDFromPublicKey(peer.Ed25519PublicKey(key.Public().(ed25519.PublicKey))))
	tet := d.Stores.AddTetraplet(Tetraplet{PeerPK: id, ServiceID: "s", FunctionName: "f"})
	sr := d.Stores.AddServiceResult(ServiceResult{ValueCID: d.Stores.AddValue(value.MustParse(`{"a":[1,2.5,"x"]}`)), TetrapletCID: tet})
	el := d.Stores.AddCanonElement(CanonElement{ValueCID: d.Stores.AddValue("e"), TetrapletCID: tet, Provenance: Provenance{Kind: FromServiceResult, CID: sr}})
	cr := d.Stores.AddCanonResult(CanonResult{TetrapletCID: d.Stores.AddTetraplet(Tetraplet{PeerPK: id}), Values: []CID{el}})
	d.Trace = []State{
		&Par{Left: 2, Right: 1},
		&Call{Kind: CallSent, Peer: id, HasID: true, ID: 3},
		&Call{Kind: CallScalar, CID: sr},
		&Call{Kind: CallStream, CID: sr, Gen: 1},
		&Fold{Lore: []Iteration{{ValuePos: 3, Before: Subtrace{Pos: 5, Len: 1}, After: Subtrace{Pos: 6, Len: 0}}}},
		&Ap{Gen: 0},
		&Canon{CID: cr},
		&Canon{Sent: true, Peer: id},
		&Call{Kind: CallUnused, CID: d.Stores.AddValue(1)},
	}
	d.Sign(key, id, "particle")
	return d
}

func TestRoundTrip(t *testing.T) {
	d := sample(t)
	b, err := Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.CheckStores(); err != nil {
		t.Fatal(err)
	}
	if err := back.VerifySignatures("particle"); err != nil {
		t.Fatal(err)
	}
	if err := back.VerifySignatures("another particle"); !errors.Is(err, ErrSignature) {
		t.Errorf("signature verified for another particle: %v", err)
	}
	again, err := Encode(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Error("encoding is not canonical: decode and encode changed the bytes")
	}
}

// TestSampleFile keeps testdata/sample.avmdata, the encoded sample the
// command line tests read, in step with the format.
func TestSampleFile(t *testing.T) {
	b, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "sample.avmdata")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s is out of date; run with UPDATE_GOLDEN=1", file)
	}
}

func TestDumpGolden(t *testing.T) {
	d := sample(t)
	d.Signatures = map[string]Signature{} // signatures of this key are stable, but keep the golden short
	got, err := DumpJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "sample.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("dump differs from %s:\n%s", golden, got)
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	// The inner archive ends the envelope, and its root ends the archive.
	root := len(good) - rootSize
	tamper := func(f func(b []byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"garbage", []byte("not data"), ErrEnvelope},
		{"old interpreter", bytes.Replace(good, []byte("0.62.0"), []byte("0.60.9"), 1), ErrUnsupportedVersion},
		{"not a version", bytes.Replace(good, []byte("0.62.0"), []byte("0.62.x"), 1), ErrEnvelope},
		{"missing inner data", bytes.Replace(good, []byte("inner_data"), []byte("inner_dat_"), 1), ErrEnvelope},
		{"truncated", good[:len(good)/2], ErrEnvelope},
		{"trailing bytes", append(bytes.Clone(good), 0), ErrEnvelope},
		{"trace pointer out of bounds", tamper(func(b []byte) { b[root] = 0x7f }), ErrArchive},
		{"trace longer than the archive", tamper(func(b []byte) { b[root+4] = 0x7f }), ErrArchive},
		{"unknown state tag", tamper(func(b []byte) { b[root+int(int32(binary.BigEndian.Uint32(b[root:])))] = 9 }), ErrArchive},
		{"value that does not hash to its CID", bytes.Replace(good, []byte(`2.5`), []byte(`2.6`), 1), ErrStore},
		{"tetraplet that does not hash to its CID", bytes.Replace(good, []byte{'s', 0, 0, 0, 0, 0, 0, 1}, []byte{'t', 0, 0, 0, 0, 0, 0, 1}, 1), ErrStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			if err == nil {
				t.Fatal("decoded")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	d := sample(t)
	orphan := d.Stores.AddValue("orphan")
	d.Prune()
	if _, ok := d.Stores.Values[orphan]; ok {
		t.Error("an unreferenced value survived")
	}
	if err := d.CheckStores(); err != nil {
		t.Errorf("prune dropped a referenced object: %v", err)
	}
}

func TestMergeSignatures(t *testing.T) {
	a := sample(t)
	b := sample(t)
	if _, err := MergeSignatures(a, b); err != nil {
		t.Fatalf("identical data: %v", err)
	}
	// b's peer now claims, and signs, a different set of the same size.
	changeResult(b)
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	b.Sign(key, b.Trace[1].(*Call).Peer, "particle")
	if err := b.VerifySignatures("particle"); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeSignatures(a, b); !errors.Is(err, ErrSignature) {
		t.Errorf("contradicting sets merged: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	good, err := Encode(sample(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte{})
	// known holds only objects under their true CIDs: trusting them
	// cannot change what is accepted.
	known, err := Decode(good)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// A peer's own data is read with fewer checks, and must not
		// panic either.
		_, _ = DecodeOwn(in)
		d, err := Decode(in)
		if _, errAfter := DecodeAfter(in, known); (err == nil) != (errAfter == nil) {
			t.Fatalf("Decode: %v; DecodeAfter genuine known data: %v", err, errAfter)
		}
		if err != nil {
			return
		}
		// Whatever decodes must survive the checks and re-encode.
		_ = d.CheckStores()
		_ = d.VerifySignatures("particle")
		if _, err := Encode(d); err != nil {
			t.Fatalf("decoded data does not encode: %v", err)
		}
	})
}

// TestDecodeOwn reads a peer's own data as Decode does, without parsing
// its values again.
func TestDecodeOwn(t *testing.T) {
	b, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	full, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	own, err := DecodeOwn(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(own, full) {
		t.Errorf("DecodeOwn = %+v, want %+v", own, full)
	}
	if _, err := DecodeOwn(b[:len(b)-1]); err == nil {
		t.Error("DecodeOwn read truncated data")
	}
}

// Decoded data owns its bytes: the caller may reuse the buffer it decoded
// from, and appending to a decoded value does not write into the bytes
// the data's strings are read from.
func TestDecodedDataOwnsItsBytes(t *testing.T) {
	enc, err := Encode(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.Clone(enc)
	d, err := Decode(buf)
	if err != nil {
		t.Fatal(err)
	}
	clear(buf)
	for c, v := range d.Stores.Values {
		_ = append(v, bytes.Repeat([]byte{'x'}, 64)...)
		if !HasCID(v, c) {
			t.Fatalf("value %s changed", c)
		}
	}
	again, err := Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, enc) {
		t.Fatal("the decoded data changed with the buffer it was decoded from, or with an append to a value")
	}
}

// DecodeAfter hashes again only the objects the known data does not hold
// as they are: an object whose CID known vouches for, with the same
// content, is taken as it is (shown here with CIDs that do not hash to
// their objects, which Decode rejects); an object under a known CID but
// with other content is checked, and rejected.
func TestDecodeAfter(t *testing.T) {
	const bogus = CID("bagaaihrabogusbogusbogusbogusbogusbogusbogusbogusbogusbogu")
	tet := Tetraplet{PeerPK: "peer", ServiceID: "svc", FunctionName: "fn"}
	sr := ServiceResult{ValueCID: bogus, ArgumentHash: bogus, TetrapletCID: bogus}
	el := CanonElement{ValueCID: bogus, TetrapletCID: bogus}
	cr := CanonResult{TetrapletCID: bogus, Values: []CID{bogus}}
	// with is data whose every store holds one object under the bogus CID,
	// changed by change.
	with := func(change func(*Stores)) *Data {
		d := New()
		d.InterpreterVersion = "0.62.0"
		d.Stores.Values[bogus] = []byte(`"value"`)
		d.Stores.Tetraplets[bogus] = tet
		d.Stores.ServiceResults[bogus] = sr
		d.Stores.CanonElements[bogus] = el
		d.Stores.CanonResults[bogus] = cr
		change(&d.Stores)
		return d
	}
	encode := func(d *Data) []byte {
		b, err := Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	known := with(func(*Stores) {})
	same := encode(known)
	if _, err := Decode(same); !errors.Is(err, ErrStore) {
		t.Fatalf("Decode of objects under CIDs they do not hash to: %v, want %v", err, ErrStore)
	}
	if _, err := DecodeAfter(same, known); err != nil {
		t.Fatalf("DecodeAfter of the objects known holds: %v", err)
	}
	for name, change := range map[string]func(*Stores){
		"value":          func(s *Stores) { s.Values[bogus] = []byte(`"other"`) },
		"tetraplet":      func(s *Stores) { s.Tetraplets[bogus] = Tetraplet{PeerPK: "other"} },
		"service result": func(s *Stores) { s.ServiceResults[bogus] = ServiceResult{ValueCID: bogus} },
		"canon element":  func(s *Stores) { s.CanonElements[bogus] = CanonElement{ValueCID: bogus} },
		"canon result":   func(s *Stores) { s.CanonResults[bogus] = CanonResult{TetrapletCID: bogus} },
	} {
		if _, err := DecodeAfter(encode(with(change)), known); !errors.Is(err, ErrStore) {
			t.Errorf("a %s under a known CID but not the known one: %v, want %v", name, err, ErrStore)
		}
	}
}
