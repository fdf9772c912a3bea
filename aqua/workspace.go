package aqua

import (
	"bytes"
	"strings"
	"sync"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// The modules a compilation imports from files are kept once checked,
// so that the next compilation that imports them, unchanged, re-checks
// only the files that changed: the workbench compiles a program on every
// run, an editor on every pause in typing, and the program's own file is
// all that changes between them.
//
// A kept module is reused when its source, the sources of everything it
// imports (kept modules in turn, or library files) and what its import
// paths resolve to are all the same, and the compilation is configured
// alike (import paths; no constants overridden, as those change what a
// module checks to). Modules read from Config.FS, modules with errors
// and the files a compilation names are not kept.
//
// Like the standard library (library.go), a kept module is shared read
// only: its syntax tree, module and type information are what the
// checker and the code generator read of every import. Its positions
// come from a range of Pos values of its own, far above those of the
// files of any one compilation, which the compilations that reuse it
// adopt (token.FileSet.Adopt).

// cacheBase is where the Pos ranges of kept modules start.
const cacheBase = 1 << 40

// cacheSize is how many modules are kept; the least recently used go
// first.
const cacheSize = 512

type cachedModule struct {
	key     string
	src     []byte
	config  string
	tfile   *token.File
	file    *File
	diags   diag.List // the module's own warnings
	imports []string  // the import paths of file.deps, as written
	used    uint64
}

type moduleCache struct {
	mu      sync.Mutex
	base    int
	clock   uint64
	entries map[string]*cachedModule
}

var modules = &moduleCache{base: cacheBase, entries: map[string]*cachedModule{}}

// reserve hands out a Pos range of n values no file uses.
func (c *moduleCache) reserve(n int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.base
	c.base += n
	return b
}

func (c *moduleCache) get(key string) *cachedModule {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.entries[key]
	if m != nil {
		c.clock++
		m.used = c.clock
	}
	return m
}

func (c *moduleCache) put(m *cachedModule) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	m.used = c.clock
	c.entries[m.key] = m
	if len(c.entries) <= cacheSize {
		return
	}
	var oldest *cachedModule
	for _, e := range c.entries {
		if oldest == nil || e.used < oldest.used {
			oldest = e
		}
	}
	delete(c.entries, oldest.key)
}

// fingerprint tells the configurations a kept module may be reused with.
func (l *loader) fingerprint() string {
	return strings.Join(l.cfg.ImportPaths, "\x00")
}

// cacheable reports whether the loader keeps and reuses modules.
func (l *loader) cacheable() bool {
	return l.cfg.FS == nil && len(l.cfg.Constants) == 0
}

// loadImport loads an imported file: a kept module if it is still what
// the file and its imports check to, else the file, checked and kept.
func (l *loader) loadImport(path string, src []byte) *File {
	if !l.cacheable() {
		return l.load(path, src)
	}
	key := l.fileKey(path)
	if f, ok := l.done[key]; ok {
		return f
	}
	if m := modules.get(key); m != nil && l.reusable(m, src) {
		l.prog.Fset.Adopt(m.tfile)
		l.done[key] = m.file
		l.errs = append(l.errs, m.diags...)
		l.prog.Files = append(l.prog.Files, m.file)
		return m.file
	}
	return l.loadFile(path, src, true)
}

// reusable checks a kept module against the file's source and loads its
// imports, each of which must be the very file it was checked with.
func (l *loader) reusable(m *cachedModule, src []byte) bool {
	if m.config != l.fingerprint() || !bytes.Equal(m.src, src) {
		return false
	}
	for _, p := range l.loading {
		if p == m.key {
			return false // a cycle: let loadFile report it
		}
	}
	l.loading = append(l.loading, m.key)
	defer func() { l.loading = l.loading[:len(l.loading)-1] }()
	im := &importer{l: l}
	for i, path := range m.imports {
		name, depSrc, inLib, err := im.find(path, m.key)
		if err != nil {
			return false
		}
		var dep *File
		if inLib {
			dep = l.library(name)
		} else {
			dep = l.loadImport(name, depSrc)
		}
		if dep != m.file.deps[i] {
			return false
		}
	}
	return true
}
