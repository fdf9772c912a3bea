// Package marine runs Marine WebAssembly services on wazero. A Marine
// module is a wasm32-wasi module built with the Marine SDK: its
// interface-types custom section describes rich functions (strings,
// arrays, records) that adapters lower into and lift out of linear memory.
// Modules built with the reference Rust SDK load unchanged, as do modules
// written in Go with marine/sdk.
//
// A [Runtime] compiles modules (caching compiled code on disk) and loads
// services; a [Service] is a list of modules linked by import namespace,
// the last of which, the facade, takes calls:
//
//	rt, err := marine.New(ctx, marine.Options{CacheDir: dir, Logger: logger})
//	svc, err := rt.LoadService(ctx, cfg, marine.ServiceOptions{ID: "greeting"})
//	out, err := svc.Call(ctx, "greeting", json.RawMessage(`["Marine"]`), marine.CallParameters{})
//
// Each service gets a memory budget shared by its modules (its config's
// total_memory_limit, else the runtime's default), a WASI sandbox per
// module limited to its mapped directories and environment, and the
// reference host API (call parameters, logging, mounted binaries) in every
// namespace the reference serves. Calls into one service are serialised,
// and a bounded number wait for their turn; a call ends when its context
// does. A call that a module trapped in, or that its context ended, leaves
// the service instantiated afresh, so that the next call works: the
// reference keeps the broken instance.
package marine

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tetratelabs/wazero"
)

// Options configure a Runtime.
type Options struct {
	// CacheDir keeps compiled machine code between runs, so that a restart
	// does not recompile modules. Empty means an in-memory cache.
	CacheDir string
	// Logger receives what modules log (log_utf8_string) and write to
	// stdout and stderr, with the module's name. Nil discards it.
	Logger *slog.Logger
	// OnLog, if set, receives every message of every module as it is
	// logged, in addition to Logger: for an embedder that turns module
	// logs into events of its own. It runs on the goroutine of the call
	// (while the service is locked), so it must return quickly and must
	// not call into the service.
	OnLog func(LogRecord)
	// AllowBinary, if set, must also agree before a module may run a
	// binary its service config mounts (path is the host executable). An
	// embedder that loads configs it did not write, such as a node
	// deploying services for remote peers, sets it to its allow-list, as
	// the reference node does. Nil allows every binary a config mounts.
	AllowBinary func(module, name, path string) bool
	// BinaryTimeout bounds each run of a mounted binary; 0 means 10s.
	BinaryTimeout time.Duration
	// MemoryLimit is the total_memory_limit of services whose config sets
	// none; 0 means DefaultMemoryLimit. A config asks for no limit with
	// total_memory_limit = "Infinity".
	MemoryLimit uint64
	// MaxQueue bounds the calls that wait for a service while it runs
	// another; a call beyond them fails at once with ErrBusy. 0 means
	// DefaultMaxQueue.
	MaxQueue int
}

// Defaults of Options.
const (
	// DefaultMemoryLimit lets a few services share a node of 1 GiB.
	DefaultMemoryLimit = 256 << 20
	// DefaultMaxQueue is the calls that may wait for one service.
	DefaultMaxQueue = 32
)

// Runtime compiles modules and loads services. It is safe for concurrent
// use.
type Runtime struct {
	cache  wazero.CompilationCache
	logger *slog.Logger
	opts   Options
	// interpret runs modules on wazero's interpreter, which validates a
	// module without compiling it to machine code: for fuzzing module
	// loading, where each input is loaded once and compiling would be
	// most of the time spent on it.
	interpret bool
}

// New returns a runtime.
func New(ctx context.Context, opts Options) (*Runtime, error) {
	r := &Runtime{opts: opts, logger: opts.Logger}
	if r.logger == nil {
		r.logger = slog.New(slog.DiscardHandler)
	}
	if r.opts.BinaryTimeout <= 0 {
		r.opts.BinaryTimeout = 10 * time.Second
	}
	if r.opts.MemoryLimit == 0 {
		r.opts.MemoryLimit = DefaultMemoryLimit
	}
	if r.opts.MaxQueue <= 0 {
		r.opts.MaxQueue = DefaultMaxQueue
	}
	if opts.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("compilation cache in %s: %w", opts.CacheDir, err)
		}
		r.cache = c
	} else {
		r.cache = wazero.NewCompilationCache()
	}
	return r, nil
}

// Close releases the compilation cache. Services loaded by the runtime
// must be closed first.
func (r *Runtime) Close(ctx context.Context) error {
	return r.cache.Close(ctx)
}
