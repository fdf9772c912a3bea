package registry

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/build"
)

const host = peer.ID("12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx")

func TestDeployAndCall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go module for wasip1, which takes seconds")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH; building the example module runs it")
	}
	ctx := context.Background()
	wasm := filepath.Join(t.TempDir(), "greeting.wasm")
	if err := build.Build(ctx, filepath.Join("..", "examples", "greeting"), wasm); err != nil {
		t.Fatal(err)
	}
	rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	r := New(rt, host)
	defer r.Close(ctx)

	if err := r.Deploy(ctx, "hello", wasm, "owner"); err != nil {
		t.Fatal(err)
	}
	if err := r.Deploy(ctx, "hello", wasm, "owner"); err == nil {
		t.Error("a second service with the same id was deployed")
	}
	if err := r.Alias("greeter", "hello"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"hello", "greeter"} {
		f, ok := r.Lookup(name, "greeting")
		if !ok {
			t.Fatalf("Lookup(%s, greeting) found nothing", name)
		}
		res, err := f(ctx, &builtin.Call{Service: name, Function: "greeting", Args: []any{"Aqua"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := builtin.Stringify(res); got != `"Hi, Aqua"` {
			t.Errorf("greeting = %s", got)
		}
	}
	caller, _ := r.Lookup("hello", "caller")
	res, err := caller(ctx, &builtin.Call{Service: "hello", Function: "caller", Particle: builtin.Particle{InitPeerID: "init-peer"}})
	if err != nil || builtin.Stringify(res) != `"init-peer"` {
		t.Errorf("caller = %v, %v: call parameters did not reach the module", res, err)
	}
	if _, ok := r.Lookup("hello", "nope"); ok {
		t.Error("Lookup found a function the module does not export")
	}
	if _, ok := r.Lookup("nope", "greeting"); ok {
		t.Error("Lookup found a service that is not deployed")
	}
	list := r.List()
	if len(list) != 1 || list[0].ID != "hello" || len(list[0].Aliases) != 1 || len(list[0].Functions) != 2 {
		t.Errorf("List = %+v", list)
	}
	if load := r.Load(); len(load) != 1 || load[0].ID != "hello" || load[0].Pending != 0 || load[0].MaxQueue != marine.DefaultMaxQueue {
		t.Errorf("Load = %+v, want hello idle with the default queue", load)
	}
}

// buildGreeting builds the example module once per test.
func buildGreeting(t *testing.T) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go module for wasip1, which takes seconds")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH; building the example module runs it")
	}
	wasm := filepath.Join(t.TempDir(), "greeting.wasm")
	if err := build.Build(context.Background(), filepath.Join("..", "examples", "greeting"), wasm); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newRuntime(t *testing.T) *marine.Runtime {
	t.Helper()
	ctx := context.Background()
	rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	return rt
}

func greet(t *testing.T, r *Registry, service string) string {
	t.Helper()
	f, ok := r.Lookup(service, "greeting")
	if !ok {
		t.Fatalf("Lookup(%s, greeting) found nothing", service)
	}
	res, err := f(context.Background(), &builtin.Call{Service: service, Function: "greeting", Args: []any{"Aqua"}})
	if err != nil {
		return "error: " + err.Error()
	}
	return builtin.Stringify(res)
}

// TestBlueprintServicesSurviveReopen deploys a module the way dist and
// srv do, closes the registry, and finds the service, its alias and its
// module again when the directory is opened anew.
func TestBlueprintServicesSurviveReopen(t *testing.T) {
	wasm := buildGreeting(t)
	rt := newRuntime(t)
	ctx := context.Background()
	dir := t.TempDir()

	r, err := Open(ctx, rt, host, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.AddModule(ctx, []byte("\x00asm\x01\x00\x00\x00"), "empty"); err == nil {
		t.Error("AddModule took a Wasm module without Marine sections")
	}
	hash, err := r.AddModule(ctx, wasm, "greeting")
	if err != nil {
		t.Fatal(err)
	}
	if hash != builtin.ContentID(wasm) {
		t.Errorf("AddModule = %s, want the content id %s", hash, builtin.ContentID(wasm))
	}
	iface, err := r.ModuleInterface(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if got := builtin.Stringify(iface.FunctionSignatures); got != `[{"arguments":[],"name":"caller","output_types":["string"]},{"arguments":[["name","string"]],"name":"greeting","output_types":["string"]}]` &&
		got != `[{"arguments":[["name","string"]],"name":"greeting","output_types":["string"]},{"arguments":[],"name":"caller","output_types":["string"]}]` {
		t.Errorf("module interface = %s", got)
	}
	if err := r.AddBlueprint(ctx, builtin.Blueprint{ID: "bp", Name: "x", Dependencies: []string{builtin.ContentID(nil)}}); err == nil {
		t.Error("AddBlueprint took a blueprint whose module is missing")
	}
	bp, err := builtin.DecodeBlueprint(string(builtin.EncodeBlueprint("greeting", []string{hash})))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddBlueprint(ctx, bp); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateService(ctx, "nope", host); err == nil {
		t.Error("CreateService made a service from a blueprint that does not exist")
	}
	id, err := r.CreateService(ctx, bp.ID, "owner")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddAlias(ctx, "hello", id); err != nil {
		t.Fatal(err)
	}
	if got := greet(t, r, "hello"); got != `"Hi, Aqua"` {
		t.Fatalf("greeting = %s", got)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}

	r, err = Open(ctx, rt, host, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	if got := greet(t, r, "hello"); got != `"Hi, Aqua"` {
		t.Errorf("greeting after reopening = %s", got)
	}
	info, err := r.Service(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	want := builtin.ServiceInfo{ID: id, BlueprintID: bp.ID, ServiceType: "service", OwnerID: "owner", Aliases: []string{"hello"}, WorkerID: string(host)}
	if builtin.Stringify(info) != builtin.Stringify(want) {
		t.Errorf("info after reopening = %+v, want %+v", info, want)
	}
	if ms, _ := r.Modules(ctx); len(ms) != 1 || ms[0].Hash != hash || ms[0].Name != "greeting" {
		t.Errorf("modules after reopening = %+v", ms)
	}
	if bps, _ := r.Blueprints(ctx); len(bps) != 1 || bps[0].ID != bp.ID {
		t.Errorf("blueprints after reopening = %+v", bps)
	}
	if err := r.RemoveService(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Lookup("hello", "greeting"); ok {
		t.Error("a removed service is still found by its alias")
	}
	if _, ok := r.ResolveAlias(ctx, "hello"); ok {
		t.Error("a removed service's alias still resolves")
	}
	r.Close(ctx)
	r, err = Open(ctx, rt, host, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	if ss, _ := r.Services(ctx); len(ss) != 0 {
		t.Errorf("a removed service came back: %+v", ss)
	}
}

// TestBrokenServiceStaysListed opens a directory whose service lost its
// blueprint: the service is listed, and calling it says why it is down.
func TestBrokenServiceStaysListed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	recs := `[{"id":"s1","blueprint_id":"gone","owner_id":"o","aliases":["a"]}]`
	if err := os.WriteFile(filepath.Join(dir, "services.json"), []byte(recs), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, newRuntime(t), host, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	if got := greet(t, r, "a"); got != "error: service s1 did not start: its blueprint gone is gone" {
		t.Errorf("call to a broken service = %s", got)
	}
	if ss, _ := r.Services(ctx); len(ss) != 1 || ss[0].ID != "s1" {
		t.Errorf("services = %+v", ss)
	}
}

func TestOpenRejectsCorruptState(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "services.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), newRuntime(t), host, dir, nil); err == nil {
		t.Error("Open took a corrupt services.json")
	}
}
