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
	rest, found := strings.CutPrefix(importPath, Prefix)
	if !found {
		return "", nil, false
	}
	rest = path.Clean(rest)
	if !strings.HasSuffix(rest, ".aqua") {
		rest += ".aqua"
	}
	src, err := fs.ReadFile(files, "lib/"+rest)
	if err != nil {
		return "", nil, false
	}
	return Prefix + rest, src, true
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
