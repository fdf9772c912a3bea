package avmnode

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/marine"
	"github.com/aquarium-p2p/aquarium/marine/internal/reftest"
)

// The mixed tests run core's richest suites with avm.wasm on every other
// peer and core/avm on the rest, so that each particle crosses from one
// implementation to the other hop by hop: each reads the data the other
// wrote, and the suites' results must be what they are with core/avm
// alone.

var (
	loadOnce sync.Once
	shared   *Interpreter
	loadErr  error
)

// wasmInstances is how many copies of avm.wasm the tests share: enough
// for the parallel branches of the networks that run at once.
const wasmInstances = 4

// reference loads avm.wasm once for the package's tests (compiling it
// takes seconds without the cache), or skips the test, saying how to
// install it, where it is not installed.
func reference(t testing.TB) *Interpreter {
	t.Helper()
	path := reftest.AVM(t)
	loadOnce.Do(func() {
		ctx := context.Background()
		rt, err := marine.New(ctx, marine.Options{CacheDir: filepath.Join(os.TempDir(), "aquarium-marine-test-cache")})
		if err != nil {
			loadErr = err
			return
		}
		shared, loadErr = Load(ctx, rt, path, wasmInstances)
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return shared
}

// counted counts the interpretations an interpreter runs.
type counted struct {
	node.Interpreter
	runs *atomic.Int64
}

func (c counted) Run(ctx context.Context, p avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	c.runs.Add(1)
	return c.Interpreter.Run(ctx, p, script, prev, current, results)
}

// pair is avm.wasm and core/avm, each counting its runs, so that a mixed
// test can tell that both took part.
type pair struct{ wasm, native counted }

func newPair(t testing.TB) pair {
	t.Helper()
	return pair{
		wasm:   counted{reference(t), new(atomic.Int64)},
		native: counted{node.NativeInterpreter{}, new(atomic.Int64)},
	}
}

// alternate gives peer i avm.wasm when i%2 == wasmParity, core/avm
// otherwise.
func (p pair) alternate(wasmParity int) func(i int) node.Interpreter {
	return func(i int) node.Interpreter {
		if i%2 == wasmParity {
			return p.wasm
		}
		return p.native
	}
}

// bothRan fails t unless both interpreters ran.
func (p pair) bothRan(t *testing.T) {
	t.Helper()
	w, n := p.wasm.runs.Load(), p.native.runs.Load()
	if w == 0 || n == 0 {
		t.Errorf("avm.wasm ran %d interpretations and core/avm %d: the particles did not cross between them", w, n)
	}
	t.Logf("%d interpretations on avm.wasm, %d on core/avm", w, n)
}
