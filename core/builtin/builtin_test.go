package builtin

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

var (
	testKey, _ = peer.Ed25519FromSeed(bytes.Repeat([]byte{1}, 32))
	testHost   = peer.IDOf(testKey)
	testNow    = time.UnixMilli(1_700_000_000_123)
)

type fakeNetwork struct{}

func (fakeNetwork) IsConnected(_ context.Context, id peer.ID) bool  { return id == testHost }
func (fakeNetwork) Connect(context.Context, peer.ID, []string) bool { return true }
func (fakeNetwork) Contact(_ context.Context, id peer.ID) (Contact, bool) {
	if id != testHost {
		return Contact{}, false
	}
	return Contact{PeerID: string(id), Addresses: []string{"/ip4/127.0.0.1/tcp/1"}}, true
}
func (fakeNetwork) Neighborhood(_ context.Context, key []byte, count int) []peer.ID {
	return []peer.ID{testHost}[:min(count, 1)]
}

func newTestSet(console io.Writer) *Set {
	return New(Env{
		Host: testHost, Key: testKey, Now: func() time.Time { return testNow }, Console: console,
		Info:    func() Info { return Info{NodeVersion: "test", AirVersion: "0.62.0"} },
		Network: fakeNetwork{},
	})
}

// call runs service.function with JSON arguments and returns the result as
// JSON, or "error: " and the message.
func call(t *testing.T, s *Set, service, function, args string, init peer.ID) string {
	t.Helper()
	f, ok := s.Lookup(service, function)
	if !ok {
		return "no such function"
	}
	a, err := DecodeArgs([]byte(args))
	if err != nil {
		t.Fatalf("args %s: %v", args, err)
	}
	res, err := f(context.Background(), &Call{Service: service, Function: function, Args: a, Particle: Particle{ID: "p", InitPeerID: init}})
	if err != nil {
		return "error: " + err.Error()
	}
	if res == nil {
		return "empty"
	}
	return Stringify(res)
}

func TestBuiltins(t *testing.T) {
	const other = "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx"
	tests := []struct {
		svc, fn, args, want string
	}{
		{"op", "noop", `[]`, "empty"},
		{"op", "identity", `[]`, "empty"},
		{"op", "identity", `[["x"]]`, `["x"]`},
		{"op", "identity", `[1, 2]`, "error: identity accepts up to 1 arguments, received 2 arguments"},
		{"op", "array", `["a", 1, true]`, `["a",1,true]`},
		{"op", "array", `[]`, `[]`},
		{"op", "array_length", `[[1, 2, 3]]`, `3`},
		{"op", "array_length", `["x"]`, `error: argument 0 (array) of op.array_length must be an array, got string "x"`},
		{"op", "concat", `[[1], [], [2, 3]]`, `[1,2,3]`},
		{"op", "concat", `[[1], 2]`, "error: all arguments of 'concat' must be arrays: argument #1 is not"},
		{"op", "concat_strings", `["a", "b", "c"]`, `"abc"`},
		{"op", "concat_strings", `["a", 1]`, "error: all arguments of 'concat_strings' must be strings: argument #1 is not"},
		{"op", "string_to_b58", `["hello"]`, `"Cn8eVZg"`},
		{"op", "string_from_b58", `["Cn8eVZg"]`, `"hello"`},
		{"op", "string_from_b58", `["0OIl"]`, `error: invalid base58 "0OIl": invalid base58 digit ('0')`},
		{"op", "string_from_b58", `[""]`, `""`},
		{"op", "bytes_from_b58", `[""]`, `[]`},
		{"op", "bytes_to_b58", `[[1, 2, 3]]`, `"Ldp"`},
		{"op", "bytes_from_b58", `["Ldp"]`, `[1,2,3]`},
		{"op", "bytes_to_b58", `[[256]]`, "error: argument 0 (bytes) of op.bytes_to_b58 must be an array of bytes; element 0 is number 256"},
		// SHA-256("hello"), as a multihash.
		{"op", "sha256_string", `["hello"]`, `"QmRN6wdp1S2A5EtjW9A3M1vKSBuQQGcgvuhoMUoEz4iiT5"`},
		{"op", "sha256_string", `["hello", [true]]`, `"42TEXg1vFAbcJ65y7qdYG9iCPvYfy3NDdVLd75akX2P5"`},
		{"math", "add", `[2, 3]`, `5`},
		{"math", "add", `[9223372036854775807, 1]`, "error: i64 add overflow"},
		{"math", "sub", `[2, 5]`, `-3`},
		{"math", "mul", `[-4, 5]`, `-20`},
		{"math", "mul", `[4294967296, 4294967296]`, "error: i64 mul overflow"},
		{"math", "div", `[-7, 2]`, `-3`},
		{"math", "div", `[1, 0]`, "error: i64 div overflow"},
		{"math", "rem", `[-7, 2]`, `-1`},
		{"math", "pow", `[2, 10]`, `1024`},
		{"math", "pow", `[2, 64]`, "error: i64 pow overflow"},
		{"math", "pow", `[2, 4294967295]`, "error: i64 pow overflow"},
		{"math", "pow", `[-1, 4294967295]`, `-1`},
		{"math", "pow", `[-2, 63]`, `-9223372036854775808`},
		{"math", "mul", `[-1, -9223372036854775808]`, "error: i64 mul overflow"},
		{"math", "log", `[2, 1025]`, `10`},
		{"math", "fmul", `[2.5, 3]`, `7`},
		{"math", "add", `[1.5, 1]`, "error: argument 0 (x) of math.add must be an i64, got 1.5"},
		{"math", "add", `[1]`, "error: math.add takes 2 argument(s), got 1"},
		{"cmp", "gt", `[2, 1]`, `true`},
		{"cmp", "lte", `[2, 1]`, `false`},
		{"cmp", "cmp", `[1, 2]`, `-1`},
		{"array", "sum", `[[1, 2, 3]]`, `6`},
		{"array", "dedup", `[["b", "a", "b"]]`, `["b","a"]`},
		{"array", "intersect", `[["a", "b", "c"], ["c", "b"]]`, `["b","c"]`},
		{"array", "diff", `[["a", "b", "c"], ["c"]]`, `["a","b"]`},
		{"array", "sdiff", `[["a", "b"], ["b", "c"]]`, `["a","c"]`},
		{"array", "slice", `[[1, 2, 3, 4], 1, 3]`, `[2,3]`},
		{"array", "slice", `[[], 5, 9]`, `[]`},
		{"array", "slice", `[[1], 0, 2]`, "error: slice indexes out of bounds. start index: 0, end index: 2, array length: 1"},
		{"array", "length", `[[1]]`, `1`},
		{"json", "obj", `["a", 1, "b", "x"]`, `{"a":1,"b":"x"}`},
		{"json", "obj", `["a"]`, `error: expected odd number of arguments, got even: no value for key "a"`},
		{"json", "put", `[{"a": 1}, "b", [2]]`, `{"a":1,"b":[2]}`},
		{"json", "puts", `[{}, "a", 1, "b", 2]`, `{"a":1,"b":2}`},
		{"json", "obj_pairs", `[[["a", 1], ["b", 2]]]`, `{"a":1,"b":2}`},
		{"json", "puts_pairs", `[{"z": 0}, [["a", 1]]]`, `{"a":1,"z":0}`},
		{"json", "parse", `["{\"k\": [1, 2.5, \"<&>\"]}"]`, `{"k":[1,2.5,"<&>"]}`},
		{"json", "parse", `["{"]`, "error: error parsing json {: unexpected EOF"},
		{"json", "stringify", `[{"b": 1, "a": "<x>"}]`, `"{\"a\":\"<x>\",\"b\":1}"`},
		{"debug", "stringify", `[]`, `"\"<empty argument list>\""`},
		{"debug", "stringify", `["s"]`, `"\"s\""`},
		{"debug", "stringify", `[1, "s"]`, `"[1,\"s\"]"`},
		{"peer", "timestamp_ms", `[]`, `1700000000123`},
		{"peer", "timestamp_sec", `[]`, `1700000000`},
		{"peer", "identify", `[]`, `{"external_addresses":null,"node_version":"test","air_version":"0.62.0","spell_version":"","allowed_binaries":null}`},
		{"peer", "timeout", `[1, "done"]`, `"done"`},
		{"peer", "is_connected", `["` + string(testHost) + `"]`, `true`},
		{"peer", "is_connected", `["0OIl"]`, `error: argument 0 of peer.is_connected: invalid peer id "0OIl": not base58`},
		{"peer", "get_contact", `["` + other + `"]`, "empty"},
		{"kad", "neighborhood", `["` + other + `"]`, `["` + string(testHost) + `"]`},
		{"kad", "merge", `["` + other + `", ["` + other + `"], ["` + string(testHost) + `", "` + other + `"], [1]]`, `["` + other + `"]`},
		{"sig", "get_peer_id", `[]`, `"` + string(testHost) + `"`},
		{"run-console", "print", `["hello", 1]`, "empty"},
		{"nope", "x", `[]`, "no such function"},
	}
	var console bytes.Buffer
	s := newTestSet(&console)
	for _, tt := range tests {
		t.Run(tt.svc+"."+tt.fn+tt.args, func(t *testing.T) {
			if got := call(t, s, tt.svc, tt.fn, tt.args, other); got != tt.want {
				t.Errorf("%s.%s(%s)\n got %s\nwant %s", tt.svc, tt.fn, tt.args, got, tt.want)
			}
		})
	}
	if got := console.String(); got != "hello 1\n" {
		t.Errorf("console got %q", got)
	}
}

func TestSign(t *testing.T) {
	s := newTestSet(io.Discard)
	refused := call(t, s, "sig", "sign", `[[1, 2]]`, "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")
	if !strings.Contains(refused, `"success":false`) || !strings.Contains(refused, "is not allowed to sign") {
		t.Errorf("sign for another init peer = %s", refused)
	}
	sig := testKey.Sign([]byte{1, 2})
	signed := call(t, s, "sig", "sign", `[[1, 2]]`, testHost)
	if want := `{"error":[],"signature":[` + Stringify(bytesJSON(sig)) + `],"success":true}`; signed != want {
		t.Errorf("sign = %s\nwant %s", signed, want)
	}
	if got := call(t, s, "sig", "verify", `[`+Stringify(bytesJSON(sig))+`, [1, 2]]`, testHost); got != "true" {
		t.Errorf("verify = %s", got)
	}
	if got := call(t, s, "sig", "verify", `[`+Stringify(bytesJSON(sig))+`, [1, 3]]`, testHost); got != "false" {
		t.Errorf("verify of other data = %s", got)
	}
}

func TestTimeoutHonoursContext(t *testing.T) {
	f, _ := newTestSet(io.Discard).Lookup("peer", "timeout")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	args, _ := DecodeArgs([]byte(`[60000, "late"]`))
	if _, err := f(ctx, &Call{Service: "peer", Function: "timeout", Args: args}); err == nil {
		t.Error("timeout ignored a cancelled context")
	}
}

// FuzzCall calls every builtin with arbitrary JSON arguments: none may
// panic, whatever a particle sends.
func FuzzCall(f *testing.F) {
	s := newTestSet(io.Discard)
	for _, seed := range []string{`[]`, `[1, 2]`, `[[1, 2], 0, 1]`, `["a", {"b": [null]}]`, `[9223372036854775807, -9223372036854775808]`, `[[], [true], 1e400]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, args string) {
		a, err := DecodeArgs([]byte(args))
		if err != nil {
			return
		}
		for svc, fns := range s.Services() {
			for _, fn := range fns {
				if svc == "peer" && fn == "timeout" {
					continue // sleeps for as long as it is told
				}
				f, _ := s.Lookup(svc, fn)
				_, _ = f(context.Background(), &Call{Service: svc, Function: fn, Args: a})
			}
		}
	})
}

func TestImmediate(t *testing.T) {
	s := newTestSet(io.Discard)
	for _, tt := range []struct {
		service, function string
		want              bool
	}{
		{"op", "identity", true},
		{"math", "add", true},
		{"peer", "identify", true},
		{"peer", "timeout", false},
		{"peer", "connect", false},
		{"kad", "neighborhood", false},
		{"srv", "create", false},
		{"dist", "add_module", false},
		{"nope", "identity", false},
		{"op", "nope", false},
	} {
		if got := s.Immediate(tt.service, tt.function); got != tt.want {
			t.Errorf("Immediate(%s, %s) = %v, want %v", tt.service, tt.function, got, tt.want)
		}
	}
}
