package marine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
	"github.com/aquarium-p2p/aquarium/marine/internal/reftest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newRuntime(t testing.TB, logs *syncBuffer) *marine.Runtime {
	t.Helper()
	opts := marine.Options{CacheDir: testCacheDir()}
	if logs != nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	rt, err := marine.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	return rt
}

// loadTestModule writes the hand-assembled module and loads it as a
// service with the given memory limit.
func loadTestModule(t testing.TB, rt *marine.Runtime, limit uint64) (*marine.Service, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.wasm")
	if err := os.WriteFile(path, testModule(t, true), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Single(path)
	cfg.TotalMemoryLimit = limit
	svc, err := rt.LoadService(context.Background(), cfg, marine.ServiceOptions{ID: "test"})
	if err == nil {
		t.Cleanup(func() { _ = svc.Close(context.Background()) })
	}
	return svc, err
}

func mustLoad(t testing.TB, rt *marine.Runtime, limit uint64) *marine.Service {
	t.Helper()
	svc, err := loadTestModule(t, rt, limit)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func call(t testing.TB, svc *marine.Service, fn, args string) string {
	t.Helper()
	out, err := svc.Call(context.Background(), fn, json.RawMessage(args), marine.CallParameters{})
	if err != nil {
		t.Fatalf("%s(%s): %v", fn, args, err)
	}
	return string(out)
}

func TestBadResultPointer(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 0)
	_, err := svc.Call(context.Background(), "bad_string", json.RawMessage(`["x"]`), marine.CallParameters{})
	if err == nil || !strings.Contains(err.Error(), "reading 100 bytes at 0xfffa: out of bounds of the 65536-byte memory") {
		t.Fatalf("bad_string error = %v, want an out-of-bounds read", err)
	}
	if got := call(t, svc, "answer", `[]`); got != "42" {
		t.Errorf("answer after the failed call = %s, want 42", got)
	}
}

func TestDeadlineInterruptsAndRestarts(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 0)
	call(t, svc, "grow", `[3]`) // state that the restart will drop
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := svc.Call(ctx, "spin", nil, marine.CallParameters{})
	if !errors.Is(err, marine.ErrInterrupted) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("spin error = %v, want ErrInterrupted and DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "restarted") {
		t.Errorf("spin error %q does not say the service was restarted", err)
	}
	if got := call(t, svc, "answer", `null`); got != "42" {
		t.Errorf("answer after the interrupted call = %s, want 42", got)
	}
	// The memory grown before the restart is gone: one page again.
	if got := call(t, svc, "grow", `{"pages": 0}`); got != "1" {
		t.Errorf("memory after restart = %s pages, want 1", got)
	}
}

func TestMemoryLimit(t *testing.T) {
	rt := newRuntime(t, nil)
	svc := mustLoad(t, rt, 3*65536)
	if got := call(t, svc, "grow", `[2]`); got != "1" {
		t.Errorf("grow(2) within the limit = %s, want the old size 1", got)
	}
	if got := call(t, svc, "grow", `[1]`); got != "-1" {
		t.Errorf("grow(1) past the limit = %s, want -1", got)
	}
	if used := svc.MemoryUsed(); used != 3*65536 {
		t.Errorf("MemoryUsed = %d, want %d", used, 3*65536)
	}
	_, err := loadTestModule(t, rt, 32<<10)
	if !errors.Is(err, marine.ErrMemoryLimit) || !strings.Contains(err.Error(), "needs 64.0 KiB of memory to start") {
		t.Errorf("loading under a 32 KiB limit: error = %v, want ErrMemoryLimit", err)
	}
}

func TestLogAndCallParameters(t *testing.T) {
	var logs syncBuffer
	svc := mustLoad(t, newRuntime(t, &logs), 0)
	call(t, svc, "say", `[]`)
	if !strings.Contains(logs.String(), "level=INFO msg=hello module=test service=test") {
		t.Errorf("log output %q lacks the module's message", logs.String())
	}
	params := marine.CallParameters{
		ParticleID: "p1", InitPeerID: "init", Timestamp: 1 << 40, TTL: 7000, Script: "(null)", Signature: []byte{1, 2},
		Token: "tok", ServiceID: "svc", ServiceCreatorPeerID: "creator", HostID: "host", WorkerID: "worker",
		Tetraplets: [][]marine.SecurityTetraplet{{{PeerPK: "pk", ServiceID: "s", FunctionName: "f", Lens: ".$"}}, {}},
	}
	out, err := svc.Call(context.Background(), "call_params", nil, params)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"particle":{"id":"p1","init_peer_id":"init","timestamp":1099511627776,"ttl":7000,"script":"(null)","signature":[1,2],"token":"tok"},` +
		`"service_id":"svc","service_creator_peer_id":"creator","host_id":"host","worker_id":"worker",` +
		`"tetraplets":[[{"peer_pk":"pk","service_id":"s","function_name":"f","lens":".$"}],[]]}`
	if string(out) != want {
		t.Errorf("call_params =\n%s\nwant\n%s", out, want)
	}
}

func TestCallErrors(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 0)
	tests := []struct{ fn, args, want string }{
		{"nope", `[]`, `no such function "nope" in module test (it exports: [bad_string spin answer grow say call_params echo hog])`},
		{"answer", `[1]`, "takes 0 arguments"},
		{"grow", `[-1]`, "argument pages: -1 is not a u32"},
		{"grow", `["x"]`, "expected u32, got a string"},
		{"grow", `[2147483648]`, "u32 value 2147483648 does not fit i32"},
	}
	for _, tt := range tests {
		_, err := svc.Call(context.Background(), tt.fn, json.RawMessage(tt.args), marine.CallParameters{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s(%s) error = %v, want one containing %q", tt.fn, tt.args, err, tt.want)
		}
	}
}

func TestNotAMarineModule(t *testing.T) {
	tests := []struct {
		name string
		wasm []byte
		want string
	}{
		{"plain wasm", testModule(t, false), "not a Marine module: there is no __fluence_sdk_version custom section"},
		{"not wasm", []byte("#!/bin/sh"), "not a WebAssembly binary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := marine.Inspect(tt.wasm)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Inspect error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoggerDisabled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.wasm")
	if err := os.WriteFile(path, testModule(t, true), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Single(path)
	cfg.Modules[0].LoggerEnabled = false
	_, err := newRuntime(t, nil).LoadService(context.Background(), cfg, marine.ServiceOptions{})
	if err == nil || !strings.Contains(err.Error(), "imports __marine_host_api_v3.log_utf8_string, but logger_enabled is false") {
		t.Errorf("error = %v, want one about logger_enabled", err)
	}
}

func TestConcurrentCalls(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 0)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			out, err := svc.Call(context.Background(), "bad_string", json.RawMessage(`["x"]`), marine.CallParameters{})
			if err == nil {
				errs <- errors.New("bad_string succeeded: " + string(out))
			}
			if out, err := svc.Call(context.Background(), "answer", nil, marine.CallParameters{}); err != nil || string(out) != "42" {
				errs <- errors.New("answer: " + string(out))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestInterfaceAndAqua(t *testing.T) {
	info, err := marine.Inspect(testModule(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if info.SDKVersion != "0.14.0" {
		t.Errorf("SDKVersion = %q", info.SDKVersion)
	}
	got := info.Interface.Aqua("test", "test")
	golden := filepath.Join("testdata", "test.aqua")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Aqua() =\n%s\nwant\n%s", got, want)
	}
}

// TestAVM loads the reference AquaVM, a module built with the Rust SDK, and
// checks its results against fixed expectations.
func TestAVM(t *testing.T) {
	svc, err := newRuntime(t, nil).LoadModule(context.Background(), reftest.AVM(t), marine.ServiceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close(context.Background())
	tests := []struct{ fn, args, want string }{
		{"ast", `["(null)"]`, `"{\"Null\":null}"`},
		{"ast", `{"script": "(seq (null) (never))"}`, `"{\"Seq\":[{\"Null\":null},{\"Never\":null}]}"`},
		{"ast", `["(seq"]`, ""},
		{"to_human_readable_data", `[[]]`, ""},
	}
	for _, tt := range tests {
		out := call(t, svc, tt.fn, tt.args)
		if tt.want != "" && out != tt.want {
			t.Errorf("%s(%s) = %s, want %s", tt.fn, tt.args, out, tt.want)
		}
	}
	names := []string{}
	for _, f := range svc.Interface().Functions {
		names = append(names, svc.Interface().Signature(f))
	}
	want := []string{
		"invoke(air: string, prev_data: []u8, data: []u8, params: RunParameters, call_results: []u8) -> InterpreterOutcome",
		"invoke_tracing(air: string, prev_data: []u8, data: []u8, params: RunParameters, call_results: []u8, tracing_params: string, tracing_output_mode: u8) -> InterpreterOutcome",
		"ast(script: string) -> string",
		"to_human_readable_data(data: []u8) -> string",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("interface =\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}

// TestAVMMatchesReference makes the same calls on the reference Marine
// runtime and on this one and compares the JSON results.
func TestAVMMatchesReference(t *testing.T) {
	avm := reftest.AVM(t)
	params := `{"init_peer_id":"12D3KooWMMcTEXjF84w3JE4KEnVyrD8HPZqyvxwWuJs9yVimui6L","current_peer_id":"12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx",` +
		`"timestamp":1700000000000,"ttl":10000,"key_format":0,"secret_key_bytes":[],"particle_id":"p1",` +
		`"air_size_limit":1000000,"particle_size_limit":1000000,"call_result_size_limit":1000000,"hard_limit_enabled":false}`
	cases := []struct{ fn, args string }{
		{"ast", `["(seq (call \"peer\" (\"srv\" \"fn\") [1 \"a\"] out) (ap out $s))"]`},
		{"ast", `["(xor (null)"]`},
		{"invoke", `["(null)", [], [], ` + params + `, []]`},
		{"invoke", `["(call %init_peer_id% (\"op\" \"noop\") [])", [], [], ` + params + `, [128]]`},
	}
	svc, err := newRuntime(t, nil).LoadModule(context.Background(), avm, marine.ServiceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close(context.Background())
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			ref, err := reftest.MarineCall(t, avm, c.fn, c.args).Output()
			if err != nil {
				t.Fatalf("reference call: %v", err)
			}
			out, err := svc.Call(context.Background(), c.fn, json.RawMessage(c.args), marine.CallParameters{})
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal(ref, &want); err != nil {
				t.Fatalf("reference output %q: %v", ref, err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s(%s):\n ours %s\n reference %s", c.fn, c.args, out, ref)
			}
		})
	}
}

func BenchmarkAVMAst(b *testing.B) {
	svc, err := newRuntime(b, nil).LoadModule(context.Background(), reftest.AVM(b), marine.ServiceOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close(context.Background())
	args := json.RawMessage(`["(seq (call \"peer\" (\"srv\" \"fn\") [1 \"a\"] out) (ap out $s))"]`)
	for b.Loop() {
		if _, err := svc.Call(context.Background(), "ast", args, marine.CallParameters{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCallScalar(b *testing.B) {
	svc := mustLoad(b, newRuntime(b, nil), 0)
	for b.Loop() {
		if _, err := svc.Call(context.Background(), "answer", nil, marine.CallParameters{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadAVM(b *testing.B) {
	rt := newRuntime(b, nil)
	avm := reftest.AVM(b)
	for b.Loop() {
		svc, err := rt.LoadModule(context.Background(), avm, marine.ServiceOptions{})
		if err != nil {
			b.Fatal(err)
		}
		_ = svc.Close(context.Background())
	}
}

// testCacheDir keeps compiled modules between test runs.
func testCacheDir() string { return filepath.Join(os.TempDir(), "aquarium-marine-test-cache") }

// TestTrapRestartsTheService runs a module out of memory: it wrecks its
// allocator and traps, as a Rust module does. The call's error says the
// service was restarted, and the next call works.
func TestTrapRestartsTheService(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 4<<20)
	_, err := svc.Call(context.Background(), "hog", nil, marine.CallParameters{})
	if !errors.Is(err, marine.ErrMemoryLimit) || !errors.Is(err, marine.ErrRestarted) {
		t.Fatalf("hog error = %v, want ErrMemoryLimit and ErrRestarted", err)
	}
	if !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "restarted") {
		t.Errorf("hog error %q does not name the trap and the restart", err)
	}
	if got := call(t, svc, "echo", `["after the trap"]`); got != `"after the trap"` {
		t.Errorf("echo after the trap = %s", got)
	}
	if used := svc.MemoryUsed(); used != 65536 {
		t.Errorf("memory after the restart = %d bytes, want the one page the module starts with", used)
	}
}

// TestDefaultMemoryLimit: a config without total_memory_limit gets the
// runtime's limit, DefaultMemoryLimit unless set; "Infinity" gets none.
func TestDefaultMemoryLimit(t *testing.T) {
	const page = 65536
	svc := mustLoad(t, newRuntime(t, nil), 0)
	beyond := fmt.Sprint(marine.DefaultMemoryLimit / page)
	if got := call(t, svc, "grow", "["+beyond+"]"); got != "-1" {
		t.Errorf("grow(%s pages) under the default limit = %s, want -1", beyond, got)
	}
	rt, err := marine.New(context.Background(), marine.Options{CacheDir: testCacheDir(), MemoryLimit: 4 * page})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	small := mustLoad(t, rt, 0)
	if got := call(t, small, "grow", `[3]`); got != "1" {
		t.Errorf("grow(3) within a 4-page runtime limit = %s, want 1", got)
	}
	if got := call(t, small, "grow", `[1]`); got != "-1" {
		t.Errorf("grow(1) past a 4-page runtime limit = %s, want -1", got)
	}
	unlimited := mustLoad(t, rt, config.Unlimited)
	if got := call(t, unlimited, "grow", `[8]`); got != "1" {
		t.Errorf("grow(8) with total_memory_limit = \"Infinity\" = %s, want 1", got)
	}
}

// TestBusyServiceRefusesAtOnce fills a service's queue behind a call that
// spins: the next call fails at once with ErrBusy, a waiting call whose
// time runs out leaves without running, and once the spinning call is
// interrupted the service answers again.
func TestBusyServiceRefusesAtOnce(t *testing.T) {
	rt, err := marine.New(context.Background(), marine.Options{CacheDir: testCacheDir(), MaxQueue: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	svc := mustLoad(t, rt, 0)
	spinCtx, stopSpin := context.WithCancel(context.Background())
	defer stopSpin()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Go(func() {
		_, err := svc.Call(spinCtx, "spin", nil, marine.CallParameters{})
		errs <- err
	})
	// Once a probe finds the service taken, the spinning call runs.
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err := svc.Call(ctx, "answer", nil, marine.CallParameters{})
		cancel()
		if errors.Is(err, marine.ErrInterrupted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	waitCtx, stopWaiting := context.WithCancel(context.Background())
	for range 2 {
		wg.Go(func() {
			_, err := svc.Call(waitCtx, "answer", nil, marine.CallParameters{})
			errs <- err
		})
	}
	for svc.Load().Pending < 3 {
		runtime.Gosched()
	}
	if !svc.Load().Saturated() {
		t.Errorf("Load = %+v, want saturated", svc.Load())
	}
	_, err = svc.Call(context.Background(), "answer", nil, marine.CallParameters{})
	if !errors.Is(err, marine.ErrBusy) {
		t.Errorf("a call to a full queue: error = %v, want ErrBusy", err)
	}
	stopWaiting()
	for range 2 {
		if err := <-errs; !errors.Is(err, marine.ErrInterrupted) || errors.Is(err, marine.ErrRestarted) {
			t.Errorf("a waiting call cancelled: error = %v, want ErrInterrupted without a restart", err)
		}
	}
	stopSpin()
	if err := <-errs; !errors.Is(err, marine.ErrInterrupted) {
		t.Errorf("spin cancelled: error = %v, want ErrInterrupted", err)
	}
	wg.Wait()
	if got := call(t, svc, "answer", `[]`); got != "42" {
		t.Errorf("answer after the queue drained = %s, want 42", got)
	}
	if l := svc.Load(); l.Pending != 0 || l.Rejected != 1 {
		t.Errorf("Load = %+v, want nothing pending and one call rejected", l)
	}
}
