// Package stdlib embeds the Aqua standard library: the declarations of
// the services every Fluence peer provides (@fluencelabs/aqua-lib 0.10.2),
// so programs that import "@fluencelabs/aqua-lib/builtin.aqua" compile
// without node_modules.
package stdlib

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed lib/*.aqua
var files embed.FS

// Prefix is the import path prefix under which the library is found.
const Prefix = "@fluencelabs/aqua-lib/"

// Lookup returns the source of a library file by import path, such as
// "@fluencelabs/aqua-lib/builtin.aqua" or "@fluencelabs/aqua-lib/math"
// (the extension may be omitted, as in any Aqua import). The returned name
// is the canonical path, used in diagnostics.
func Lookup(importPath string) (name string, src []byte, ok bool) {
	name, ok = Name(importPath)
	if !ok {
		return "", nil, false
	}
	src, err := fs.ReadFile(files, "lib/"+strings.TrimPrefix(name, Prefix))
	if err != nil {
		return "", nil, false
	}
	return name, src, true
}

// Name returns the canonical path of a library file by import path, as
// Lookup does, without reading the file: what an importer asks of a
// library file it already holds.
func Name(importPath string) (string, bool) {
	rest, found := strings.CutPrefix(importPath, Prefix)
	if !found {
		return "", false
	}
	rest = path.Clean(rest)
	if !strings.HasSuffix(rest, ".aqua") {
		rest += ".aqua"
	}
	if info, err := fs.Stat(files, "lib/"+rest); err != nil || info.IsDir() {
		return "", false
	}
	return Prefix + rest, true
}

// Files lists the import paths of all library files.
func Files() []string {
	entries, _ := fs.ReadDir(files, "lib")
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, Prefix+e.Name())
	}
	return out
}
