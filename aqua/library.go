package aqua

import (
	"sync"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/stdlib"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// builtinPath is the library file whose types every file sees.
const builtinPath = stdlib.Prefix + "builtin.aqua"

// library is the embedded standard library, parsed and checked once.
// Every compilation starts from a clone of its FileSet, so positions in
// library files print the same (@fluencelabs/aqua-lib/builtin.aqua:9:7)
// whichever compilation reports them, and shares its files, syntax trees
// and modules. Nothing modifies a library after buildLibrary returns:
// the checker and the code generator only read imported modules, which
// is what makes the sharing safe across goroutines.
type library struct {
	fset  *token.FileSet
	files map[string]*File     // by canonical import path
	diags map[string]diag.List // what checking each file reported
}

// stdLibrary returns the process's one library, built on first use from
// the embedded sources (which cannot change while the process runs).
var stdLibrary = sync.OnceValue(buildLibrary)

// buildLibrary checks every library file with the ordinary loader, in a
// compilation of its own.
func buildLibrary() *library {
	l := newLoader(NewWorkspace(Config{}), nil)
	for _, path := range stdlib.Files() {
		l.library(path)
	}
	lib := &library{fset: l.prog.Fset, files: map[string]*File{}, diags: map[string]diag.List{}}
	for _, f := range l.prog.Files {
		lib.files[f.Path] = f
	}
	for _, d := range l.errs {
		lib.diags[d.Pos.Filename] = append(lib.diags[d.Pos.Filename], d)
	}
	return lib
}
