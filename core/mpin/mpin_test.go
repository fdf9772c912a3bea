package mpin

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// samples are values of every MessagePack type, nested.
func samples(t testing.TB) [][]byte {
	t.Helper()
	values := []any{
		nil, true, false, 0, 1, -1, 127, -32, 200, -200, 1 << 20, -1 << 20, uint64(1) << 40, int64(-1) << 40,
		float32(1.5), 2.5, "", "short", string(bytes.Repeat([]byte("x"), 300)), string(bytes.Repeat([]byte("y"), 70000)),
		[]byte{}, []byte{1, 2, 3}, bytes.Repeat([]byte{7}, 300), bytes.Repeat([]byte{8}, 70000),
		[]any{}, []any{1, "a", []any{nil, map[string]any{"k": []byte{1}}}}, make([]any, 20), make([]any, 70000),
		map[string]any{}, map[string]any{"a": 1, "b": map[string]any{"c": []any{1, 2}}},
		&msgpack.RawMessage{0xd4, 1, 2}, &msgpack.RawMessage{0xd5, 1, 2, 3}, &msgpack.RawMessage{0xd6, 1, 2, 3, 4, 5},
		&msgpack.RawMessage{0xd7, 1, 2, 3, 4, 5, 6, 7, 8, 9}, append(msgpack.RawMessage{0xd8, 1}, make([]byte, 16)...),
		&msgpack.RawMessage{0xc7, 2, 9, 1, 2}, &msgpack.RawMessage{0xc8, 0, 2, 9, 1, 2}, &msgpack.RawMessage{0xc9, 0, 0, 0, 2, 9, 1, 2},
	}
	m := make(map[string]any, 20)
	for i := range 20 {
		m[string(rune('a'+i))] = i
	}
	values = append(values, m)
	var out [][]byte
	for _, v := range values {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		out = append(out, b)
	}
	return out
}

// libraryLen is how many bytes the library's Skip passes over at the
// start of b, or -1 where it fails.
func libraryLen(b []byte) int {
	r := bytes.NewReader(b)
	if err := msgpack.NewDecoder(r).Skip(); err != nil {
		return -1
	}
	return len(b) - r.Len()
}

func ourLen(b []byte) (int, error) {
	r := NewReader(b)
	err := r.Skip()
	return len(b) - r.Len(), err
}

func TestSkipPassesOverEveryType(t *testing.T) {
	for _, b := range samples(t) {
		trailer := append(append([]byte(nil), b...), 0xc3)
		got, err := ourLen(trailer)
		if err != nil || got != len(b) {
			t.Errorf("% x…: skipped %d bytes (%v), want %d", b[:min(len(b), 8)], got, err, len(b))
		}
		if lib := libraryLen(trailer); lib != len(b) {
			t.Errorf("% x…: the library skipped %d bytes, want %d", b[:min(len(b), 8)], lib, len(b))
		}
	}
}

func TestSkipNestsWithoutStack(t *testing.T) {
	// The library's Skip recurses once a level: it exhausts a stack of
	// 8 MB on this, as it exhausts the default 1 GB on 20 MB of nesting (a
	// fatal error). Ours passes over it.
	defer debug.SetMaxStack(debug.SetMaxStack(8 << 20))
	b := append(bytes.Repeat([]byte{0x91}, 1<<20), 0x01)
	if got, err := ourLen(b); err != nil || got != len(b) {
		t.Fatalf("skipped %d of %d bytes: %v", got, len(b), err)
	}
	// Without its innermost value it is a false claim.
	if _, err := ourLen(b[:len(b)-1]); !errors.Is(err, ErrClaim) {
		t.Errorf("nesting that ends early: error = %v, want ErrClaim", err)
	}
}

// threeGB is a header of code claiming 3 GB, then a few bytes.
func threeGB(code byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{code}, 3<<30), "a few bytes"...)
}

func TestClaimsCostWhatTheyHold(t *testing.T) {
	read := map[string]func(*Reader) error{
		"String": func(r *Reader) error { _, err := r.String(); return err },
		"Bytes":  func(r *Reader) error { _, err := r.Bytes(); return err },
		"View":   func(r *Reader) error { _, err := r.View(); return err },
		"Skip":   (*Reader).Skip,
		"MapLen": func(r *Reader) error { _, err := r.MapLen(); return err },
		"ArrayLen": func(r *Reader) error {
			_, err := r.ArrayLen()
			return err
		},
	}
	codes := map[string][]byte{
		"String": {0xdb, 0xc6}, "Bytes": {0xdb, 0xc6}, "View": {0xdb, 0xc6}, "Skip": {0xdb, 0xc6, 0xdd, 0xdf, 0xc9},
		"MapLen": {0xdf}, "ArrayLen": {0xdd},
	}
	for name, f := range read {
		for _, code := range codes[name] {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 100 {
				if err := f(NewReader(threeGB(code))); !errors.Is(err, ErrClaim) {
					t.Fatalf("%s of 0x%02x claiming 3 GB: error = %v, want ErrClaim", name, code, err)
				}
			}
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > 256<<10 {
				t.Errorf("%s of 0x%02x: 100 claims of 3 GB allocated %d bytes", name, code, got)
			}
		}
	}
}

func TestStringsAndBytes(t *testing.T) {
	b, _ := msgpack.Marshal([]any{"text", []byte{1, 2}, nil, "key", "after"})
	r := NewReader(b)
	if n, err := r.ArrayLen(); n != 5 || err != nil {
		t.Fatalf("ArrayLen = %d, %v", n, err)
	}
	if s, err := r.String(); s != "text" || err != nil {
		t.Errorf("String = %q, %v", s, err)
	}
	if got, err := r.Bytes(); !bytes.Equal(got, []byte{1, 2}) || err != nil {
		t.Errorf("Bytes = %v, %v", got, err)
	}
	if got, err := r.Bytes(); got != nil || err != nil {
		t.Errorf("Bytes of nil = %v, %v", got, err)
	}
	// A view is the input's own bytes, and appending to it cannot
	// overwrite what follows.
	view, err := r.View()
	if string(view) != "key" || err != nil || &view[0] != &b[len(b)-9] {
		t.Errorf("View = %q, %v, not a view of the input", view, err)
	}
	_ = append(view, "XXXXX"...)
	if s, err := r.String(); s != "after" || err != nil {
		t.Errorf("String after a view = %q, %v", s, err)
	}
	if r.Len() != 0 {
		t.Errorf("%d bytes left", r.Len())
	}
}

// FuzzSkip checks Skip against the library's on inputs shallow enough
// for the library: both pass over the same bytes, or both fail.
func FuzzSkip(f *testing.F) {
	for _, b := range samples(f) {
		if len(b) < 1024 {
			f.Add(b)
		}
	}
	f.Add(threeGB(0xc6))
	f.Add(append(bytes.Repeat([]byte{0x91}, 100), 0x01))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return // deeper nesting than this is ours alone to pass over
		}
		got, err := ourLen(b)
		want := libraryLen(b)
		if (err == nil) != (want >= 0) || err == nil && got != want {
			t.Fatalf("% x: skipped %d (%v), the library %d", b, got, err, want)
		}
	})
}
