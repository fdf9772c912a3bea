// Package aqua is the front end of the Aqua compiler: it loads Aqua
// source files and the files they import, parses and type-checks them, and
// returns the checked program with every diagnostic found.
//
//	prog, diags := aqua.Check(aqua.Config{ImportPaths: dirs}, "main.aqua")
//	if err := diags.Err(); err != nil { ... }
//
// Imports resolve relative to the importing file, then against each
// import path in order, then in the embedded standard library
// (@fluencelabs/aqua-lib/...). Unlike the reference compiler, a file
// without a module header compiles (with a warning), and the standard
// library's types such as PeerId are known without an import.
//
// The standard library is parsed and checked once per process and shared,
// read-only, by every compilation (library.go). A Workspace keeps the
// modules it checks, while they and their imports stay the same
// (workspace.go): compiling a program again in the same Workspace costs
// only the files that changed. Check and CheckSource check in a
// Workspace of their own; a caller that compiles more than once (the
// language server, the workbench, `aquarium compile` over a directory)
// holds one Workspace for all its compilations.
//
// Within a file, a Workspace reuses the parse of each top-level
// declaration whose text did not change (layout.go): the parser reads a
// declaration's lines and nothing else, so its syntax tree and
// diagnostics are what parsing it again would give, and positions are
// kept apart from offsets (token.Piece) so that a declaration's tree
// stays valid when the text before it changes. The file is then
// type-checked whole: a keystroke in a 5,000-line file costs the parse
// of one declaration and the check of the file.
package aqua

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/ast"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/parser"
	"github.com/aquarium-p2p/aquarium/aqua/stdlib"
	"github.com/aquarium-p2p/aquarium/aqua/token"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// Config configures a compilation.
type Config struct {
	// ImportPaths are directories searched for imports that are not
	// found relative to the importing file (the --import flag).
	ImportPaths []string
	// Constants overrides "?=" constants: NAME -> value in Aqua syntax,
	// such as `"text"` or `42`.
	Constants map[string]string
	// FS reads source files; nil means the operating system's files.
	FS fs.FS
}

// File is one checked source file.
type File struct {
	Path   string // as opened; for library files the import path
	Syntax *ast.File
	Module *types.Module
	Info   *types.Info

	// deps are the files this one imports, for adding a shared library
	// file to a program after its own imports.
	deps []*File
}

// Imports returns the files this one imports and uses, one for each of
// its import and use lines, in order.
func (f *File) Imports() []*File { return f.deps }

// Program is the result of checking a set of root files.
type Program struct {
	Fset *token.FileSet
	// Roots are the files named in the Check call, in order.
	Roots []*File
	// Files holds every loaded file, imports before their importers.
	Files []*File
	// Constants are the parsed overrides of "?=" constants (Config.Constants).
	Constants map[string]ast.Expr

	memo *Memo // the Workspace's
}

// Source returns a diag.Source that reads lines from the program's files,
// for diag.Print.
func (p *Program) Source() diag.Source {
	byName := map[string]*token.File{}
	for _, f := range p.Fset.Files() {
		byName[f.Name()] = f
	}
	return func(name string, line int) (string, bool) {
		f, ok := byName[name]
		if !ok {
			return "", false
		}
		return f.Line(line), true
	}
}

// Check loads, parses and type-checks the named files and their imports
// in a Workspace of their own. It always returns a Program, as complete
// as the sources allow, and the diagnostics sorted by position.
func Check(cfg Config, paths ...string) (*Program, diag.List) {
	return NewWorkspace(cfg).Check(paths...)
}

// CheckSource checks source text that is not (or not yet) saved, as an
// editor does, in a Workspace of its own. name locates relative imports.
func CheckSource(cfg Config, name string, src []byte) (*Program, diag.List) {
	return NewWorkspace(cfg).CheckSource(name, src)
}

// loader runs one compilation in a Workspace.
type loader struct {
	ws  *Workspace
	cfg Config // ws.cfg
	// lib holds the standard library, already checked; nil while the
	// library itself is being checked.
	lib     *library
	prog    *Program
	errs    diag.List
	done    map[string]*File // by canonical path
	loading []string         // the import chain, for cycle errors
	prelude *types.Scope
}

func newLoader(ws *Workspace, lib *library) *loader {
	fset := token.NewFileSet()
	if lib != nil {
		fset = lib.fset.Clone()
	}
	for _, f := range ws.constFiles {
		fset.Adopt(f)
	}
	l := &loader{ws: ws, cfg: ws.cfg, lib: lib, prog: &Program{Fset: fset, memo: &ws.memo}, done: map[string]*File{}}
	l.errs = append(l.errs, ws.constDiags...)
	return l
}

func (l *loader) finish() (*Program, diag.List) {
	l.prog.Constants = l.ws.consts
	l.errs = l.errs.Dedup()
	l.errs.Sort()
	return l.prog, l.errs
}

func (l *loader) read(path string) ([]byte, error) {
	if l.cfg.FS != nil {
		return fs.ReadFile(l.cfg.FS, filepath.ToSlash(path))
	}
	return os.ReadFile(path)
}

// load parses and checks one file (once), after its imports.
func (l *loader) load(path string, src []byte) *File {
	return l.loadFile(path, src, false)
}

// fileKey is the key of a file in loader.done: its absolute path, but
// for library files and files read from Config.FS.
func (l *loader) fileKey(path string) string {
	if !strings.HasPrefix(path, stdlib.Prefix) && l.cfg.FS == nil {
		if abs, err := filepath.Abs(path); err == nil {
			return abs
		}
	}
	return path
}

// loadFile is load; keep asks it to keep the checked file in the
// Workspace for later compilations (see workspace.go).
func (l *loader) loadFile(path string, src []byte, keep bool) *File {
	key := l.fileKey(path)
	if f, ok := l.done[key]; ok {
		return f
	}
	for _, p := range l.loading {
		if p == key {
			return nil // the importer reports the cycle
		}
	}
	l.loading = append(l.loading, key)
	defer func() { l.loading = l.loading[:len(l.loading)-1] }()

	var tf *token.File
	var syntax *ast.File
	var own diag.List
	if keep {
		tf, syntax, own = l.parseKept(path, key, src)
	} else {
		tf = l.prog.Fset.AddFile(path, src)
		syntax, own = parser.ParseFile(tf)
	}
	if syntax.Header == nil && !strings.HasPrefix(path, stdlib.Prefix) {
		own.Warnf(tf.Position(tf.Pos(0)), token.Position{}, "missing module header: add 'aqua Name' as the first line (the reference compiler requires it)")
	}
	info := types.NewInfoFor(len(src))
	im := &importer{l: l}
	conf := &types.Config{Importer: im, Constants: l.ws.consts, Prelude: l.preludeScope()}
	mod, errs := conf.Check(l.prog.Fset, syntax, info)
	own = append(own, errs...)
	l.errs = append(l.errs, own...)
	f := &File{Path: path, Syntax: syntax, Module: mod, Info: info, deps: im.deps}
	l.done[key] = f
	l.prog.Files = append(l.prog.Files, f)
	if keep && !own.HasErrors() {
		l.ws.put(&keptModule{key: key, src: src, tfile: tf, file: f, diags: own, imports: im.paths})
	}
	return f
}

// preludeScope returns the types of the builtin library, which every
// file sees without importing it.
func (l *loader) preludeScope() *types.Scope {
	if l.prelude != nil {
		return l.prelude
	}
	l.prelude = types.NewScope(nil) // what builtin.aqua itself sees
	f := l.library(builtinPath)
	if f == nil {
		return l.prelude
	}
	for _, o := range f.Module.Declared() {
		if o.Kind == types.TypeObj {
			l.prelude.Insert(o)
		}
	}
	return l.prelude
}

// library loads a file of the embedded standard library by its canonical
// path: from the shared, already checked copy when there is one.
func (l *loader) library(name string) *File {
	if f, ok := l.done[name]; ok {
		return f
	}
	if slices.Contains(l.loading, name) {
		return nil // the importer reports the cycle
	}
	if l.lib != nil {
		if f, ok := l.lib.files[name]; ok {
			l.adopt(f)
			return f
		}
	}
	name, src, ok := stdlib.Lookup(name)
	if !ok {
		return nil
	}
	return l.load(name, src)
}

// adopt adds a shared library file to the program, after the library
// files it imports, with the diagnostics its check produced.
func (l *loader) adopt(f *File) {
	if _, ok := l.done[f.Path]; ok {
		return
	}
	l.done[f.Path] = f
	for _, d := range f.deps {
		l.adopt(d)
	}
	l.errs = append(l.errs, l.lib.diags[f.Path]...)
	l.prog.Files = append(l.prog.Files, f)
}

// importer resolves the imports of one file for the checker and records
// the files they load.
type importer struct {
	l    *loader
	deps []*File
	// paths are the import paths of deps, as written.
	paths []string
}

// errCycle marks an import cycle.
var errCycle = errors.New("import cycle")

func (im *importer) Import(path, from string) (*types.Module, error) {
	l := im.l
	name, src, inLib, err := im.find(path, from)
	if err != nil {
		return nil, err
	}
	key := l.fileKey(name)
	for i, p := range l.loading {
		if p == key {
			chain := append(append([]string{}, l.loading[i:]...), key)
			for j := range chain {
				chain[j] = filepath.Base(chain[j])
			}
			return nil, fmt.Errorf("%w: %s", errCycle, strings.Join(chain, " -> "))
		}
	}
	var f *File
	if inLib {
		f = l.library(name)
	} else {
		f = l.loadKept(name, src)
	}
	if f == nil {
		return nil, fmt.Errorf("cannot load %q", path)
	}
	im.deps = append(im.deps, f)
	im.paths = append(im.paths, path)
	return f.Module, nil
}

// find locates an import: next to the importing file, then in each
// import path, then in the embedded library (inLib, with no src: the
// loader has it). The ".aqua" extension may be omitted. Library files
// import only each other, so that the library checks the same way in
// every compilation.
func (im *importer) find(path, from string) (name string, src []byte, inLib bool, err error) {
	if strings.HasPrefix(from, stdlib.Prefix) && !strings.HasPrefix(path, stdlib.Prefix) {
		path = stdlib.Prefix + strings.TrimPrefix(filepath.ToSlash(filepath.Clean(path)), "./")
	}
	if strings.HasPrefix(from, stdlib.Prefix) {
		name, ok := stdlib.Name(path)
		if !ok {
			return "", nil, false, fmt.Errorf("cannot find import %q in the standard library", path)
		}
		return name, nil, true, nil
	}
	var tried []string
	candidates := func(base string) []string {
		p := filepath.Join(base, filepath.FromSlash(path))
		if strings.HasSuffix(p, ".aqua") {
			return []string{p}
		}
		return []string{p + ".aqua", p}
	}
	dirs := append([]string{filepath.Dir(from)}, im.l.cfg.ImportPaths...)
	for _, d := range dirs {
		for _, c := range candidates(d) {
			if src, err := im.l.read(c); err == nil {
				return c, src, false, nil
			}
			tried = append(tried, c)
		}
	}
	if name, ok := stdlib.Name(path); ok {
		return name, nil, true, nil
	}
	return "", nil, false, fmt.Errorf("cannot find import %q (looked in %s)", path, strings.Join(tried, ", "))
}
