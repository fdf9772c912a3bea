package avmnode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "node_modules", packagePath)
	if err := os.MkdirAll(filepath.Dir(wasm), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wasm, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}

	if got, err := Find(wasm); err != nil || got != wasm {
		t.Errorf("Find(%q) = %q, %v", wasm, got, err)
	}
	if _, err := Find(filepath.Join(dir, "missing.wasm")); err == nil {
		t.Error("Find of a missing file succeeded")
	}

	t.Setenv(EnvNodeModules, filepath.Join(dir, "node_modules"))
	if got, err := Find(""); err != nil || got != wasm {
		t.Errorf("Find with %s set = %q, %v; want %q", EnvNodeModules, got, err, wasm)
	}

	empty := t.TempDir()
	t.Setenv(EnvNodeModules, empty)
	t.Setenv("HOME", empty)
	t.Chdir(empty)
	_, err := Find("")
	if err == nil {
		t.Skip("an avm.wasm is installed above the temporary directory")
	}
	for _, want := range []string{"--avm-wasm", "npm install @fluencelabs/avm@0.62.0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
