package avm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/vmihailenco/msgpack/v5"
)

func TestPreparationErrors(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(1)})
	a := n.Peer("a")
	valid := avm.Run(n.Params(a), `(null)`, nil, nil, nil)
	if valid.RetCode != 0 {
		t.Fatalf("(null): %d %s", valid.RetCode, valid.ErrorMessage)
	}
	wrongKey := n.Params(a)
	wrongKey.Key = n.Peer("b").Signer
	badInner, err := msgpack.Marshal(map[string]any{"version": "0.17.2", "interpreter_version": "0.62.0", "inner_data": []byte("abc")})
	if err != nil {
		t.Fatal(err)
	}
	old := bytes.Replace(valid.Data, []byte(avm.InterpreterVersion), []byte("0.60.9"), 1)
	tests := []struct {
		name    string
		params  avm.Params
		script  string
		prev    []byte
		current []byte
		results map[uint32]avm.CallResult
		code    int64
		msg     string
	}{
		{name: "parse error", params: n.Params(a), script: `(seq (null)`, code: avm.CodeAIRParse, msg: "aqua script can't be parsed"},
		{name: "undefined variable", params: n.Params(a), script: `(call "p" ("s" "f") [x])`, code: avm.CodeAIRParse},
		{name: "garbage current data", params: n.Params(a), script: `(null)`, current: []byte("garbage"), code: avm.CodeEnvelopeDecode, msg: "failed to decode current data: malformed data envelope"},
		{name: "garbage previous data", params: n.Params(a), script: `(null)`, prev: []byte{0x91, 0x01}, code: avm.CodeEnvelopeDecode},
		{name: "garbage inner data", params: n.Params(a), script: `(null)`, current: badInner, code: avm.CodeDataDecode, msg: "failed to decode current data: malformed data archive"},
		{name: "data of an old interpreter", params: n.Params(a), script: `(null)`, current: old, code: avm.CodeUnsupportedVersion, msg: "failed to decode current data: unsupported interpreter version: data of interpreter 0.60.9, the oldest supported is 0.61.0"},
		{name: "key of another peer", params: wrongKey, script: `(null)`, code: avm.CodeMalformedKeyPair},
		{name: "unprocessed call result", params: n.Params(a), script: `(null)`, results: map[uint32]avm.CallResult{70: {Result: "1"}},
			code: avm.CodeUnprocessedCallResults, msg: "after finishing execution of supplied AIR, there are some unprocessed call results: [70], probably a wrong call_id used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := avm.Run(tt.params, tt.script, tt.prev, tt.current, tt.results)
			if out.RetCode != tt.code || !strings.HasPrefix(out.ErrorMessage, tt.msg) {
				t.Errorf("got %d %q, want %d %q...", out.RetCode, out.ErrorMessage, tt.code, tt.msg)
			}
			if tt.code != avm.CodeUnprocessedCallResults && !bytes.Equal(out.Data, tt.prev) {
				t.Errorf("data changed on a failed run")
			}
		})
	}
}

// forge runs script on b and lets edit change b's output data; it returns
// the re-encoded data.
func forge(t *testing.T, n *avmtest.Network, script string, edit func(d *data.Data)) []byte {
	t.Helper()
	b := n.Peer("b")
	n.Deliver(b, script)
	d, err := data.Decode(b.Prev)
	if err != nil {
		t.Fatal(err)
	}
	edit(d)
	out, err := data.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestForgedData(t *testing.T) {
	script := `(seq (call "@b" ("s" "f") [] x) (call "@a" ("s" "g") [x]))`
	tests := []struct {
		name string
		edit func(n *avmtest.Network, d *data.Data)
		code int64
	}{
		{
			name: "value changed in the store",
			edit: func(_ *avmtest.Network, d *data.Data) {
				for c, v := range d.Stores.Values {
					d.Stores.Values[c] = bytes.Replace(v, []byte("1"), []byte("2"), 1)
				}
			},
			code: avm.CodeStoreVerification,
		},
		{
			name: "result replaced by another",
			edit: func(_ *avmtest.Network, d *data.Data) {
				call := d.Trace[0].(*data.Call)
				sr := d.Stores.ServiceResults[call.CID]
				sr.ValueCID = d.Stores.AddValue(int64(666))
				forged := *call
				forged.CID = d.Stores.AddServiceResult(sr)
				d.Trace[0] = &forged
			},
			code: avm.CodeSignatureCheck,
		},
		{
			name: "result attributed to a peer that did not sign",
			edit: func(n *avmtest.Network, d *data.Data) {
				call := d.Trace[0].(*data.Call)
				sr := d.Stores.ServiceResults[call.CID]
				tet := d.Stores.Tetraplets[sr.TetrapletCID]
				tet.PeerPK = n.ID("c")
				sr.TetrapletCID = d.Stores.AddTetraplet(tet)
				forged := *call
				forged.CID = d.Stores.AddServiceResult(sr)
				d.Trace[0] = &forged
			},
			code: avm.CodeSignatureCheck,
		},
		{
			name: "signature removed",
			edit: func(n *avmtest.Network, d *data.Data) { delete(d.Signatures, n.ID("b")) },
			code: avm.CodeSignatureCheck,
		},
		{
			name: "dangling reference",
			edit: func(_ *avmtest.Network, d *data.Data) {
				d.Trace[0] = &data.Call{Kind: data.CallScalar, CID: "bagaaihra-nothing"}
			},
			code: avm.CodeStoreVerification,
		},
		{
			name: "state of the wrong kind, signed",
			edit: func(n *avmtest.Network, d *data.Data) {
				d.Trace[0] = &data.Ap{}
				d.Sign(n.Peer("b").Signer, n.ID("b"), avmtest.ParticleID)
			},
			code: avm.CodeTraceError,
		},
		{
			name: "impossible generation, signed",
			edit: func(n *avmtest.Network, d *data.Data) {
				d.Trace = []data.State{&data.Ap{Gen: 4000000000}}
				d.Sign(n.Peer("b").Signer, n.ID("b"), avmtest.ParticleID)
			},
			code: avm.CodeTraceError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(1), "c": avmtest.Echo})
			a := n.Peer("a")
			n.Deliver(a, script)
			before := bytes.Clone(a.Prev)
			forged := forge(t, n, script, func(d *data.Data) { tt.edit(n, d) })
			out := avm.Run(n.Params(a), n.Expand(script), a.Prev, forged, nil)
			if out.RetCode != tt.code {
				t.Fatalf("ret code %d (%s), want %d", out.RetCode, out.ErrorMessage, tt.code)
			}
			if !bytes.Equal(out.Data, before) {
				t.Error("a failed run changed this peer's data")
			}
			if len(out.NextPeers) != 0 || len(out.CallRequests) != 0 {
				t.Errorf("a failed run asked for work: %v %v", out.NextPeers, out.CallRequests)
			}
		})
	}
}

func TestMergeConflict(t *testing.T) {
	script := `(call "@b" ("" "") [])`
	n1 := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(42)})
	n2 := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(43)})
	d1 := forge(t, n1, script, func(*data.Data) {})
	d2 := forge(t, n2, script, func(*data.Data) {})
	a := n1.Peer("a")
	out := avm.Run(n1.Params(a), n1.Expand(script), d1, d2, nil)
	if out.RetCode != avm.CodeTraceError || !strings.Contains(out.ErrorMessage, "values in call results are not equal") {
		t.Fatalf("got %d %q", out.RetCode, out.ErrorMessage)
	}
	if !bytes.Equal(out.Data, d1) {
		t.Error("previous data was not kept")
	}
}

// TestMergeIsIdempotent checks f(x, x) = x: merging data with itself
// changes nothing.
func TestMergeIsIdempotent(t *testing.T) {
	script := `(seq (par (call "@b" ("" "") [] $s) (call "@c" ("" "") [] $s)) (seq (canon "@a" $s #c) (call "@a" ("" "") [#c])))`
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Returns(1), "c": avmtest.Returns(2)})
	n.Run(script, nil)
	a := n.Peer("a")
	out := avm.Run(n.Params(a), n.Expand(script), a.Prev, a.Prev, nil)
	if out.RetCode != 0 {
		t.Fatalf("%d %s", out.RetCode, out.ErrorMessage)
	}
	d1, _ := data.Decode(a.Prev)
	d2, _ := data.Decode(out.Data)
	j1, _ := data.DumpJSON(d1)
	j2, _ := data.DumpJSON(d2)
	if !bytes.Equal(j1, j2) {
		t.Errorf("merging data with itself changed it:\n%s\n%s", j1, j2)
	}
}

func TestCallRequestsAndTetraplets(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo})
	a := n.Peer("a")
	out := avm.Run(n.Params(a), n.Expand(`(seq (ap "v" x) (par (call "@a" ("svc" "fn") [x 1]) (call "@a" ("svc" "g") [])))`), nil, nil, nil)
	if len(out.CallRequests) != 2 {
		t.Fatalf("requests: %v", out.CallRequests)
	}
	r := out.CallRequests[1]
	if r.ServiceID != "svc" || r.FunctionName != "fn" || string(r.Arguments[0]) != `"v"` || string(r.Arguments[1]) != `1` {
		t.Errorf("request 1: %+v", r)
	}
	if len(r.Tetraplets) != 2 || r.Tetraplets[0][0].PeerPK != string(a.ID) {
		t.Errorf("tetraplets: %+v", r.Tetraplets)
	}
	// The ids go on from where the previous run stopped.
	next := avm.Run(n.Params(a), n.Expand(`(seq (ap "v" x) (par (call "@a" ("svc" "fn") [x 1]) (call "@a" ("svc" "g") [])))`), out.Data, nil,
		map[uint32]avm.CallResult{1: {Result: "1"}})
	if len(next.CallRequests) != 0 || next.RetCode != 0 {
		t.Errorf("second run: %v %d %s", next.CallRequests, next.RetCode, next.ErrorMessage)
	}
}
