package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/jsgen"
)

// checkTarget validates --target before anything is compiled.
func checkTarget(target string) error {
	if target == "air" {
		return nil
	}
	_, err := jsgen.ParseTarget(target)
	if err != nil {
		return fmt.Errorf("--target: %w", err)
	}
	return nil
}

// writeModules writes the js-client modules of a compiled program:
// into dir when one is given (NAME.js and NAME.d.ts, or NAME.ts), else
// the module itself to w. A file that exports nothing has no module.
func writeModules(w io.Writer, prog *aqua.Program, fns []codegen.Function, target, dir string) error {
	t, err := jsgen.ParseTarget(target)
	if err != nil {
		return err
	}
	files, err := jsgen.Generate(prog, fns, t)
	if err != nil {
		return err
	}
	if dir == "" {
		if len(files) > 0 {
			_, err = io.WriteString(w, files[0].Content)
		}
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := os.WriteFile(path, []byte(f.Content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
