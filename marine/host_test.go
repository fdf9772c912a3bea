package marine_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/build"
	"github.com/aquarium-p2p/aquarium/marine/config"
)

// TestHostService builds testdata/hostsvc with the Go SDK and checks what
// the host gives a module: the WASI sandbox, mounted binaries, call
// parameters in every host API namespace and logs.
func TestHostService(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go module for wasip1, which takes seconds")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH; building the test module runs it")
	}
	wasm := filepath.Join(t.TempDir(), "hostsvc.wasm")
	if err := build.Build(context.Background(), filepath.Join("testdata", "hostsvc"), wasm); err != nil {
		t.Fatal(err)
	}
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo binary to mount")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep binary to mount")
	}
	// hostConfig is the module's config with the two binaries it imports.
	hostConfig := func() *config.Config {
		cfg := config.Single(wasm)
		cfg.Modules[0].MountedBinaries = map[string]string{"echo": echo, "sleep": sleep}
		return cfg
	}
	t.Run("wasi", func(t *testing.T) { testWASI(t, hostConfig()) })
	t.Run("binaries", func(t *testing.T) { testMountedBinaries(t, hostConfig(), echo) })
	t.Run("host APIs", func(t *testing.T) { testHostAPIs(t, hostConfig()) })
	t.Run("logs", func(t *testing.T) { testLogs(t, hostConfig()) })
}

func loadConfig(t *testing.T, rt *marine.Runtime, cfg *config.Config, id string) *marine.Service {
	t.Helper()
	svc, err := rt.LoadService(context.Background(), cfg, marine.ServiceOptions{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	return svc
}

func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testWASI maps one directory and sets one variable, and checks that the
// module sees those and nothing else of the host.
func testWASI(t *testing.T, cfg *config.Config) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "given.txt"), []byte("from the host"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Modules[0].MappedDirs = map[string]string{"/data": data}
	cfg.Modules[0].Envs = map[string]string{"GREETING": "hi"}
	svc := loadConfig(t, newRuntime(t, nil), cfg, "files")

	if got := call(t, svc, "write_file", `["/data/note.txt", "from the module"]`); got != `""` {
		t.Fatalf("write_file = %s", got)
	}
	b, err := os.ReadFile(filepath.Join(data, "note.txt"))
	if err != nil || string(b) != "from the module" {
		t.Errorf("the host reads note.txt as %q, %v", b, err)
	}
	tests := []struct{ fn, args, want string }{
		{"read_file", `["/data/given.txt"]`, `"from the host"`},
		{"list_dir", `["/data"]`, `["given.txt","note.txt"]`},
		{"environ", `[]`, `["/data=` + data + `","GREETING=hi","service_id=files"]`},
	}
	for _, tt := range tests {
		if got := call(t, svc, tt.fn, tt.args); got != tt.want {
			t.Errorf("%s(%s) = %s, want %s", tt.fn, tt.args, got, tt.want)
		}
	}
	// Nothing outside the mapped directory is reachable.
	hostFile := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(hostFile, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{hostFile, "/etc/passwd", "/data/../" + filepath.Base(hostFile), "/data/../../etc/passwd"} {
		got := call(t, svc, "read_file", `[`+jsonString(t, path)+`]`)
		if !strings.HasPrefix(got, `"error: `) {
			t.Errorf("read_file(%s) = %s, want an error", path, got)
		}
	}
	for _, path := range []string{"/", "/tmp", filepath.Dir(hostFile)} {
		got := call(t, svc, "list_dir", `[`+jsonString(t, path)+`]`)
		if !strings.HasPrefix(got, `["error: `) {
			t.Errorf("list_dir(%s) = %s, want an error", path, got)
		}
	}
	if got := call(t, svc, "write_file", `["/outside.txt", "x"]`); got == `""` {
		t.Errorf("write_file outside the mapped directory succeeded")
	}
}

type binaryResult struct {
	RetCode int32  `json:"ret_code"`
	Error   string `json:"error"`
	Stdout  []byte `json:"stdout"`
	Stderr  []byte `json:"stderr"`
}

// callBinary calls fn and decodes its MountedBinaryResult; encoding/json
// reads the byte arrays, JSON arrays of numbers, into the []byte fields.
func callBinary(t *testing.T, svc *marine.Service, fn, args string) binaryResult {
	t.Helper()
	var r binaryResult
	if err := json.Unmarshal([]byte(call(t, svc, fn, args)), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// testMountedBinaries runs binaries the config mounts, with a time
// limit, and refuses a module whose binaries the config does not allow.
func testMountedBinaries(t *testing.T, cfg *config.Config, echo string) {
	rt, err := marine.New(context.Background(), marine.Options{CacheDir: testCacheDir(), BinaryTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	svc := loadConfig(t, rt, cfg, "binaries")

	r := callBinary(t, svc, "run_echo", `[["hello", "two words"]]`)
	if r.RetCode != 0 || string(r.Stdout) != "hello two words\n" || r.Error != "" {
		t.Errorf("echo = %+v (stdout %q), want ret_code 0 and the arguments", r, r.Stdout)
	}
	r = callBinary(t, svc, "run_sleep", `[["30"]]`)
	if r.RetCode != 100000 || !strings.Contains(r.Error, "was stopped after 300ms") {
		t.Errorf("sleep 30 = %+v, want ret_code 100000 and a timeout", r)
	}
	r = callBinary(t, svc, "run_sleep", `[["not-a-number"]]`)
	if r.RetCode == 0 || len(r.Stderr) == 0 {
		t.Errorf("sleep not-a-number = %+v, want its exit code and its complaint", r)
	}

	t.Run("spawn error", func(t *testing.T) {
		c := *cfg
		c.Modules = []config.Module{cfg.Modules[0]}
		c.Modules[0].MountedBinaries = map[string]string{"echo": filepath.Join(t.TempDir(), "missing"), "sleep": echo}
		svc := loadConfig(t, rt, &c, "missing")
		r := callBinary(t, svc, "run_echo", `[[]]`)
		if r.RetCode != 100001 || !strings.Contains(r.Error, "no such file") {
			t.Errorf("missing binary = %+v, want ret_code 100001", r)
		}
	})
	t.Run("refused by the host", func(t *testing.T) {
		var asked []string
		rt, err := marine.New(context.Background(), marine.Options{CacheDir: testCacheDir(), AllowBinary: func(module, name, path string) bool {
			asked = append(asked, module+" "+name+" "+path)
			return name == "echo"
		}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = rt.Close(context.Background()) })
		_, err = rt.LoadService(context.Background(), cfg, marine.ServiceOptions{})
		want := "the config mounts " + cfg.Modules[0].MountedBinaries["sleep"] + " as the binary sleep, which this host does not allow"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
		if want := []string{"hostsvc echo " + echo, "hostsvc sleep " + cfg.Modules[0].MountedBinaries["sleep"]}; !reflect.DeepEqual(asked, want) {
			t.Errorf("AllowBinary was asked %q, want %q", asked, want)
		}
	})
	t.Run("not mounted", func(t *testing.T) {
		c := *cfg
		c.Modules = []config.Module{cfg.Modules[0]}
		c.Modules[0].MountedBinaries = map[string]string{"echo": echo}
		_, err := rt.LoadService(context.Background(), &c, marine.ServiceOptions{})
		want := "imports __marine_host_api_v3.sleep, which is neither a host function nor a binary mounted in its config"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("loading without the sleep binary: error = %v, want %q", err, want)
		}
	})
}

// testHostAPIs reads the call parameters through each namespace, in the
// layout the SDK of that version declares.
func testHostAPIs(t *testing.T, cfg *config.Config) {
	svc := loadConfig(t, newRuntime(t, nil), cfg, "params")
	params := marine.CallParameters{
		ParticleID: "particle-1", InitPeerID: "init-peer", Timestamp: 1700000000123, TTL: 30000,
		Script: "(null)", Signature: []byte{9, 8}, Token: "token",
		ServiceID: "svc", ServiceCreatorPeerID: "creator", HostID: "host-peer", WorkerID: "worker",
		Tetraplets: [][]marine.SecurityTetraplet{
			{{PeerPK: "pk1", ServiceID: "s1", FunctionName: "f1", Lens: ".$.a"}},
			{},
			{{PeerPK: "pk2", ServiceID: "s2", FunctionName: "f2", Lens: ""}, {PeerPK: "pk3", ServiceID: "s3", FunctionName: "f3", Lens: ".b"}},
		},
	}
	tetraplets := func(lens string) string {
		return `[[{"peer_pk":"pk1","service_id":"s1","function_name":"f1","` + lens + `":".$.a"}],[],` +
			`[{"peer_pk":"pk2","service_id":"s2","function_name":"f2","` + lens + `":""},{"peer_pk":"pk3","service_id":"s3","function_name":"f3","` + lens + `":".b"}]]`
	}
	tests := []struct{ fn, want string }{
		{"params_v0", `{"init_peer_id":"init-peer","service_id":"svc","service_creator_peer_id":"creator","host_id":"host-peer",` +
			`"particle_id":"particle-1","tetraplets":` + tetraplets("json_path") + `}`},
		{"params_v1", `{"init_peer_id":"init-peer","service_id":"svc","service_creator_peer_id":"creator","host_id":"host-peer",` +
			`"worker_id":"worker","particle_id":"particle-1","tetraplets":` + tetraplets("json_path") + `}`},
		{"params_v2", `{"particle":{"id":"particle-1","init_peer_id":"init-peer","timestamp":1700000000123,"ttl":30000,` +
			`"script":"(null)","signature":[9,8],"token":"token"},"service_id":"svc","service_creator_peer_id":"creator",` +
			`"host_id":"host-peer","worker_id":"worker","tetraplets":` + tetraplets("lambda") + `}`},
		{"params_v3", `"particle-1"`},
	}
	for _, tt := range tests {
		out, err := svc.Call(context.Background(), tt.fn, nil, params)
		if err != nil {
			t.Errorf("%s: %v", tt.fn, err)
			continue
		}
		if string(out) != tt.want {
			t.Errorf("%s =\n%s\nwant\n%s", tt.fn, out, tt.want)
		}
	}
	// Empty parameters lay out as empty values, not garbage.
	if got := call(t, svc, "params_v1", `[]`); got != `{"init_peer_id":"","service_id":"","service_creator_peer_id":"","host_id":"","worker_id":"","particle_id":"","tetraplets":[]}` {
		t.Errorf("params_v1 without parameters = %s", got)
	}
}

// testLogs checks that log_utf8_string, stdout and stderr reach both the
// logger and OnLog, with the module, service and particle.
func testLogs(t *testing.T, cfg *config.Config) {
	var (
		mu   sync.Mutex
		recs []marine.LogRecord
		logs syncBuffer
	)
	rt, err := marine.New(context.Background(), marine.Options{
		CacheDir: testCacheDir(),
		Logger:   slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		OnLog: func(r marine.LogRecord) {
			mu.Lock()
			defer mu.Unlock()
			recs = append(recs, r)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	svc := loadConfig(t, rt, cfg, "logs")
	if _, err := svc.Call(context.Background(), "say", json.RawMessage(`[2, "careful"]`), marine.CallParameters{ParticleID: "p-7"}); err != nil {
		t.Fatal(err)
	}
	// A line the module leaves unfinished is logged when the call ends.
	if _, err := svc.Call(context.Background(), "print", json.RawMessage(`["no newline"]`), marine.CallParameters{ParticleID: "p-8"}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	rec := func(source string, level slog.Level, msg string) marine.LogRecord {
		return marine.LogRecord{Service: "logs", Module: "hostsvc", ParticleID: "p-7", Source: source, Level: level, Message: msg}
	}
	want := []marine.LogRecord{
		rec(marine.SourceLog, slog.LevelWarn, "careful"),
		rec(marine.SourceStdout, slog.LevelInfo, "out: careful"),
		rec(marine.SourceStderr, slog.LevelWarn, "err: careful"),
		{Service: "logs", Module: "hostsvc", ParticleID: "p-8", Source: marine.SourceStdout, Level: slog.LevelInfo, Message: "no newline"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("OnLog received\n%+v\nwant\n%+v", recs, want)
	}
	for _, line := range []string{
		"level=WARN msg=careful module=hostsvc service=logs",
		`level=INFO msg="out: careful" module=hostsvc service=logs stream=stdout`,
		`level=WARN msg="err: careful" module=hostsvc service=logs stream=stderr`,
	} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the logger lacks %q in\n%s", line, logs.String())
		}
	}
}
