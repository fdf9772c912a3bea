package avmwasm_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/avmwasm"
	"github.com/aquarium-p2p/aquarium/marine/internal/reftest"
)

// testPeer is a peer with a key derived from its name, so that runs are
// reproducible.
type testPeer struct {
	name string
	id   string
	key  ed25519.PrivateKey
}

func newPeer(name string) testPeer {
	seed := sha256.Sum256([]byte("avmwasm test peer " + name))
	key := ed25519.NewKeyFromSeed(seed[:])
	return testPeer{name: name, id: peer.IDFromPublicKey(peer.Ed25519PublicKey(key.Public().(ed25519.PublicKey))).String(), key: key}
}

func (p testPeer) params(init testPeer) avmwasm.Params {
	return avmwasm.Params{InitPeerID: init.id, CurrentPeerID: p.id, Timestamp: 1700000000000, TTL: 10000, ParticleID: "particle-1", Key: p.key}
}

var (
	loadOnce sync.Once
	shared   *avmwasm.Interpreter
	loadErr  error
)

// interpreter loads avm.wasm once for the package's tests: compiling it
// takes seconds without the cache.
func interpreter(t testing.TB) *avmwasm.Interpreter {
	t.Helper()
	path := reftest.AVM(t)
	loadOnce.Do(func() {
		ctx := context.Background()
		rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
		if err != nil {
			loadErr = err
			return
		}
		shared, loadErr = avmwasm.Load(ctx, rt, path)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return shared
}

func run(t *testing.T, in *avmwasm.Interpreter, p avmwasm.Params, script string, prev, current []byte, results map[uint32]avmwasm.CallResult) avmwasm.Outcome {
	t.Helper()
	out, err := in.Run(context.Background(), p, script, prev, current, results)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInvokeCallRoundTrip runs the acceptance script: a call on the
// initiator asks the host to run svc.fn with "arg"; its result completes
// the script, and the data says so.
func TestInvokeCallRoundTrip(t *testing.T) {
	in := interpreter(t)
	a := newPeer("a")
	script := `(call %init_peer_id% ("svc" "fn") ["arg"] x)`
	out := run(t, in, a.params(a), script, nil, nil, nil)
	if out.RetCode != 0 {
		t.Fatalf("first run: ret code %d: %s", out.RetCode, out.ErrorMessage)
	}
	if len(out.CallRequests) != 1 {
		t.Fatalf("first run: %d call requests, want 1: %+v", len(out.CallRequests), out.CallRequests)
	}
	var id uint32
	var req avmwasm.CallRequest
	for id, req = range out.CallRequests {
	}
	want := avmwasm.CallRequest{
		ServiceID: "svc", FunctionName: "fn",
		Arguments:  []json.RawMessage{json.RawMessage(`"arg"`)},
		Tetraplets: [][]avmwasm.Tetraplet{{{PeerPK: a.id}}},
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("call request = %+v, want %+v", req, want)
	}
	if len(out.NextPeers) != 0 {
		t.Errorf("next peers = %v, want none", out.NextPeers)
	}

	done := run(t, in, a.params(a), script, out.Data, nil, map[uint32]avmwasm.CallResult{id: {Result: `{"answer":42}`}})
	if done.RetCode != 0 || len(done.CallRequests) != 0 || len(done.NextPeers) != 0 {
		t.Fatalf("second run: ret code %d (%s), requests %v, next %v; want a completed script",
			done.RetCode, done.ErrorMessage, done.CallRequests, done.NextPeers)
	}
	text, err := in.HumanReadable(context.Background(), done.Data)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Versions struct {
			InterpreterVersion string `json:"interpreter_version"`
		} `json:"versions"`
		Data struct {
			Trace   []map[string]any `json:"trace"`
			CIDInfo struct {
				ValueStore map[string]any `json:"value_store"`
			} `json:"cid_info"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(text), &data); err != nil {
		t.Fatalf("to_human_readable_data: %v\n%s", err, text)
	}
	if data.Versions.InterpreterVersion == "" {
		t.Errorf("no interpreter version in\n%s", text)
	}
	if len(data.Data.Trace) != 1 || data.Data.Trace[0]["call"] == nil {
		t.Errorf("trace = %v, want one executed call", data.Data.Trace)
	}
	var values []any
	for _, v := range data.Data.CIDInfo.ValueStore {
		values = append(values, v)
	}
	// The store keeps each value as its JSON text.
	if want := []any{`{"answer":42}`}; !reflect.DeepEqual(values, want) {
		t.Errorf("value store = %v, want %v", values, want)
	}
}

// TestInvokeFailedCall feeds back an error: the script fails with the
// local service error code and the message as the service gave it.
func TestInvokeFailedCall(t *testing.T) {
	in := interpreter(t)
	a := newPeer("a")
	script := `(call %init_peer_id% ("svc" "fn") [] x)`
	out := run(t, in, a.params(a), script, nil, nil, nil)
	var id uint32
	for id = range out.CallRequests {
	}
	failed := run(t, in, a.params(a), script, out.Data, nil, map[uint32]avmwasm.CallResult{id: {RetCode: 3, Result: "no such key"}})
	if failed.RetCode != 10000 || !strings.Contains(failed.ErrorMessage, "no such key") {
		t.Errorf("ret code %d, message %q; want 10000 (local service error) with the service's message", failed.RetCode, failed.ErrorMessage)
	}
}

// TestInvokeRemote runs a two-peer script: the first peer sends the
// particle on, the second makes the call.
func TestInvokeRemote(t *testing.T) {
	in := interpreter(t)
	a, b := newPeer("a"), newPeer("b")
	script := `(seq (call "` + b.id + `" ("svc" "fn") [%init_peer_id%] x) (call %init_peer_id% ("back" "fn") [x] y))`
	out := run(t, in, a.params(a), script, nil, nil, nil)
	if out.RetCode != 0 || len(out.CallRequests) != 0 {
		t.Fatalf("on a: ret code %d (%s), requests %v", out.RetCode, out.ErrorMessage, out.CallRequests)
	}
	if !reflect.DeepEqual(out.NextPeers, []string{b.id}) {
		t.Fatalf("on a: next peers %v, want [%s]", out.NextPeers, b.id)
	}
	onB := run(t, in, b.params(a), script, nil, out.Data, nil)
	if len(onB.CallRequests) != 1 {
		t.Fatalf("on b: %d call requests, want 1 (ret code %d: %s)", len(onB.CallRequests), onB.RetCode, onB.ErrorMessage)
	}
	for _, req := range onB.CallRequests {
		if req.ServiceID != "svc" || len(req.Arguments) != 1 || string(req.Arguments[0]) != `"`+a.id+`"` {
			t.Errorf("on b: call request %+v, want svc.fn with a's id", req)
		}
	}
}

// TestRunRejectsBadKey checks the key is checked before the module runs.
func TestRunRejectsBadKey(t *testing.T) {
	in := interpreter(t)
	_, err := in.Run(context.Background(), avmwasm.Params{Key: make([]byte, 3)}, "(null)", nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "64 bytes, got 3") {
		t.Errorf("error = %v, want one about the key length", err)
	}
}
