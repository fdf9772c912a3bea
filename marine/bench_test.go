package marine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// The figures of the Marine issue: instantiating a small service from the
// compilation cache (target under 5 ms), loading avm.wasm from it
// (BenchmarkLoadAVM, under 100 ms) and a string echo from the host into a
// module and back (under 10 µs).

func TestEcho(t *testing.T) {
	svc := mustLoad(t, newRuntime(t, nil), 0)
	for _, s := range []string{"", "Marine", "ünïcödé ✓", strings.Repeat("0123456789", 1000)} {
		arg, err := json.Marshal([]string{s})
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := call(t, svc, "echo", string(arg)); got != string(want) {
			t.Errorf("echo(%.20q) = %.20s, want %.20s", s, got, want)
		}
	}
}

// BenchmarkLoadSmallService instantiates the test module, whose compiled
// code the first load leaves in the cache.
func BenchmarkLoadSmallService(b *testing.B) {
	rt := newRuntime(b, nil)
	path := filepath.Join(b.TempDir(), "test.wasm")
	if err := os.WriteFile(path, testModule(b, true), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := config.Single(path)
	load := func() {
		svc, err := rt.LoadService(context.Background(), cfg, marine.ServiceOptions{ID: "test"})
		if err != nil {
			b.Fatal(err)
		}
		_ = svc.Close(context.Background())
	}
	load() // fill the cache
	for b.Loop() {
		load()
	}
}

// BenchmarkEcho calls a function that returns its string argument: the
// whole way with JSON in and out, and with interface-types values, which
// skips JSON.
func BenchmarkEcho(b *testing.B) {
	svc := mustLoad(b, newRuntime(b, nil), 0)
	ctx := context.Background()
	b.Run("json", func(b *testing.B) {
		args := json.RawMessage(`["Hello, Marine"]`)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Call(ctx, "echo", args, marine.CallParameters{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("values", func(b *testing.B) {
		args := []ivalue.Value{ivalue.String("Hello, Marine")}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.CallValues(ctx, "echo", args, marine.CallParameters{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
