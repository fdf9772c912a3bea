package config_test

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/config"
)

func TestLoad(t *testing.T) {
	cfg, warns, err := config.Load(filepath.Join("testdata", "Config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata")
	want := &config.Config{
		Dir:              dir,
		ModulesDir:       "artifacts/",
		TotalMemoryLimit: 64 << 20,
		Modules: []config.Module{
			{Name: "sqlite3", FileName: "sqlite3.wasm", LoggerEnabled: false, LoggingMask: math.MaxInt32,
				MappedDirs: map[string]string{"tmp": "./tmp"}},
			{Name: "effector", FileName: "ipfs_effector.wasm", LoadFrom: "/opt/modules/ipfs_effector.wasm",
				LoggerEnabled: true, LoggingMask: 5,
				Envs:            map[string]string{"IPFS_ADDR": "/dns4/localhost/tcp/5001", "RETRIES": "3"},
				MountedBinaries: map[string]string{"ipfs": "/usr/bin/ipfs"}},
			{Name: "facade", FileName: "facade.wasm", LoggerEnabled: true, LoggingMask: math.MaxInt32},
		},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load =\n%+v\nwant\n%+v", cfg, want)
	}
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.String())
	}
	wantWarns := []string{
		`line 8, column 5: field "module.mem_pages_count" is no longer supported and is ignored (use total_memory_limit)`,
		`line 12, column 5: field "module.wasi.preopened_files" is no longer supported and is ignored (use wasi.mapped_dirs)`,
		`line 20, column 5: field "module.max_heap_size" is no longer supported and is ignored (use total_memory_limit)`,
	}
	if !reflect.DeepEqual(msgs, wantWarns) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(wantWarns, "\n"))
	}
	if got := cfg.Path(cfg.Modules[0]); got != filepath.Join(dir, "artifacts", "sqlite3.wasm") {
		t.Errorf("Path(sqlite3) = %s", got)
	}
	if got := cfg.Path(cfg.Modules[1]); got != "/opt/modules/ipfs_effector.wasm" {
		t.Errorf("Path(effector) = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, toml, want string }{
		{"syntax", "modules_dir = ", "line 1"},
		{"no name", "[[module]]\nfile_name = \"x.wasm\"", "module 1 has no name"},
		{"duplicate", "[[module]]\nname = \"a\"\n[[module]]\nname = \"a\"", `module "a" is listed twice`},
		{"bad limit", `total_memory_limit = "ten"`, "total_memory_limit"},
		{"bad env", "[[module]]\nname = \"a\"\n[module.wasi]\nenvs = { A = [1] }", "wasi.envs.A: expected a string"},
		{"bad mask", "[[module]]\nname = \"a\"\nlogging_mask = 99999999999", "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := config.Parse([]byte(tt.toml), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		err  bool
	}{
		{"1048576", 1 << 20, false},
		{"100K", 100_000, false},
		{"100 KiB", 100 << 10, false},
		{"10 MiB", 10 << 20, false},
		{"2mb", 2_000_000, false},
		{"1.5 GiB", 3 << 29, false},
		{"4 Gi", 4 << 30, false},
		{"12 parsecs", 0, true},
		{"-1 MiB", 0, true},
		{"MiB", 0, true},
	}
	for _, tt := range tests {
		got, err := config.ParseByteSize(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if cfg, _, err := config.Parse([]byte(`total_memory_limit = "Infinity"`), ""); err != nil || cfg.TotalMemoryLimit != config.Unlimited {
		t.Errorf("Infinity: limit %d, error %v; want no limit", cfg.TotalMemoryLimit, err)
	}
}

func TestSingle(t *testing.T) {
	cfg := config.Single("dir/greeting.wasm")
	if len(cfg.Modules) != 1 || cfg.Modules[0].Name != "greeting" || cfg.Path(cfg.Modules[0]) != "dir/greeting.wasm" {
		t.Errorf("Single = %+v, path %s", cfg, cfg.Path(cfg.Modules[0]))
	}
}

func FuzzParse(f *testing.F) {
	f.Add("modules_dir = \"a\"\n[[module]]\nname = \"m\"\n[module.wasi]\nenvs = { A = \"1\" }\n")
	f.Add("total_memory_limit = \"1 KiB\"\n[default]\nlogger_enabled = false\n")
	f.Fuzz(func(t *testing.T, s string) {
		cfg, _, err := config.Parse([]byte(s), "/base")
		if err != nil {
			return
		}
		for _, m := range cfg.Modules {
			if m.Name == "" || m.FileName == "" {
				t.Fatalf("parsed module without a name or file: %+v", m)
			}
			_ = cfg.Path(m)
		}
	})
}
