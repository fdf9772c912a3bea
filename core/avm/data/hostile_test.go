package data

import (
	"encoding/binary"
	"runtime"
	"testing"
)

// TestEnvelopeClaimsCostWhatTheyHold decodes, again and again, envelopes
// whose fields claim gigabytes they do not hold: an unknown key's value,
// the version string and the inner data. Each must fail having allocated
// a few megabytes at most, however many came before: a decoder that kept
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
	inputs := [][]byte{hostile("unknown", 0xc6), hostile("version", 0xdb), hostile("inner_data", 0xc6)}
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
			if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
				t.Fatalf("input %q, round %d: decoding allocated %d MB", in[:12], round, n>>20)
			}
		}
	}
}
