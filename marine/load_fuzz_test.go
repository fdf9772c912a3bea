package marine_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/config"
)

// fuzzMemoryLimit is the total_memory_limit of the services the fuzz
// test loads: small, so that a module that asks for more is refused
// rather than granted.
const fuzzMemoryLimit = 4 << 20

// FuzzLoadModule loads arbitrary bytes as the module of a service, as a
// node does for a module a peer deployed: loading must fail with an
// error or succeed within the service's memory limit, never panic, and
// end within the context's time even if a start function loops.
//
// The runtime interprets rather than compiles: wazero validates a module
// fully either way, and compiling each input to machine code would take
// most of the time of an exec, for code the fuzzer never runs twice.
func FuzzLoadModule(f *testing.F) {
	f.Add(testModule(f, true))
	f.Add(testModule(f, false))
	f.Add(unexportedMemory(f, testModule(f, true), 1024))
	rt, err := marine.NewInterpreted(context.Background(), marine.Options{MemoryLimit: fuzzMemoryLimit})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = rt.Close(context.Background()) })
	path := filepath.Join(f.TempDir(), "fuzz.wasm")
	f.Fuzz(func(t *testing.T, wasm []byte) {
		if err := os.WriteFile(path, wasm, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		svc, err := rt.LoadService(ctx, config.Single(path), marine.ServiceOptions{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("loading failed with an empty error")
			}
			return
		}
		defer svc.Close(context.Background())
		if used := svc.MemoryUsed(); used > fuzzMemoryLimit {
			t.Fatalf("the service holds %d bytes of memory, over its limit of %d", used, fuzzMemoryLimit)
		}
	})
}

// TestUnexportedMemoryCountsAgainstTheLimit loads a module whose memory
// is not exported and needs 64 MiB to start: the limit of 4 MiB refuses
// it before the memory is allocated, as it does an exported one.
func TestUnexportedMemoryCountsAgainstTheLimit(t *testing.T) {
	rt := newRuntime(t, nil)
	for _, tc := range []struct {
		name string
		wasm []byte
	}{
		{"exported", exportedMemory(t, testModule(t, true), 1024)},
		{"unexported", unexportedMemory(t, testModule(t, true), 1024)},
	} {
		path := filepath.Join(t.TempDir(), "big.wasm")
		if err := os.WriteFile(path, tc.wasm, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := config.Single(path)
		cfg.TotalMemoryLimit = 4 << 20
		svc, err := rt.LoadService(context.Background(), cfg, marine.ServiceOptions{})
		if err == nil {
			used := svc.MemoryUsed()
			_ = svc.Close(context.Background())
			t.Fatalf("%s: a module needing 64 MiB loaded under a 4 MiB limit, holding %d bytes", tc.name, used)
		}
		if !errors.Is(err, marine.ErrMemoryLimit) {
			t.Errorf("%s: %v, want ErrMemoryLimit", tc.name, err)
		}
	}
}

// testMemorySection is the memory section of testModule: one memory of
// at least one page, no maximum.
var testMemorySection = []byte{5, 3, 1, 0x00, 1}

// exportedMemory returns wasm (testModule's) with a memory of at least
// pages pages.
func exportedMemory(t testing.TB, wasm []byte, pages uint32) []byte {
	t.Helper()
	if bytes.Count(wasm, testMemorySection) != 1 {
		t.Fatal("the test module's memory section is not where expected")
	}
	min := uleb(pages)
	sec := append([]byte{5, byte(2 + len(min)), 1, 0x00}, min...)
	return bytes.Replace(wasm, testMemorySection, sec, 1)
}

// unexportedMemory is exportedMemory with the memory's export removed,
// so that only the module's own code reaches its memory.
func unexportedMemory(t testing.TB, wasm []byte, pages uint32) []byte {
	t.Helper()
	wasm = exportedMemory(t, wasm, pages)
	entry := append(name("memory"), 0x02, 0x00)
	out := wasm[:8:8]
	for rest := wasm[8:]; len(rest) > 0; {
		id := rest[0]
		size, n := readULEB(rest[1:])
		data := rest[1+n : 1+n+int(size)]
		rest = rest[1+n+int(size):]
		if id == 7 {
			count, n := readULEB(data)
			if bytes.Count(data, entry) != 1 {
				t.Fatal("the test module's memory export is not where expected")
			}
			data = append(uleb(count-1), bytes.Replace(data[n:], entry, nil, 1)...)
		}
		out = append(out, section(id, data)...)
	}
	return out
}

// readULEB reads an unsigned LEB128 number, and how many bytes it took.
func readULEB(b []byte) (uint32, int) {
	var v uint32
	for i, c := range b {
		v |= uint32(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return v, len(b)
}
