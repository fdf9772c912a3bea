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
}
