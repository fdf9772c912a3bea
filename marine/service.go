package marine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/aquarium-p2p/aquarium/marine/config"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// ServiceOptions configure one service.
type ServiceOptions struct {
	// ID is the service id, given to every module as the WASI environment
	// variable service_id, as the reference does.
	ID string
	// WorkDir is where relative mapped directories live; they are created
	// if missing. Empty means the config file's directory.
	WorkDir string
}

// Errors a call can end with, besides those of the module.
var (
	// ErrInterrupted reports a call stopped because its context ended.
	ErrInterrupted = errors.New("call interrupted")
	// ErrMemoryLimit reports a module refused memory because the service
	// reached its total_memory_limit.
	ErrMemoryLimit = errors.New("service memory limit reached")
	// ErrClosed reports a call to a closed service.
	ErrClosed = errors.New("service is closed")
	// ErrBusy reports a call refused because as many calls as the
	// runtime's MaxQueue already wait for the service.
	ErrBusy = errors.New("service is busy")
	// ErrRestarted is added to the error of a call after which the service
	// was instantiated afresh: a module trapped, or the call was
	// interrupted, and the state its modules held is gone.
	ErrRestarted = errors.New("the service was restarted and its state lost")
)

// trapError marks an error raised while a module's Wasm code ran: a trap,
// after which the module's state (its allocator, say) cannot be trusted.
type trapError struct{ err error }

func (e *trapError) Error() string { return e.err.Error() }
func (e *trapError) Unwrap() error { return e.err }

// trapped marks err, returned by a call into Wasm code, as a trap.
func trapped(err error) error {
	if err == nil {
		return nil
	}
	return &trapError{err}
}

type compiledModule struct {
	cfg  config.Module
	code wazero.CompiledModule
	info *ModuleInfo
}

// Service is a loaded Marine service: its modules, instantiated and
// linked. Calls are serialised; a Service is safe for concurrent use.
type Service struct {
	rt       *Runtime
	cfg      *config.Config
	opts     ServiceOptions
	wr       wazero.Runtime
	compiled []compiledModule
	limit    uint64 // the memory budget; 0: none

	// turn is held by the call that runs; pending counts it and the calls
	// waiting for it, rejected the calls refused for want of room.
	turn     chan struct{}
	pending  atomic.Int64
	rejected atomic.Uint64

	mu        sync.Mutex
	gen       int
	mods      []*module
	instances []api.Module            // everything instantiated for this generation
	hostCode  []wazero.CompiledModule // the host modules' code, closed with them
	budget    *budget
	params    CallParameters // of the call in progress
	writers   []*lineLogger  // the modules' stdout and stderr
	broken    error          // why the service cannot take calls
	closed    bool
}

// LoadService compiles (or takes from the cache) and instantiates the
// modules of cfg, in order, and links each to those before it.
func (r *Runtime) LoadService(ctx context.Context, cfg *config.Config, opts ServiceOptions) (*Service, error) {
	if len(cfg.Modules) == 0 {
		return nil, errors.New("the service config lists no modules")
	}
	if opts.WorkDir == "" {
		opts.WorkDir = cfg.Dir
	}
	rc := wazero.NewRuntimeConfigCompiler().WithCompilationCache(r.cache)
	if r.interpret {
		rc = wazero.NewRuntimeConfigInterpreter()
	}
	rc = rc.WithCloseOnContextDone(true)
	s := &Service{rt: r, cfg: cfg, opts: opts, wr: wazero.NewRuntimeWithConfig(ctx, rc), turn: make(chan struct{}, 1)}
	switch s.limit = cfg.TotalMemoryLimit; s.limit {
	case 0:
		s.limit = r.opts.MemoryLimit
	case config.Unlimited:
		s.limit = 0
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, s.wr); err != nil {
		_ = s.wr.Close(ctx)
		return nil, err
	}
	for _, mc := range cfg.Modules {
		path := cfg.Path(mc)
		wasm, err := os.ReadFile(path)
		if err != nil {
			_ = s.wr.Close(ctx)
			return nil, fmt.Errorf("module %s: %w", mc.Name, err)
		}
		info, err := Inspect(wasm)
		if err != nil {
			_ = s.wr.Close(ctx)
			return nil, fmt.Errorf("module %s (%s): %w", mc.Name, path, err)
		}
		code, err := s.wr.CompileModule(ctx, wasm)
		if err != nil {
			_ = s.wr.Close(ctx)
			return nil, fmt.Errorf("module %s (%s): %w", mc.Name, path, err)
		}
		s.compiled = append(s.compiled, compiledModule{cfg: mc, code: code, info: info})
	}
	if err := s.instantiate(ctx); err != nil {
		_ = s.wr.Close(ctx)
		return nil, err
	}
	return s, nil
}

// LoadModule loads a service made of the one module file at path.
func (r *Runtime) LoadModule(ctx context.Context, path string, opts ServiceOptions) (*Service, error) {
	return r.LoadService(ctx, config.Single(path), opts)
}

// module returns the instantiated module called name, or nil.
func (s *Service) module(name string) *module {
	for _, m := range s.mods {
		if m.name == name {
			return m
		}
	}
	return nil
}

func (s *Service) facade() *module { return s.mods[len(s.mods)-1] }

// Interface describes the facade module's functions and records.
func (s *Service) Interface() Interface {
	return s.compiled[len(s.compiled)-1].info.Interface
}

// Modules returns the module names in load order.
func (s *Service) Modules() []string {
	names := make([]string, len(s.compiled))
	for i, c := range s.compiled {
		names[i] = c.cfg.Name
	}
	return names
}

// MemoryUsed is the linear memory the service's modules hold, in bytes.
func (s *Service) MemoryUsed() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.budget.usedBytes()
}

// instantiate creates a fresh instance of every module. The caller holds
// s.mu or owns s exclusively.
func (s *Service) instantiate(ctx context.Context) error {
	s.gen++
	s.mods = nil
	s.instances = nil
	s.writers = nil
	s.budget = &budget{limit: s.limit}
	ctx = experimental.WithMemoryAllocator(ctx, s.budget)
	for _, c := range s.compiled {
		if err := s.instantiateModule(ctx, c); err != nil {
			s.closeInstances(ctx)
			return fmt.Errorf("module %s: %w", c.cfg.Name, err)
		}
	}
	return nil
}

func (s *Service) instantiateModule(ctx context.Context, c compiledModule) error {
	m := &module{name: c.cfg.Name, svc: s, section: c.info.Section}
	if remaining, limited := s.budget.remaining(); limited {
		need := c.info.MinMemory
		for _, mem := range c.code.ExportedMemories() {
			need = max(need, uint64(mem.Min())*65536)
		}
		if need > remaining {
			return fmt.Errorf("%w: the module needs %s of memory to start, the service's total_memory_limit of %s leaves %s",
				ErrMemoryLimit, formatBytes(need), formatBytes(s.limit), formatBytes(remaining))
		}
	}
	hosts, err := s.importModules(ctx, m, c)
	if err != nil {
		return err
	}
	ctx = experimental.WithImportResolver(ctx, func(name string) api.Module {
		if h, ok := hosts[name]; ok {
			return h
		}
		return nil
	})
	mc, err := s.moduleConfig(c.cfg)
	if err != nil {
		return err
	}
	inst, err := s.wr.InstantiateModule(ctx, c.code, mc.WithName(fmt.Sprintf("%s#%d", c.cfg.Name, s.gen)))
	if err != nil {
		return err
	}
	s.instances = append(s.instances, inst)
	m.inst = inst
	s.mods = append(s.mods, m)
	if err := m.link(); err != nil {
		return err
	}
	// As the reference: _initialize sets up the WASI state, then _start
	// runs main (Rust SDK modules set up their logger there).
	for _, name := range []string{"_initialize", "_start"} {
		if fn := inst.ExportedFunction(name); fn != nil {
			if _, err := fn.Call(ctx); err != nil {
				err = trapped(err)
				var exit *sys.ExitError
				if errors.As(err, &exit) && exit.ExitCode() == 0 {
					return fmt.Errorf("%s exited, closing the module; a service module must not call proc_exit", name)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// moduleConfig builds the WASI sandbox of a module: its environment, its
// mapped directories, stdout and stderr into the log, no stdin, no args.
func (s *Service) moduleConfig(mc config.Module) (wazero.ModuleConfig, error) {
	cfg := wazero.NewModuleConfig().
		WithStartFunctions().
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader).
		WithStdout(s.logWriter(mc.Name, SourceStdout)).
		WithStderr(s.logWriter(mc.Name, SourceStderr))
	env := make(map[string]string, len(mc.Envs)+len(mc.MappedDirs)+1)
	for k, v := range mc.Envs {
		env[k] = v
	}
	fs := wazero.NewFSConfig()
	aliases := make([]string, 0, len(mc.MappedDirs))
	for alias := range mc.MappedDirs {
		aliases = append(aliases, alias)
	}
	sort.Strings(aliases)
	for _, alias := range aliases {
		host := mc.MappedDirs[alias]
		if !filepath.IsAbs(host) {
			host = filepath.Join(s.opts.WorkDir, host)
		}
		if err := os.MkdirAll(host, 0o755); err != nil {
			return nil, fmt.Errorf("mapped directory %s: %w", alias, err)
		}
		fs = fs.WithDirMount(host, alias)
		env[alias] = host
	}
	if s.opts.ID != "" {
		env["service_id"] = s.opts.ID
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cfg = cfg.WithEnv(k, env[k])
	}
	return cfg.WithFSConfig(fs), nil
}

func (s *Service) closeInstances(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, inst := range slices.Backward(s.instances) {
		_ = inst.Close(ctx)
	}
	for _, code := range s.hostCode {
		_ = code.Close(ctx)
	}
	s.instances, s.hostCode = nil, nil
	s.mods = nil
}

// Call calls fn on the facade module with JSON arguments (an array by
// position, an object by name) and returns the result as JSON.
func (s *Service) Call(ctx context.Context, fn string, args json.RawMessage, params CallParameters) (json.RawMessage, error) {
	f, ok := s.Interface().Function(fn)
	if !ok {
		return nil, s.noFunction(fn)
	}
	section := s.compiled[len(s.compiled)-1].info.Section
	if len(args) == 0 {
		args = json.RawMessage("null")
	}
	vals, err := ivalue.ArgsFromJSON(args, f.Args, section)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	out, err := s.CallValues(ctx, fn, vals, params)
	if err != nil {
		return nil, err
	}
	return ivalue.ResultJSON(out, f.Outputs, section)
}

func (s *Service) noFunction(fn string) error {
	iface := s.Interface()
	names := make([]string, len(iface.Functions))
	for i, f := range iface.Functions {
		names[i] = f.Name
	}
	return fmt.Errorf("%w %q in module %s (it exports: %v)", ErrNoFunction, fn, s.compiled[len(s.compiled)-1].cfg.Name, names)
}

// Load is how busy a service is.
type Load struct {
	// Pending counts the call running and those waiting for it.
	Pending int `json:"pending"`
	// MaxQueue is how many calls may wait.
	MaxQueue int `json:"max_queue"`
	// Rejected counts the calls refused with ErrBusy since the service
	// was loaded.
	Rejected uint64 `json:"rejected"`
}

// Saturated reports whether the next call would be refused.
func (l Load) Saturated() bool { return l.Pending > l.MaxQueue }

// Load reports how busy the service is; it does not wait for a call.
func (s *Service) Load() Load {
	return Load{Pending: int(s.pending.Load()), MaxQueue: s.rt.opts.MaxQueue, Rejected: s.rejected.Load()}
}

// enter waits for the service's turn, or fails at once when the queue is
// full; the function it returns gives the turn back.
func (s *Service) enter(ctx context.Context) (func(), error) {
	maxQueue := s.rt.opts.MaxQueue
	if s.pending.Add(1) > int64(maxQueue)+1 {
		s.pending.Add(-1)
		s.rejected.Add(1)
		return nil, fmt.Errorf("%w: %d calls wait for it already", ErrBusy, maxQueue)
	}
	select {
	case s.turn <- struct{}{}:
		return func() {
			<-s.turn
			s.pending.Add(-1)
		}, nil
	case <-ctx.Done():
		s.pending.Add(-1)
		return nil, fmt.Errorf("%w: %w while waiting for the service", ErrInterrupted, ctx.Err())
	}
}

// CallValues calls fn on the facade module with IT values.
func (s *Service) CallValues(ctx context.Context, fn string, args []ivalue.Value, params CallParameters) ([]ivalue.Value, error) {
	leave, err := s.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.broken != nil {
		return nil, s.broken
	}
	if _, ok := s.Interface().Function(fn); !ok {
		return nil, s.noFunction(fn)
	}
	if err := ctx.Err(); err != nil {
		// Its time ran out as it waited: running it would only be
		// interrupted at once, and the service restarted for nothing.
		return nil, fmt.Errorf("%w: %w while waiting for the service", ErrInterrupted, err)
	}
	s.params = params
	defer func() {
		for _, w := range s.writers {
			w.flush()
		}
		s.params = CallParameters{}
	}()
	s.budget.takeRefusal()
	out, err := s.facade().call(ctx, fn, args)
	if err == nil {
		return out, nil
	}
	if refused := s.budget.takeRefusal(); refused > 0 {
		err = fmt.Errorf("%w (%s, a module asked for %s more): %w", ErrMemoryLimit, formatBytes(s.limit), formatBytes(refused), err)
	}
	if cerr := ctx.Err(); cerr != nil {
		err = fmt.Errorf("%w: %w: %w", ErrInterrupted, cerr, err)
	}
	var trap *trapError
	if errors.As(err, &trap) || s.anyClosed() {
		// A module trapped, and its state (its allocator, its globals)
		// may be anything; or a deadline, a cancellation or proc_exit
		// closed a module. Start the service afresh so that later calls
		// work.
		s.closeInstances(ctx)
		if rerr := s.instantiate(context.WithoutCancel(ctx)); rerr != nil {
			s.broken = fmt.Errorf("the service could not be restarted after a failed call: %w", rerr)
			return nil, fmt.Errorf("%w; %w", err, s.broken)
		}
		err = fmt.Errorf("%w (%w)", err, ErrRestarted)
	}
	return nil, err
}

func (s *Service) anyClosed() bool {
	if len(s.mods) != len(s.compiled) {
		return true
	}
	for _, m := range s.mods {
		if m.inst.IsClosed() {
			return true
		}
	}
	return false
}

// Close releases the service's instances and compiled code.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeInstances(ctx)
	return s.wr.Close(ctx)
}
