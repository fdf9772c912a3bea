package marine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"syscall"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/aquarium-p2p/aquarium/marine/adapter"
	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
)

// importModules builds, for one module about to be instantiated, a host
// module per namespace it imports from (other than WASI): the host API
// namespaces and its dependencies. Each is private to the module, so
// that its functions run the module's own import adapters.
func (s *Service) importModules(ctx context.Context, m *module, c compiledModule) (map[string]api.Module, error) {
	byNS := make(map[string][]api.FunctionDefinition)
	var order []string
	for _, def := range c.code.ImportedFunctions() {
		ns, _, _ := def.Import()
		if ns == "wasi_snapshot_preview1" {
			continue
		}
		if _, ok := byNS[ns]; !ok {
			order = append(order, ns)
		}
		byNS[ns] = append(byNS[ns], def)
	}
	out := make(map[string]api.Module, len(order))
	for _, ns := range order {
		hostName := fmt.Sprintf("%s#%d<-%s", m.name, s.gen, ns)
		b := s.wr.NewHostModuleBuilder(hostName)
		for _, def := range byNS[ns] {
			_, name, _ := def.Import()
			fn, err := s.hostFunc(m, c, ns, name, def)
			if err != nil {
				return nil, err
			}
			b.NewFunctionBuilder().WithGoModuleFunction(fn, def.ParamTypes(), def.ResultTypes()).Export(name)
		}
		// Compile and instantiate rather than Instantiate: the import
		// resolver needs the module instance itself, not the wrapper
		// Instantiate returns.
		code, err := b.Compile(ctx)
		if err != nil {
			return nil, fmt.Errorf("imports from %s: %w", ns, err)
		}
		s.hostCode = append(s.hostCode, code)
		inst, err := s.wr.InstantiateModule(ctx, code, wazero.NewModuleConfig().WithName(hostName))
		if err != nil {
			return nil, fmt.Errorf("imports from %s: %w", ns, err)
		}
		s.instances = append(s.instances, inst)
		out[ns] = inst
	}
	return out, nil
}

var (
	noParams   []api.ValueType
	i32        = api.ValueTypeI32
	logParams  = []api.ValueType{i32, i32, i32, i32}
	pairParams = []api.ValueType{i32, i32}
)

func sameTypes(def api.FunctionDefinition, params, results []api.ValueType) bool {
	return bytes.Equal(def.ParamTypes(), params) && bytes.Equal(def.ResultTypes(), results)
}

// hostFunc returns the implementation of one import.
func (s *Service) hostFunc(m *module, c compiledModule, ns, name string, def api.FunctionDefinition) (api.GoModuleFunction, error) {
	if h, ok := hostAPIByNamespace(ns); ok {
		switch {
		case name == "get_call_parameters":
			if !sameTypes(def, noParams, nil) {
				return nil, fmt.Errorf("%s.%s is imported as %v -> %v, expected () -> ()", ns, name, def.ParamTypes(), def.ResultTypes())
			}
			return s.callParameters(m, h), nil
		case name == "log_utf8_string":
			if !c.cfg.LoggerEnabled {
				return nil, fmt.Errorf("the module imports %s.%s, but logger_enabled is false in its config", ns, name)
			}
			if !sameTypes(def, logParams, nil) {
				return nil, fmt.Errorf("%s.%s is imported as %v -> %v, expected (i32, i32, i32, i32) -> ()", ns, name, def.ParamTypes(), def.ResultTypes())
			}
			return s.logString(m, c.cfg.LoggingMask), nil
		}
		if path, ok := c.cfg.MountedBinaries[name]; ok {
			if !sameTypes(def, pairParams, nil) {
				return nil, fmt.Errorf("mounted binary %s.%s is imported as %v -> %v, expected (i32, i32) -> ()", ns, name, def.ParamTypes(), def.ResultTypes())
			}
			if allow := s.rt.opts.AllowBinary; allow != nil && !allow(c.cfg.Name, name, path) {
				return nil, fmt.Errorf("the config mounts %s as the binary %s, which this host does not allow", path, name)
			}
			return s.mountedBinary(m, name, path), nil
		}
		return nil, fmt.Errorf("the module imports %s.%s, which is neither a host function nor a binary mounted in its config (add it under [module.mounted_binaries])", ns, name)
	}
	if s.module(ns) == nil {
		return nil, fmt.Errorf("the module imports %s.%s, but no module %s is loaded before it", ns, name, ns)
	}
	code, err := m.importAdapter(ns, name)
	if err != nil {
		return nil, err
	}
	params, results := def.ParamTypes(), def.ResultTypes()
	return api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
		out, err := adapter.Run(ctx, m, code, rawArgs(params, stack))
		if err != nil {
			panic(fmt.Errorf("module %s calling %s.%s: %w", m.name, ns, name, err))
		}
		if err := writeResults(results, out, stack); err != nil {
			panic(fmt.Errorf("module %s calling %s.%s: %w", m.name, ns, name, err))
		}
	}), nil
}

// lowerResult writes a record into the calling module and hands it over
// through set_result_ptr, as host imports returning records do.
func lowerResult(ctx context.Context, m *module, r ivalue.Record) error {
	ptr, err := lilo.NewLowerer(m.mem, func(size, tag uint32) (uint32, error) {
		return m.Allocate(ctx, size, tag)
	}).Record(r)
	if err != nil {
		return err
	}
	return m.setResult(ctx, ptr, 0, false)
}

func (s *Service) callParameters(m *module, h hostAPI) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, _ []uint64) {
		v := h.value(&s.params)
		if err := ivalue.Check(v, it.RecordRef(0), h.records); err != nil {
			panic(fmt.Errorf("get_call_parameters: %w", err))
		}
		if err := lowerResult(ctx, m, v); err != nil {
			panic(fmt.Errorf("get_call_parameters: %w", err))
		}
	}
}

// Return codes of a mounted binary call that did not produce an exit code.
const (
	retSignal     = 100000
	retSpawnError = 100001
	retArgsError  = 100002
)

// maxBinaryOutput bounds what is kept of a mounted binary's stdout and
// stderr each.
const maxBinaryOutput = 64 << 20

func (s *Service) mountedBinary(m *module, name, path string) api.GoModuleFunc {
	return func(ctx context.Context, _ api.Module, stack []uint64) {
		res := s.runBinary(ctx, m, name, path, api.DecodeU32(stack[0]), api.DecodeU32(stack[1]))
		if err := lowerResult(ctx, m, res); err != nil {
			panic(fmt.Errorf("mounted binary %s: %w", name, err))
		}
	}
}

func (s *Service) runBinary(ctx context.Context, m *module, name, path string, ptr, n uint32) ivalue.Record {
	result := func(code int32, msg string, stdout, stderr []byte) ivalue.Record {
		return ivalue.Record{ivalue.S32(code), ivalue.String(msg), ivalue.ByteArray(stdout), ivalue.ByteArray(stderr)}
	}
	v, err := lilo.NewLifter(m.mem, m.section).Array(it.TypeString, ptr, n)
	if err != nil {
		return result(retArgsError, fmt.Sprintf("reading the arguments of %s: %v", name, err), nil, nil)
	}
	arr, _ := v.(ivalue.Array)
	args := make([]string, len(arr))
	for i, a := range arr {
		args[i] = string(a.(ivalue.String))
	}
	ctx, cancel := context.WithTimeout(ctx, s.rt.opts.BinaryTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxBinaryOutput, maxBinaryOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	s.rt.logger.Debug("running mounted binary", slog.String("module", m.name), slog.String("binary", path), slog.Any("args", args))
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return result(0, "", stdout.Bytes(), stderr.Bytes())
	case ctx.Err() != nil:
		return result(retSignal, fmt.Sprintf("%s was stopped after %s", path, s.rt.opts.BinaryTimeout), stdout.Bytes(), stderr.Bytes())
	case errors.As(err, &exit):
		if st, ok := exit.Sys().(syscall.WaitStatus); ok && st.Signaled() {
			return result(retSignal, fmt.Sprintf("%s was killed by %s", path, st.Signal()), stdout.Bytes(), stderr.Bytes())
		}
		return result(int32(exit.ExitCode()), "", stdout.Bytes(), stderr.Bytes())
	}
	return result(retSpawnError, err.Error(), nil, nil)
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
