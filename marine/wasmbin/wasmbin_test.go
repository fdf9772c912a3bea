package wasmbin_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/wasmbin"
)

// empty is the smallest valid module: the header alone.
var empty = []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

// withType is a module with one type section (func () -> ()).
var withType = append(append([]byte{}, empty...), 0x01, 0x04, 0x01, 0x60, 0x00, 0x00)

func TestSetCustomSection(t *testing.T) {
	b, err := wasmbin.SetCustomSection(withType, "interface-types", []byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err = wasmbin.SetCustomSection(b, "__fluence_sdk_version", []byte("0.14.0"))
	if err != nil {
		t.Fatal(err)
	}
	// Setting a section again replaces it rather than adding a second one.
	b, err = wasmbin.SetCustomSection(b, "interface-types", []byte{4, 5})
	if err != nil {
		t.Fatal(err)
	}
	secs, err := wasmbin.Sections(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 3 || secs[0].ID != 1 {
		t.Fatalf("sections = %+v, want the type section then two custom ones", secs)
	}
	it, _ := wasmbin.CustomSections(b, "interface-types")
	if len(it) != 1 || !bytes.Equal(it[0], []byte{4, 5}) {
		t.Errorf("interface-types = %v, want one section [4 5]", it)
	}
	v, _ := wasmbin.CustomSections(b, "__fluence_sdk_version")
	if len(v) != 1 || string(v[0]) != "0.14.0" {
		t.Errorf("__fluence_sdk_version = %q, want 0.14.0", v)
	}
}

func TestSectionsErrors(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"not wasm", []byte("hello world"), "not a WebAssembly"},
		{"size past end", append(append([]byte{}, empty...), 0x01, 0x10, 0x00), "runs past the end"},
		{"truncated size", append(append([]byte{}, empty...), 0x01, 0x80), "truncated"},
		{"name past section", append(append([]byte{}, empty...), 0x00, 0x02, 0x05, 'a'), "name runs past"},
		{"size overflow", append(append([]byte{}, empty...), 0x01, 0xff, 0xff, 0xff, 0xff, 0x7f), "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wasmbin.Sections(tt.input)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Sections() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := wasmbin.Sections([]byte("nope")); !errors.Is(err, wasmbin.ErrNotWasm) {
		t.Errorf("error %v is not ErrNotWasm", err)
	}
}

func FuzzSections(f *testing.F) {
	f.Add(withType)
	if b, err := wasmbin.SetCustomSection(withType, "x", []byte("data")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		secs, err := wasmbin.Sections(b)
		if err != nil {
			return
		}
		out, err := wasmbin.SetCustomSection(b, "fuzz", []byte{1})
		if err != nil {
			t.Fatalf("SetCustomSection on a parsed module: %v", err)
		}
		again, err := wasmbin.Sections(out)
		if err != nil {
			t.Fatalf("parsing the rewritten module: %v", err)
		}
		kept := 0
		for _, s := range secs {
			if !(s.ID == 0 && s.Name == "fuzz") {
				kept++
			}
		}
		if len(again) != kept+1 {
			t.Fatalf("rewritten module has %d sections, want %d", len(again), kept+1)
		}
	})
}
