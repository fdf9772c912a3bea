package avmwasm_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
)

// wireRequest is a call request as avm.wasm writes it.
type wireRequest struct {
	ServiceID    string `msgpack:"service_id"`
	FunctionName string `msgpack:"function_name"`
	Arguments    []byte `msgpack:"arguments"`
	Tetraplets   []byte `msgpack:"tetraplets"`
}

func mustMsgpack(t testing.TB, v any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// requests encodes one call request with the given MessagePack
// arguments, behind the multicodec prefix.
func requests(t testing.TB, args []byte) []byte {
	t.Helper()
	tets := mustMsgpack(t, [][]avmwasm.Tetraplet{{{PeerPK: "peer", ServiceID: "s", FunctionName: "f", Lens: ".$.a"}}})
	body := mustMsgpack(t, map[uint32]wireRequest{7: {ServiceID: "svc", FunctionName: "fn", Arguments: args, Tetraplets: tets}})
	return append([]byte{0x81, 0x04}, body...)
}

func TestDecodeCallRequests(t *testing.T) {
	tests := []struct {
		name string
		args []byte // a MessagePack document
		want []string
	}{
		{"scalars", mustMsgpack(t, []any{"arg", 1, -2, true, nil, 0.5, 3.0}), []string{`"arg"`, `1`, `-2`, `true`, `null`, `0.5`, `3.0`}},
		{"no arguments", mustMsgpack(t, []any{}), []string{}},
		{"big integers", mustMsgpack(t, []any{uint64(1) << 63, int64(-1) << 62}), []string{`9223372036854775808`, `-4611686018427387904`}},
		{"escapes", mustMsgpack(t, []any{"<a&b> \"q\" \\ \n"}), []string{`"<a&b> \"q\" \\ \n"`}},
		// Keys stay in the order the interpreter wrote them.
		{"nested", []byte{0x91, 0x82, 0xa1, 'z', 0x92, 0x01, 0xc0, 0xa1, 'a', 0x80}, []string{`{"z":[1,null],"a":{}}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := avmwasm.DecodeCallRequests(requests(t, tt.args))
			if err != nil {
				t.Fatal(err)
			}
			req, ok := got[7]
			if len(got) != 1 || !ok {
				t.Fatalf("requests = %v, want one with id 7", got)
			}
			args := []string{}
			for _, a := range req.Arguments {
				args = append(args, string(a))
			}
			if !reflect.DeepEqual(args, tt.want) {
				t.Errorf("arguments = %q, want %q", args, tt.want)
			}
			wantTets := [][]avmwasm.Tetraplet{{{PeerPK: "peer", ServiceID: "s", FunctionName: "f", Lens: ".$.a"}}}
			if req.ServiceID != "svc" || req.FunctionName != "fn" || !reflect.DeepEqual(req.Tetraplets, wantTets) {
				t.Errorf("request = %+v", req)
			}
		})
	}
}

func TestDecodeCallRequestsErrors(t *testing.T) {
	deep := bytes.Repeat([]byte{0x91}, 200)
	deep = append(append([]byte{0x91}, deep...), 0xc0)
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"no prefix", mustMsgpack(t, map[uint32]wireRequest{}), "want the MessagePack multicodec prefix 81 04"},
		{"truncated", []byte{0x81, 0x04, 0x81}, "call requests: EOF"},
		{"binary argument", requests(t, mustMsgpack(t, []any{[]byte{1}})), "code 0xc4 has no JSON counterpart"},
		{"arguments not an array", requests(t, mustMsgpack(t, "x")), "call request 7 (svc fn): arguments"},
		{"integer map key", requests(t, []byte{0x91, 0x81, 0x01, 0x01}), "map key"},
		{"trailing bytes", requests(t, []byte{0x90, 0xc0}), "trailing bytes"},
		{"too deep", requests(t, deep), "deeper than 128 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := avmwasm.DecodeCallRequests(tt.input)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestEncodeCallResults(t *testing.T) {
	b, err := avmwasm.EncodeCallResults(map[uint32]avmwasm.CallResult{2: {Result: `"x"`}, 10: {RetCode: 1, Result: "boom"}})
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(b, []byte{0x81, 0x04})
	if !ok {
		t.Fatalf("no multicodec prefix: % x", b)
	}
	type result struct {
		RetCode int32  `msgpack:"ret_code"`
		Result  string `msgpack:"result"`
	}
	var got map[string]result
	if err := msgpack.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]result{"2": {0, `"x"`}, "10": {1, "boom"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded = %v, want %v", got, want)
	}
	again, err := avmwasm.EncodeCallResults(map[uint32]avmwasm.CallResult{10: {RetCode: 1, Result: "boom"}, 2: {Result: `"x"`}})
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("the encoding is not deterministic: % x then % x", b, again)
	}
}

// FuzzDecodeCallRequests checks the decoder never panics and that the
// arguments of whatever it accepts are valid JSON.
func FuzzDecodeCallRequests(f *testing.F) {
	f.Add([]byte{})
	f.Add(requests(f, mustMsgpack(f, []any{"arg", 1, 2.5, map[string]any{"k": []any{true}}})))
	f.Add([]byte{0x81, 0x04, 0x80})
	f.Fuzz(func(t *testing.T, b []byte) {
		reqs, err := avmwasm.DecodeCallRequests(b)
		if err != nil {
			return
		}
		for id, req := range reqs {
			for i, a := range req.Arguments {
				if !json.Valid(a) {
					t.Fatalf("request %d argument %d is not JSON: %s", id, i, a)
				}
			}
		}
	})
}
