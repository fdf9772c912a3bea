package aqua

import (
	"bytes"
	"maps"
	"slices"
	"sync"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/parser"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// A Workspace is a front end that remembers what it checked: the
// workbench compiles a program on every run, an editor on every pause
// in typing, `aquarium compile` every file of a directory, and most of
// what they check is the same each time. A Workspace keeps each module
// it checks without errors, so that the next compilation that reaches
// it unchanged adopts it instead of parsing and checking it again: a
// warm compilation re-checks only the files that changed.
//
// A kept module is reused when its source, the sources of everything it
// imports (kept modules in turn, or library files) and what its import
// paths resolve to are all the same. Its check can depend on nothing
// else: a module sees only its own text, its imports and the
// Workspace's Config, which is fixed when the Workspace is made. Modules
// with errors are checked again every time.
//
// Like the standard library (library.go), a kept module is shared read
// only: its syntax tree, module and type information are what the
// checker and the code generator read of every import, and what the
// language server reads of an open file. Its positions come from a
// range of Pos values of its own, far above those of the files of any
// one compilation, which the compilations that reuse it adopt
// (token.FileSet.Adopt). The "?=" constant overrides of the Config are
// parsed once, the same way, so that the modules checked with them can
// be kept too.
//
// Within a file, a Workspace reuses the parse of every top-level
// declaration whose text did not change (layout.go), checked modules
// or not: an editor's file has errors half the time it is typed in.
//
// A Workspace also holds a Memo (memo.go), where the code generator
// keeps the AIR it makes of the programs, for the next compilations.
//
// A Workspace is safe for concurrent use; compilations run in parallel
// and share what they keep. It keeps at most keptModules modules, and
// the parts of as many files, the least recently used going first.
type Workspace struct {
	cfg Config
	// consts are the parsed Config.Constants, constFiles their sources
	// and constDiags what parsing them reported, for every compilation.
	consts     map[string]ast.Expr
	constFiles []*token.File
	constDiags diag.List

	mu    sync.Mutex
	base  int // the next free Pos for a kept module
	clock uint64
	kept  map[string]*keptModule // by fileKey
	// layouts are how the files were last parsed (layout.go), by
	// fileKey.
	layouts map[string]*layout

	// memo is what back ends keep of the programs (memo.go).
	memo Memo
}

// keptBase is where the Pos ranges of kept modules start: above the
// files of any one compilation.
const keptBase = 1 << 40

// keptModules is how many modules a Workspace keeps.
const keptModules = 512

// keptModule is a module checked without errors, with what its check
// depended on.
type keptModule struct {
	key     string
	src     []byte
	tfile   *token.File
	file    *File
	diags   diag.List // the module's own warnings
	imports []string  // the import paths of file.deps, as written
	used    uint64
}

// NewWorkspace returns a Workspace that checks files with cfg.
func NewWorkspace(cfg Config) *Workspace {
	cfg.ImportPaths = slices.Clone(cfg.ImportPaths)
	cfg.Constants = maps.Clone(cfg.Constants)
	w := &Workspace{cfg: cfg, base: keptBase, kept: map[string]*keptModule{}, layouts: map[string]*layout{}}
	w.parseConstants()
	return w
}

// Config returns the configuration the Workspace checks files with.
func (w *Workspace) Config() Config {
	cfg := w.cfg
	cfg.ImportPaths = slices.Clone(cfg.ImportPaths)
	cfg.Constants = maps.Clone(cfg.Constants)
	return cfg
}

// Check loads, parses and type-checks the named files and their imports,
// reusing the modules the Workspace kept that are still what their files
// check to. It always returns a Program, as complete as the sources
// allow, and the diagnostics sorted by position.
func (w *Workspace) Check(paths ...string) (*Program, diag.List) {
	l := newLoader(w, stdLibrary())
	for _, p := range paths {
		src, err := l.read(p)
		if err != nil {
			l.errs.Add(diag.Diagnostic{Pos: token.Position{Filename: p}, Msg: err.Error()})
			continue
		}
		if f := l.loadKept(p, src); f != nil {
			l.prog.Roots = append(l.prog.Roots, f)
		}
	}
	return l.finish()
}

// CheckSource checks source text that is not (or not yet) saved, as an
// editor does, as the file name: name locates relative imports. Text
// the Workspace checked before, with the same imports, is not checked
// again.
func (w *Workspace) CheckSource(name string, src []byte) (*Program, diag.List) {
	l := newLoader(w, stdLibrary())
	if f := l.loadKept(name, src); f != nil {
		l.prog.Roots = append(l.prog.Roots, f)
	}
	return l.finish()
}

// parseConstants parses the --const overrides, each in a Pos range of
// its own, as a kept module is.
func (w *Workspace) parseConstants() {
	if len(w.cfg.Constants) == 0 {
		return
	}
	w.consts = map[string]ast.Expr{}
	for _, name := range slices.Sorted(maps.Keys(w.cfg.Constants)) {
		src := []byte(w.cfg.Constants[name])
		f := token.NewFileSet().AddFileAt("constant "+name, src, w.reserve(len(src)+1))
		x, errs := parser.ParseExpr(f)
		w.constDiags = append(w.constDiags, errs...)
		w.constFiles = append(w.constFiles, f)
		if !errs.HasErrors() {
			w.consts[name] = x
		}
	}
}

// reserve hands out a Pos range of n values no file uses.
func (w *Workspace) reserve(n int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.base
	w.base += n
	return b
}

func (w *Workspace) get(key string) *keptModule {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.kept[key]
	if m != nil {
		w.clock++
		m.used = w.clock
	}
	return m
}

func (w *Workspace) put(m *keptModule) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clock++
	m.used = w.clock
	w.kept[m.key] = m
	if len(w.kept) <= keptModules {
		return
	}
	var oldest *keptModule
	for _, e := range w.kept {
		if oldest == nil || e.used < oldest.used {
			oldest = e
		}
	}
	delete(w.kept, oldest.key)
}

// layout returns how the file of key was last parsed, or nil.
func (w *Workspace) layout(key string) *layout {
	w.mu.Lock()
	defer w.mu.Unlock()
	lay := w.layouts[key]
	if lay != nil {
		w.clock++
		lay.used = w.clock
	}
	return lay
}

// putLayout records how the file of key was parsed, forgetting the
// layout used least recently when it holds keptModules of them.
func (w *Workspace) putLayout(key string, lay *layout) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clock++
	lay.used = w.clock
	w.layouts[key] = lay
	if len(w.layouts) <= keptModules {
		return
	}
	oldest := ""
	for k, e := range w.layouts {
		if oldest == "" || e.used < w.layouts[oldest].used {
			oldest = k
		}
	}
	delete(w.layouts, oldest)
}

// loadKept loads a file: a kept module if it is still what the file and
// its imports check to, else the file, checked and kept.
func (l *loader) loadKept(path string, src []byte) *File {
	key := l.fileKey(path)
	if f, ok := l.done[key]; ok {
		return f
	}
	if m := l.ws.get(key); m != nil && l.reusable(m, src) {
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
func (l *loader) reusable(m *keptModule, src []byte) bool {
	if !bytes.Equal(m.src, src) {
		return false
	}
	if slices.Contains(l.loading, m.key) {
		return false // a cycle: let loadFile report it
	}
	l.loading = append(l.loading, m.key)
	defer func() { l.loading = l.loading[:len(l.loading)-1] }()
	im := &importer{l: l}
	for i, path := range m.imports {
		name, depSrc, inLib, err := im.find(path, m.file.Path)
		if err != nil {
			return false
		}
		var dep *File
		if inLib {
			dep = l.library(name)
		} else {
			dep = l.loadKept(name, depSrc)
		}
		if dep != m.file.deps[i] {
			return false
		}
	}
	return true
}
