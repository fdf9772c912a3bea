// Package config reads Marine service configurations: the Config.toml
// files of the reference runtime, listing a service's modules in load
// order (the last is the facade) with their WASI environment, mapped
// directories, mounted binaries and logging, and the service's memory
// limit.
//
// Fields the reference once had and dropped (mem_pages_count,
// max_heap_size, preopened_files) are accepted and reported as warnings, as
// is any other unknown field.
package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Config is a service configuration.
type Config struct {
	// Dir is the directory relative paths are resolved against: that of
	// the config file.
	Dir string
	// ModulesDir is where module files are looked up by default.
	ModulesDir string
	// TotalMemoryLimit caps the linear memory of all modules together, in
	// bytes. 0 means the config sets none, and the runtime's default
	// applies; Unlimited ("Infinity") means no limit at all.
	TotalMemoryLimit uint64
	// Modules in load order. A module may import only from modules before
	// it; the last one is the facade that calls are made to.
	Modules []Module
}

// Unlimited is the TotalMemoryLimit of a config that asks for no limit,
// total_memory_limit = "Infinity".
const Unlimited = math.MaxUint64

// Module configures one module of a service.
type Module struct {
	// Name is the module's name, the import namespace of modules that
	// depend on it.
	Name string
	// FileName is the module file's name, by default Name + ".wasm".
	FileName string
	// LoadFrom, if set, is the file or directory to load the module from
	// instead of the service's ModulesDir.
	LoadFrom string
	// LoggerEnabled serves log_utf8_string to the module. Modules built
	// with the SDK's logger import it, so they fail to load without it.
	LoggerEnabled bool
	// LoggingMask filters log records by the target bits the module
	// passes; records with target 0 always pass.
	LoggingMask int32
	// Envs are the module's WASI environment variables.
	Envs map[string]string
	// MappedDirs maps guest paths to host directories.
	MappedDirs map[string]string
	// MountedBinaries maps import names to host executables the module
	// may run.
	MountedBinaries map[string]string
}

// Warning is a problem in a config that does not prevent loading it.
type Warning struct {
	Line, Column int
	Message      string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", w.Line, w.Column, w.Message)
	}
	return w.Message
}

type rawWASI struct {
	Envs       any `toml:"envs"`
	MappedDirs any `toml:"mapped_dirs"`
}

type rawModule struct {
	Name            string         `toml:"name"`
	FileName        *string        `toml:"file_name"`
	LoadFrom        *string        `toml:"load_from"`
	LoggerEnabled   *bool          `toml:"logger_enabled"`
	LoggingMask     *int64         `toml:"logging_mask"`
	WASI            *rawWASI       `toml:"wasi"`
	MountedBinaries map[string]any `toml:"mounted_binaries"`
}

type rawConfig struct {
	ModulesDir       *string     `toml:"modules_dir"`
	TotalMemoryLimit any         `toml:"total_memory_limit"`
	Module           []rawModule `toml:"module"`
	Default          *rawModule  `toml:"default"`
}

// removed names fields the reference dropped, with what replaced them.
var removed = map[string]string{
	"mem_pages_count": "total_memory_limit",
	"max_heap_size":   "total_memory_limit",
	"preopened_files": "wasi.mapped_dirs",
	"preopend_files":  "wasi.mapped_dirs",
}

// Load reads and parses the config file at path.
func Load(path string) (*Config, []Warning, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	cfg, warns, err := Parse(data, filepath.Dir(abs))
	if err != nil {
		return nil, warns, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, warns, nil
}

// Parse parses a config; dir is the directory relative paths are
// resolved against.
func Parse(data []byte, dir string) (*Config, []Warning, error) {
	var raw rawConfig
	var warns []Warning
	strict := toml.NewDecoder(strings.NewReader(string(data))).DisallowUnknownFields()
	if err := strict.Decode(&raw); err != nil {
		var missing *toml.StrictMissingError
		if !errors.As(err, &missing) {
			return nil, nil, describe(err)
		}
		for _, e := range missing.Errors {
			key := e.Key()
			line, col := e.Position()
			msg := fmt.Sprintf("unknown field %q is ignored", strings.Join(key, "."))
			if repl, ok := removed[key[len(key)-1]]; ok {
				msg = fmt.Sprintf("field %q is no longer supported and is ignored (use %s)", strings.Join(key, "."), repl)
			}
			warns = append(warns, Warning{Line: line, Column: col, Message: msg})
		}
		raw = rawConfig{}
		if err := toml.Unmarshal(data, &raw); err != nil {
			return nil, warns, describe(err)
		}
	}
	cfg := &Config{Dir: dir}
	if raw.ModulesDir != nil {
		cfg.ModulesDir = *raw.ModulesDir
	}
	limit, err := memoryLimit(raw.TotalMemoryLimit)
	if err != nil {
		return nil, warns, err
	}
	cfg.TotalMemoryLimit = limit
	seen := make(map[string]bool)
	for i, rm := range raw.Module {
		if rm.Name == "" {
			return nil, warns, fmt.Errorf("module %d has no name", i+1)
		}
		if seen[rm.Name] {
			return nil, warns, fmt.Errorf("module %q is listed twice", rm.Name)
		}
		seen[rm.Name] = true
		m, err := module(rm, raw.Default)
		if err != nil {
			return nil, warns, fmt.Errorf("module %q: %w", rm.Name, err)
		}
		cfg.Modules = append(cfg.Modules, m)
	}
	return cfg, warns, nil
}

func describe(err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return fmt.Errorf("line %d, column %d: %s", line, col, de.Error())
	}
	return err
}

// module merges a module's own settings over the [default] section. As in
// the reference, a module with settings of its own does not inherit the
// defaults.
func module(rm rawModule, def *rawModule) (Module, error) {
	src := rm
	if def != nil && rm.LoggerEnabled == nil && rm.LoggingMask == nil && rm.WASI == nil && rm.MountedBinaries == nil {
		src.LoggerEnabled, src.LoggingMask, src.WASI, src.MountedBinaries = def.LoggerEnabled, def.LoggingMask, def.WASI, def.MountedBinaries
	}
	m := Module{
		Name:          rm.Name,
		FileName:      rm.Name + ".wasm",
		LoggerEnabled: true,
		LoggingMask:   math.MaxInt32,
	}
	if rm.FileName != nil {
		m.FileName = *rm.FileName
	}
	if rm.LoadFrom != nil {
		m.LoadFrom = *rm.LoadFrom
	}
	if src.LoggerEnabled != nil {
		m.LoggerEnabled = *src.LoggerEnabled
	}
	if src.LoggingMask != nil {
		if *src.LoggingMask < math.MinInt32 || *src.LoggingMask > math.MaxInt32 {
			return m, fmt.Errorf("logging_mask %d does not fit a 32-bit integer", *src.LoggingMask)
		}
		m.LoggingMask = int32(*src.LoggingMask)
	}
	var err error
	if src.WASI != nil {
		if m.Envs, err = stringMap("wasi.envs", src.WASI.Envs); err != nil {
			return m, err
		}
		if m.MappedDirs, err = stringMap("wasi.mapped_dirs", src.WASI.MappedDirs); err != nil {
			return m, err
		}
	}
	if m.MountedBinaries, err = stringMap("mounted_binaries", src.MountedBinaries); err != nil {
		return m, err
	}
	return m, nil
}

// stringMap accepts a table of scalars, or the legacy array of "K=V"
// strings. Empty means nil.
func stringMap(what string, v any) (map[string]string, error) {
	m, err := toStringMap(what, v)
	if len(m) == 0 {
		return nil, err
	}
	return m, err
}

func toStringMap(what string, v any) (map[string]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		out := make(map[string]string, len(v))
		for k, val := range v {
			switch val := val.(type) {
			case string:
				out[k] = val
			case int64, float64, bool:
				out[k] = fmt.Sprint(val)
			default:
				return nil, fmt.Errorf("%s.%s: expected a string, got %T", what, k, val)
			}
		}
		return out, nil
	case []any:
		out := make(map[string]string, len(v))
		for _, e := range v {
			s, ok := e.(string)
			k, val, found := strings.Cut(s, "=")
			if !ok || !found {
				return nil, fmt.Errorf("%s: expected a table or KEY=VALUE strings, got %v", what, e)
			}
			out[k] = val
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: expected a table, got %T", what, v)
}

func memoryLimit(v any) (uint64, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case int64:
		if v <= 0 {
			return 0, fmt.Errorf("total_memory_limit %d must be positive", v)
		}
		return uint64(v), nil
	case string:
		if strings.EqualFold(v, "infinity") {
			return Unlimited, nil
		}
		n, err := ParseByteSize(v)
		if err != nil {
			return 0, fmt.Errorf("total_memory_limit: %w", err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("total_memory_limit: expected a size such as \"64 MiB\" or \"Infinity\", got %v", v)
}

var units = map[string]uint64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1e6, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1e9, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1e12, "ti": 1 << 40, "tib": 1 << 40,
}

// ParseByteSize parses sizes as the reference's bytesize crate does:
// "1048576", "100K", "10 MiB", "1.5 GB". Decimal units are powers of 1000,
// "i" units powers of 1024; case does not matter.
func ParseByteSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	}
	mult, ok := units[unit]
	if !ok {
		names := make([]string, 0, len(units))
		for u := range units {
			if u != "" {
				names = append(names, u)
			}
		}
		sort.Strings(names)
		return 0, fmt.Errorf("size %q: unknown unit %q (known: %s)", s, unit, strings.Join(names, ", "))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("size %q: expected a number and a unit such as \"64 MiB\"", s)
	}
	total := f * float64(mult)
	if total >= math.MaxUint64 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return uint64(total), nil
}

// Path is where the module's file is: its LoadFrom (a file, or a directory
// holding FileName), else FileName in the service's ModulesDir, with
// relative paths taken from the config's directory.
func (c *Config) Path(m Module) string {
	abs := func(p string) string {
		if filepath.IsAbs(p) || c.Dir == "" {
			return p
		}
		return filepath.Join(c.Dir, p)
	}
	if m.LoadFrom != "" {
		p := abs(m.LoadFrom)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return filepath.Join(p, m.FileName)
		}
		return p
	}
	return filepath.Join(abs(c.ModulesDir), m.FileName)
}

// Single returns the config of a service made of one module file, with
// the defaults the reference applies.
func Single(path string) *Config {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	return &Config{
		Modules: []Module{{
			Name: name, FileName: filepath.Base(path), LoadFrom: path,
			LoggerEnabled: true, LoggingMask: math.MaxInt32,
		}},
	}
}
