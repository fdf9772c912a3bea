package data

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The files in testdata/reference are data the reference interpreter,
// avm.wasm 0.62, wrote for particle "particle-1" (see marine/avmwasm for
// how they are made). They pin the format from the other side: whatever
// this package writes, it must read what the reference writes, verify
// the reference's signatures and, where the reference's hash maps held
// one entry each and so had no order of their own, write the very same
// bytes back.

func TestReferenceData(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "reference", "*.avmdata"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference data: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if d.InterpreterVersion != "0.62.0" {
				t.Errorf("interpreter version %q, want 0.62.0", d.InterpreterVersion)
			}
			if err := d.CheckStores(); err != nil {
				t.Fatal(err)
			}
			if len(d.Signatures) == 0 {
				t.Fatal("no signatures")
			}
			if err := d.VerifySignatures("particle-1"); err != nil {
				t.Errorf("the reference's signatures: %v", err)
			}
			if err := d.VerifySignatures("particle-2"); err == nil {
				t.Error("the reference's signatures verified for another particle")
			}
			out, err := Encode(d)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Decode(out)
			if err != nil {
				t.Fatalf("our encoding of the reference's data: %v", err)
			}
			d1, _ := DumpJSON(d)
			d2, _ := DumpJSON(again)
			if !bytes.Equal(d1, d2) {
				t.Errorf("data changed through our encoding:\n%s\nwant\n%s", d2, d1)
			}
			if singleEntryStores(d) && !bytes.Equal(out, b) {
				t.Errorf("the reference's data with no map order of its own re-encodes to other bytes")
			}
		})
	}
}

// singleEntryStores reports whether every hash map of the data holds at
// most one entry, so that the reference's random map order cannot show.
func singleEntryStores(d *Data) bool {
	st := &d.Stores
	return len(st.Values) <= 1 && len(st.Tetraplets) <= 1 && len(st.ServiceResults) <= 1 &&
		len(st.CanonElements) <= 1 && len(st.CanonResults) <= 1 && len(d.Signatures) <= 1
}

// TestReferenceDump checks that the dump of reference data has the
// shape of the reference's own to_human_readable_data.
func TestReferenceDump(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "reference", "one-call.avmdata"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DumpJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "reference", "one-call.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) {
		t.Errorf("dump:\n%s\nthe reference's:\n%s", got, want)
	}
}
