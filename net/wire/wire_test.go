package wire

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/google/go-cmp/cmp"
)

// referenceFrame is the reference node's codec test vector: a frame as the
// JavaScript client writes it, with the signature and data as integer
// arrays.
const referenceFrame = "zwKBBIimYWN0aW9uqFBhcnRpY2xlpGRhdGGQomlk2SRkMjA1ZDE0OC00Y2YxLTRlNzYtOGY2ZS1m" +
	"Y2U5ODEwZjVlNmOsaW5pdF9wZWVyX2lk2TQxMkQzS29vV0xMRjdnUUtiNzd4WEhWWm4zS1hhMTR4cDNSQmlBa2JuSzJV" +
	"QlJwRGFSOEtipnNjcmlwdNk5KGNhbGwgJWluaXRfcGVlcl9pZCUgKCJnZXREYXRhU3J2IiAiLXJlbGF5LSIpIFtdIC1y" +
	"ZWxheS0pqXNpZ25hdHVyZdwAQG/MtlwBTizM4UtycW3M4DzM9RPMtsyYGsyNbcy5Msy/zO/MvHoyzL9nFTV4zNgfzNUW" +
	"zPDMwk7M08zwzMDMoszcFMyqeRnMyD/M9cyXEcz9zJzM8syNzIHM2czNzLXMnMznCql0aW1lc3RhbXDPAAABi/IqldOj" +
	"dHRsAA=="

var referenceParticle = &particle.Particle{
	ID:         "d205d148-4cf1-4e76-8f6e-fce9810f5e6c",
	InitPeerID: "12D3KooWLLF7gQKb77xXHVZn3KXa14xp3RBiAkbnK2UBRpDaR8Kb",
	Timestamp:  1700574959059,
	TTL:        0,
	Script:     `(call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)`,
	Signature: []byte{
		111, 182, 92, 1, 78, 44, 225, 75, 114, 113, 109, 224, 60, 245, 19, 182, 152, 26,
		141, 109, 185, 50, 191, 239, 188, 122, 50, 191, 103, 21, 53, 120, 216, 31, 213, 22,
		240, 194, 78, 211, 240, 192, 162, 220, 20, 170, 121, 25, 200, 63, 245, 151, 17,
		253, 156, 242, 141, 129, 217, 205, 181, 156, 231, 10,
	},
	Data: []byte{},
}

func TestDecodeReferenceFrame(t *testing.T) {
	raw, err := base64.StdEncoding.DecodeString(referenceFrame)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFrame(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadFrame: %v", err)
	}
	if d := cmp.Diff(referenceParticle, got); d != "" {
		t.Errorf("particle (-want +got):\n%s", d)
	}
	if err := got.Verify(); err != nil {
		t.Errorf("the reference particle's signature does not verify: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{3}, 32))
	p := &particle.Particle{
		ID: "id-1", InitPeerID: peer.IDOf(key), Timestamp: 1 << 40, TTL: 7000,
		Script: "(null)", Data: []byte{0, 1, 2, 255},
	}
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for range 2 {
		if err := WriteFrame(&buf, p); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for i := range 2 {
		got, err := ReadFrame(r)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Errorf("frame %d (-want +got):\n%s", i, d)
		}
	}
	body := Marshal(p)
	// signature and data are bin (0xc4 = bin8), as the reference node writes them.
	if !bytes.Contains(body, append([]byte("signature\xc4\x40"), p.Signature[:4]...)) {
		t.Error("signature is not encoded as bin 8")
	}
}

func TestDecodeErrors(t *testing.T) {
	good := Marshal(referenceParticle)
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"no prefix", good[2:], "does not start with the msgpack codec prefix"},
		{"not a map", []byte{0x81, 0x04, 0x01}, "not a msgpack map"},
		{"other action", bytes.Replace(good, []byte("\xa8Particle"), []byte("\xa8Upgrades"), 1), `unsupported action "Upgrades"`},
		{"bad peer id", bytes.Replace(good, []byte("12D3KooW"), []byte("12D3KooX"), 1), `field "init_peer_id"`},
		{"truncated", good[:len(good)-3], "field name: msgpack: a length claims more than the input holds"},
		{"a field twice", withFields(good, 9, "\xa3ttl\x00"), `field "ttl" appears twice`},
		{"a new field twice", withFields(good, 10, "\xa5extra\x01\xa5extra\x01"), `field "extra" appears twice`},
		{"a field missing", withFields(bytes.TrimSuffix(good, []byte("\xa4data\xc4\x00")), 7, ""), `missing field "data"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Unmarshal(tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Unmarshal = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0x0f}
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(huge))); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("ReadFrame(huge length) = %v, want ErrFrameTooLarge", err)
	}
}

// withFields returns body, a message of fewer than 16 fields, with its map
// length set to n and extra appended.
func withFields(body []byte, n int, extra string) []byte {
	out := append([]byte(nil), body...)
	out[2] = 0x80 | byte(n)
	return append(out, extra...)
}

// TestNewFieldsAreSkipped accepts fields a newer version may add.
func TestNewFieldsAreSkipped(t *testing.T) {
	p, err := Unmarshal(withFields(Marshal(referenceParticle), 9, "\xa5extra\x01"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(referenceParticle, p); d != "" {
		t.Errorf("particle (-want +got):\n%s", d)
	}
}

func FuzzUnmarshal(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.bin")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Unmarshal(body)
		if err != nil {
			return
		}
		again, err := Unmarshal(Marshal(p))
		if err != nil {
			t.Fatalf("re-encoded particle does not decode: %v", err)
		}
		if d := cmp.Diff(p, again); d != "" {
			t.Fatalf("round trip differs:\n%s", d)
		}
	})
}

// TestReadFrameAllocatesWhatArrives reads frames that announce far more
// than they carry: reading one must cost memory in proportion to the
// bytes that came, not to the length announced.
func TestReadFrameAllocatesWhatArrives(t *testing.T) {
	for _, announced := range []uint64{MaxFrameSize, MaxFrameSize / 2, 1 << 20} {
		frame := binary.AppendUvarint(nil, announced)
		frame = append(frame, Marshal(referenceParticle)[:12]...)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadFrame(bufio.NewReader(bytes.NewReader(frame)))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("announced %d, sent 12: error = %v, want an unexpected EOF", announced, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 256<<10 {
			t.Errorf("announced %d bytes, sent 12: %d bytes allocated, want under 256 KiB", announced, got)
		}
	}
}

func TestReadFrameLimit(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, referenceParticle); err != nil {
		t.Fatal(err)
	}
	size := buf.Len()
	frame := buf.Bytes()
	if _, err := ReadFrameLimit(bufio.NewReader(bytes.NewReader(frame)), size); err != nil {
		t.Errorf("a frame within the limit: %v", err)
	}
	_, err := ReadFrameLimit(bufio.NewReader(bytes.NewReader(frame)), size-10)
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("a frame over the limit: error = %v, want ErrFrameTooLarge", err)
	}
}

// FuzzReadFrame reads arbitrary bytes as a stream of frames, length
// prefixes included: it must neither panic nor allocate for lengths the
// input does not carry, and whatever decodes must encode to a frame that
// decodes to the same particle.
func FuzzReadFrame(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.bin")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(binary.AppendUvarint(nil, uint64(len(b))), b)
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0x2f}, []byte{0x81, 0x04})
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, []byte(nil))
	f.Fuzz(func(t *testing.T, prefix, rest []byte) {
		in := append(append([]byte(nil), prefix...), rest...)
		r := bufio.NewReader(bytes.NewReader(in))
		for range 4 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			p, err := ReadFrame(r)
			runtime.ReadMemStats(&after)
			if got := after.TotalAlloc - before.TotalAlloc; got > uint64(64*len(in))+(1<<20) {
				t.Fatalf("reading %d bytes allocated %d", len(in), got)
			}
			if err != nil {
				return
			}
			var buf bytes.Buffer
			if err := WriteFrame(&buf, p); err != nil {
				t.Fatalf("decoded particle does not encode: %v", err)
			}
			again, err := ReadFrame(bufio.NewReader(&buf))
			if err != nil {
				t.Fatalf("re-encoded frame does not decode: %v", err)
			}
			if d := cmp.Diff(p, again); d != "" {
				t.Fatalf("round trip differs:\n%s", d)
			}
		}
	})
}

// TestClaimsCostWhatTheyHold unmarshals, again and again, messages whose
// byte fields and unknown fields claim gigabytes they do not hold: each
// must fail having allocated a few megabytes at most, however many came
// before.
// TestDeepUnknownField: a field this version does not know is skipped
// however deeply its value nests. Skipping it by recursion, as the
// msgpack library does, exhausts the Go stack on 20 MB of nesting: a
// fatal error that takes the whole node down. Here a megabyte of nesting
// does it to a stack limited to 8 MB.
func TestDeepUnknownField(t *testing.T) {
	defer debug.SetMaxStack(debug.SetMaxStack(8 << 20))
	deep := append(bytes.Repeat([]byte{0x91}, 1<<20), 0x01)
	p, err := Unmarshal(withFields(Marshal(referenceParticle), 9, "\xa5extra"+string(deep)))
	if err != nil {
		t.Fatalf("a particle with a deep unknown field: %v", err)
	}
	if d := cmp.Diff(referenceParticle, p); d != "" {
		t.Errorf("the deep unknown field changed the particle (-want +got):\n%s", d)
	}
}

func TestClaimsCostWhatTheyHold(t *testing.T) {
	var claim uint32 = 3 << 30
	hostile := func(key string, code byte) []byte {
		b := append([]byte(nil), msgpackCodec...)
		b = append(b, 0x81, 0xa0|byte(len(key))) // a map of one entry, and its key
		b = append(b, key...)
		b = append(b, code) // bin32, str32 or array32, and its length
		b = binary.BigEndian.AppendUint32(b, claim)
		return append(b, "only a few bytes follow"...)
	}
	inputs := [][]byte{hostile("data", 0xc6), hostile("signature", 0xc6), hostile("data", 0xdd),
		hostile("script", 0xdb), hostile("unknown", 0xc6), hostile("unknown", 0xdf),
		// the field name itself, a bin32 claiming 808 MB
		append(append([]byte(nil), msgpackCodec...), "\x88\xc60000 a few bytes"...)}
	for _, in := range inputs {
		for round := range 100 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Unmarshal(in)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("a claim of %d bytes unmarshalled", claim)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
				t.Fatalf("input %q, round %d: unmarshalling allocated %d bytes", in[2:14], round, n)
			}
		}
	}
}
