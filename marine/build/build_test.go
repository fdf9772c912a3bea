package build_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/build"
	"github.com/aquarium-p2p/aquarium/marine/config"
	"github.com/aquarium-p2p/aquarium/marine/internal/reftest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

// TestGenerate pins the interface section and the export wrappers the
// generator writes for the key-value example.
func TestGenerate(t *testing.T) {
	p, err := build.Inspect(filepath.Join("..", "examples", "kv"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "kv.it.txt", []byte(p.Section.Text()))
	golden(t, "kv_exports.go.txt", p.Wrappers())
}

// TestGenerateImports pins the section and wrappers of a facade that
// imports every function of the key-value example: the import entries,
// adapters and call-core indices the reference generator writes.
func TestGenerateImports(t *testing.T) {
	p, err := build.Inspect(filepath.Join("..", "examples", "visits"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "visits.it.txt", []byte(p.Section.Text()))
	golden(t, "visits_exports.go.txt", p.Wrappers())
}

func TestInspectErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"map", "package main\nfunc F(m map[string]int) {}\n", "this type is not supported"},
		{"two results", "package main\nfunc F() (int32, int32) { return 0, 0 }\n", "returns 2 values"},
		{"unknown type", "package main\nfunc F(x Foo) {}\n", "type Foo is not supported"},
		{"empty struct", "package main\ntype E struct{}\nfunc F(e E) {}\n", "no fields"},
		{"unexported field", "package main\ntype E struct{ a int32 }\nfunc F(e E) {}\n", "field a must be exported"},
		{"not main", "package lib\nfunc F() {}\n", "must be package main"},
		{"nothing exported", "package main\nfunc f() {}\n", "no exported functions"},
		{"import without module", "package main\nfunc F() {}\n//marine:import\nvar m struct{ G func() }\n", "needs one module name"},
		{"import of a func", "package main\nfunc F() {}\n//marine:import m\nvar m func()\n", "must be of a struct type"},
		{"import field not a func", "package main\nfunc F() {}\n//marine:import m\nvar m struct{ G int32 }\n", "must be a named function"},
		{"import unnamed param", "package main\nfunc F() {}\n//marine:import m\nvar m struct{ G func(string) }\n", "parameters need names"},
		{"import bad type", "package main\nfunc F() {}\n//marine:import m\nvar m struct{ G func(x map[string]int) }\n", "not supported"},
		{"import with value", "package main\nfunc F() {}\n//marine:import m\nvar m = struct{ G func() }{}\n", "without a value"},
		{"import nothing", "package main\nfunc F() {}\n//marine:import m\nvar m struct{}\n", "imports no functions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := build.Inspect(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Inspect error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

type example struct {
	dir   string
	calls []struct{ fn, args, want string }
}

var examples = []example{
	{"greeting", []struct{ fn, args, want string }{
		{"greeting", `["Marine"]`, `"Hi, Marine"`},
		{"greeting", `{"name": ""}`, `"Hi, "`},
		{"caller", `[]`, `""`},
	}},
	{"kv", []struct{ fn, args, want string }{
		{"put", `["a", "1"]`, `true`},
		{"put", `["a", "one"]`, `false`},
		{"put_all", `[[{"key": "b", "value": "22"}, ["c", "333"]]]`, `3`},
		{"get", `["a"]`, `["one"]`},
		{"get", `["zz"]`, `[]`},
		{"list", `[]`, `[{"key":"a","value":"one"},{"key":"b","value":"22"},{"key":"c","value":"333"}]`},
		{"summary", `null`, `{"count":3,"keys":["a","b","c"],"largest":{"key":"a","value":"one"}}`},
		{"delete", `["b"]`, `true`},
		{"bytes", `[[1, 2, 255]]`, `[255,2,1]`},
		{"bytes", `[[]]`, `[]`},
		{"sum", `[-128, 65535, -9000000000, 0.25]`, `-8999934592.75`},
	}},
}

func buildExample(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH; building a module runs it")
	}
	out := filepath.Join(t.TempDir(), name+".wasm")
	if err := build.Build(context.Background(), filepath.Join("..", "examples", name), out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExamples builds the examples and calls them in this runtime.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go modules for wasip1, which takes seconds")
	}
	rt, err := marine.New(context.Background(), marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	for _, ex := range examples {
		t.Run(ex.dir, func(t *testing.T) {
			svc, err := rt.LoadModule(context.Background(), buildExample(t, ex.dir), marine.ServiceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close(context.Background())
			for _, c := range ex.calls {
				out, err := svc.Call(context.Background(), c.fn, json.RawMessage(c.args), marine.CallParameters{InitPeerID: ""})
				if err != nil {
					t.Errorf("%s(%s): %v", c.fn, c.args, err)
					continue
				}
				if string(out) != c.want {
					t.Errorf("%s(%s) = %s, want %s", c.fn, c.args, out, c.want)
				}
			}
			if ex.dir == "greeting" {
				out, err := svc.Call(context.Background(), "caller", nil, marine.CallParameters{InitPeerID: "12D3KooWinit"})
				if err != nil || string(out) != `"12D3KooWinit"` {
					t.Errorf("caller with call parameters = %s, %v", out, err)
				}
			}
		})
	}
}

// TestExamplesInReference loads the built examples in the reference
// Marine runtime, which runs each call on a fresh service, and compares
// stateless calls.
func TestExamplesInReference(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go modules and runs node")
	}
	rt, err := marine.New(context.Background(), marine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	stateless := map[string][]struct{ fn, args string }{
		"greeting": {{"greeting", `["Marine"]`}},
		"kv": {{"put_all", `[[{"key": "b", "value": "22"}]]`}, {"get", `["a"]`}, {"summary", `[]`},
			{"bytes", `[[1, 2, 255]]`}, {"sum", `[-128, 65535, -9000000000, 0.25]`}},
	}
	for _, ex := range examples {
		t.Run(ex.dir, func(t *testing.T) {
			wasm := buildExample(t, ex.dir)
			for _, c := range stateless[ex.dir] {
				ref, err := reftest.MarineCall(t, wasm, c.fn, c.args).Output()
				if err != nil {
					t.Fatalf("reference %s: %v", c.fn, err)
				}
				svc, err := rt.LoadModule(context.Background(), wasm, marine.ServiceOptions{})
				if err != nil {
					t.Fatal(err)
				}
				out, err := svc.Call(context.Background(), c.fn, json.RawMessage(c.args), marine.CallParameters{})
				_ = svc.Close(context.Background())
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
					t.Errorf("%s(%s): ours %s, reference %s", c.fn, c.args, out, ref)
				}
			}
		})
	}
}

// TestMultiModuleService builds the visits facade and the kv module it
// imports, loads them through the example's Config.toml and checks that
// every kind of value crosses between the modules both ways, and that
// the dependency's state persists across calls.
func TestMultiModuleService(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go modules for wasip1, which takes seconds")
	}
	svc := loadVisits(t)
	if got := svc.Modules(); !reflect.DeepEqual(got, []string{"kv", "visits"}) {
		t.Errorf("Modules() = %v", got)
	}
	calls := []struct{ fn, args, want string }{
		{"visit", `["Marine"]`, `"Hi, Marine"`},
		{"visit", `["Marine"]`, `"Hi again, Marine (visit 2)"`},
		{"visit", `["Ünïcode ✓"]`, `"Hi, Ünïcode ✓"`},
		{"remember", `[[{"key": "a", "value": "apple"}, ["b", ""]]]`, `4`},
		{"remember", `[[]]`, `4`},
		{"visitors", `[]`, `[{"key":"Marine","value":"2"},{"key":"a","value":"apple"},{"key":"b","value":""},{"key":"Ünïcode ✓","value":"1"}]`},
		{"describe", `[]`, `{"count":4,"keys":["Marine","a","b","Ünïcode ✓"],"largest":{"key":"a","value":"apple"}}`},
		{"forget", `["a"]`, `true`},
		{"forget", `["a"]`, `false`},
		{"mirror", `[[1, 2, 255]]`, `[255,2,1]`},
		{"mirror", `[[]]`, `[]`},
		{"total", `[-128, 65535, -9000000000, 0.25]`, `-8999934592.75`},
		{"visit", `[""]`, `"Hi, "`},
	}
	for _, c := range calls {
		out, err := svc.Call(context.Background(), c.fn, json.RawMessage(c.args), marine.CallParameters{})
		if err != nil {
			t.Errorf("%s(%s): %v", c.fn, c.args, err)
			continue
		}
		if string(out) != c.want {
			t.Errorf("%s(%s) = %s, want %s", c.fn, c.args, out, c.want)
		}
	}
	// Only the facade takes calls; kv's functions are reached through it.
	if _, err := svc.Call(context.Background(), "put", json.RawMessage(`["k", "v"]`), marine.CallParameters{}); !errors.Is(err, marine.ErrNoFunction) {
		t.Errorf("calling the dependency's put on the service: error = %v, want ErrNoFunction", err)
	}
}

// TestMissingDependency loads the facade without the module it imports.
func TestMissingDependency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go modules for wasip1, which takes seconds")
	}
	wasm := buildExample(t, "visits")
	rt, err := marine.New(context.Background(), marine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	_, err = rt.LoadModule(context.Background(), wasm, marine.ServiceOptions{})
	if err == nil || !strings.Contains(err.Error(), "imports kv.put, but no module kv is loaded before it") {
		t.Errorf("error = %v, want one naming the missing module kv", err)
	}
}

// loadVisits builds the visits facade and the kv module and loads them
// through the example's Config.toml.
func loadVisits(t testing.TB) *marine.Service {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH; building a module runs it")
	}
	dir := t.TempDir()
	cfgText, err := os.ReadFile(filepath.Join("..", "examples", "visits", "Config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "Config.toml")
	if err := os.WriteFile(cfgPath, cfgText, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kv", "visits"} {
		if err := build.Build(context.Background(), filepath.Join("..", "examples", name), filepath.Join(dir, "artifacts", name+".wasm")); err != nil {
			t.Fatal(err)
		}
	}
	cfg, warns, err := config.Load(cfgPath)
	if err != nil || len(warns) > 0 {
		t.Fatalf("Config.toml: %v %v", err, warns)
	}
	rt, err := marine.New(context.Background(), marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Close(context.Background()) })
	svc, err := rt.LoadService(context.Background(), cfg, marine.ServiceOptions{ID: "visits"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	return svc
}

// BenchmarkCrossModuleCall calls through the facade into kv: scalars, a
// string both ways, and byte arrays both ways.
func BenchmarkCrossModuleCall(b *testing.B) {
	svc := loadVisits(b)
	for _, c := range []struct{ name, fn, args string }{
		{"scalars", "total", `[1, 2, 3, 0.5]`},
		{"strings", "visit", `["Marine"]`},
		{"bytes", "mirror", `[[1, 2, 3, 4, 5, 6, 7, 8]]`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Call(context.Background(), c.fn, json.RawMessage(c.args), marine.CallParameters{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
