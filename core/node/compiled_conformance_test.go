package node_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// TestCompiledConformance runs every case of the conformance corpus again,
// this time with the AIR our own compiler (package aqua) produces for the
// program, and holds it to the same recorded outcome as the reference
// compiler's AIR in TestConformance: the two compilers' output must behave
// alike on our network, whether or not their texts agree.
func TestCompiledConformance(t *testing.T) {
	compiled := &compiledPrograms{dir: conformanceDir, scripts: map[string]map[string]string{}}
	conformance.Corpus{
		Dir:    conformanceDir,
		Script: func(t *testing.T, c conformance.Case) string { return compiled.function(t, c.File, c.Function()) },
	}.Run(t)
}

// compiledPrograms compiles each program of a corpus once, for all the
// cases that call it.
type compiledPrograms struct {
	dir     string // where the programs are
	mu      sync.Mutex
	scripts map[string]map[string]string // program file -> function -> AIR
}

func (p *compiledPrograms) function(t *testing.T, file, name string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	fns, ok := p.scripts[file]
	if !ok {
		fns = map[string]string{}
		path := filepath.Join(p.dir, file)
		prog, diags := aqua.Check(aqua.Config{}, path)
		if diags.HasErrors() {
			t.Fatalf("our compiler rejects %s: %v", path, diags.Err())
		}
		gen, err := codegen.Generate(prog, codegen.Options{})
		if err != nil {
			t.Fatalf("our compiler cannot generate %s: %v", path, err)
		}
		for _, f := range gen {
			fns[f.Name] = air.Print(f.Script)
		}
		p.scripts[file] = fns
	}
	script, ok := fns[name]
	if !ok {
		t.Fatalf("our compiler produced no function %s from %s", name, file)
	}
	return script
}
