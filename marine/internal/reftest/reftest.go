// Package reftest locates the reference toolchain's npm packages for tests
// that compare this runtime with the reference one: the AquaVM module
// avm.wasm from @fluencelabs/avm, and the oracle script that runs the
// reference Marine runtime.
package reftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// EnvNodeModules names the variable pointing at the node_modules directory
// holding the reference packages.
const EnvNodeModules = "AQUARIUM_REFERENCE_NODE_MODULES"

const installHint = "the reference npm packages are not installed: run `npm install @fluencelabs/avm@0.62.0 @fluencelabs/js-client@0.9.0` " +
	"in ~/.cache/aqua-reference (or any directory, then set " + EnvNodeModules + " to its node_modules)"

// NodeModules returns the node_modules directory holding the reference
// packages: $AQUARIUM_REFERENCE_NODE_MODULES, else
// $HOME/.cache/aqua-reference/node_modules. The second result is false if
// it does not exist.
func NodeModules() (string, bool) {
	dir := os.Getenv(EnvNodeModules)
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false
		}
		dir = filepath.Join(home, ".cache", "aqua-reference", "node_modules")
	}
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}

// AVM returns the path of the reference avm.wasm, skipping the test with
// instructions if it is not installed.
func AVM(t testing.TB) string {
	t.Helper()
	dir, ok := NodeModules()
	if !ok {
		t.Skip(installHint)
	}
	p := filepath.Join(dir, "@fluencelabs", "avm", "dist", "avm.wasm")
	if _, err := os.Stat(p); err != nil {
		t.Skip(installHint)
	}
	return p
}

// MarineCall returns a command running one call on the reference Marine
// runtime (marine-js through js-client) and printing its JSON result, or
// skips the test if node or the packages are missing.
func MarineCall(t testing.TB, module, fn, args string) *exec.Cmd {
	t.Helper()
	dir, ok := NodeModules()
	if !ok {
		t.Skip(installHint)
	}
	jsc := filepath.Join(dir, "@fluencelabs", "js-client", "dist")
	if _, err := os.Stat(jsc); err != nil {
		t.Skip(installHint)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH; it runs the reference Marine runtime")
	}
	script := filepath.Join(t.TempDir(), "marine_call.mjs")
	if err := os.WriteFile(script, []byte(marineCallScript), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, jsc, module, fn, args)
	return cmd
}

// marineCallScript loads a module with js-client's Marine worker and makes
// one call, printing the result (or {"error": ...}) as one JSON line.
const marineCallScript = `import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
const [,, jsc, wasmPath, fn, argsJson] = process.argv;
const base = pathToFileURL(jsc).href + "/";
const { loadMarineDeps } = await import(base + "marine/loader.js");
const { MarineBackgroundRunner } = await import(base + "marine/worker/index.js");
const marine = new MarineBackgroundRunner(...(await loadMarineDeps("/")));
await marine.start();
const wasm = readFileSync(wasmPath);
await marine.createService(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength), "svc");
try {
  const r = await marine.callService("svc", fn, JSON.parse(argsJson || "[]"));
  process.stdout.write(JSON.stringify(r) + "\n");
} catch (e) { process.stdout.write(JSON.stringify({ error: String(e) }) + "\n"); }
await marine.stop();
process.exit(0);
`
