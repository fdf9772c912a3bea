package data

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestEnvelopeClaimsCostWhatTheyHold decodes, again and again, envelopes
// whose fields claim gigabytes they do not hold: an unknown key's value,
// a key, the version string and the inner data. Each must fail having
// allocated what it holds, however many came before: a decoder that kept
// the buffer a claim grew would grow it on every input.
func TestEnvelopeClaimsCostWhatTheyHold(t *testing.T) {
	var claim uint32 = 3 << 30
	hostile := func(key string, code byte) []byte {
		b := []byte{0x81, 0xa0 | byte(len(key))} // a map of one entry, and its key
		b = append(b, key...)
		b = append(b, code) // str32 or bin32, and its length
		b = binary.BigEndian.AppendUint32(b, claim)
		return append(b, "only a few bytes follow"...)
	}
	inputs := [][]byte{hostile("unknown", 0xc6), hostile("unknown", 0xdf), hostile("version", 0xdb),
		hostile("inner_data", 0xc6), []byte("\x83\xdb0000 a key claiming 808 MB")}
	for _, in := range inputs {
		for round := range 200 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Decode(in)
			_, errOwn := DecodeOwn(in)
			runtime.ReadMemStats(&after)
			if err == nil || errOwn == nil {
				t.Fatalf("a claim of %d bytes decoded", claim)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
				t.Fatalf("input %q, round %d: decoding allocated %d bytes", in[:12], round, n)
			}
		}
	}
}

// TestDeepUnknownKey: an envelope key this version does not know is
// skipped however deeply its value nests. The msgpack library's Skip
// recurses once a level and exhausts the Go stack on 20 MB of nesting, a
// fatal error that would take a node down with the particle. Here a
// megabyte of nesting does it to a stack limited to 8 MB.
func TestDeepUnknownKey(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(8 << 20))
	d := New()
	d.InterpreterVersion = "0.62.0"
	good, err := Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	deep := append([]byte{0xa5, 'e', 'x', 't', 'r', 'a'}, bytes.Repeat([]byte{0x91}, 1<<20)...)
	in := append([]byte{good[0] + 1}, deep...)
	in = append(append(in, 0x01), good[1:]...)
	if _, err := Decode(in); err != nil {
		t.Fatalf("an envelope with a deep unknown key: %v", err)
	}
}
