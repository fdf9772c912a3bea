package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/spf13/cobra"
)

type compileFlags struct {
	imports  []string
	consts   []string
	noRelay  bool
	noXor    bool
	outDir   string
	asJSON   bool
	response bool
	target   string
	input    string
	watch    bool
}

func newCompileCmd() *cobra.Command {
	var f compileFlags
	cmd := &cobra.Command{
		Use:   "compile FILE.aqua | -i DIR",
		Short: "Compile Aqua to AIR",
		Long: `Compile an Aqua file to AIR: one script per exported function, the same
text the reference Aqua compiler produces.

Without -o, each function is printed as a line ";; func NAME" followed by
its AIR. With -o DIR, each function is written to DIR/NAME.air.
Diagnostics go to standard error with the offending line; any error
makes compile exit with status 1.

With --target js or ts, compile writes instead the module js-client
apps import (the reference compiler's, byte for byte): to standard
output, or with -o into DIR as NAME.js and NAME.d.ts, or NAME.ts.

With -i DIR, compile takes every .aqua file under DIR: each file's output
follows a line ";; file PATH", or with -o OUT goes to OUT/PATH/ (PATH
without .aqua). With --watch, it compiles again whenever an .aqua file
under DIR, beside FILE or in an --import directory changes, until
interrupted.`,
		Example: `  aquarium compile hello.aqua
  aquarium compile main.aqua --import ./lib --const TIMEOUT=5000 -o build/
  aquarium compile main.aqua --json
  aquarium compile main.aqua --target ts -o src/compiled/
  aquarium compile -i src/aqua -o build/ --watch`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompileInputs(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVarP(&f.imports, "import", "I", nil, "directory to search for imports (repeatable)")
	fl.StringArrayVarP(&f.consts, "const", "c", nil, "override a constant declared with ?=, as NAME=VALUE (repeatable)")
	fl.BoolVar(&f.noRelay, "no-relay", false, "compile for a client that is not behind a relay")
	fl.BoolVar(&f.noXor, "no-xor", false, "leave out error propagation (xor/fail) of on and if blocks")
	fl.StringVarP(&f.outDir, "output", "o", "", "write each function to DIR/NAME.air")
	fl.BoolVar(&f.asJSON, "json", false, "print diagnostics and functions as JSON")
	fl.BoolVar(&f.response, "empty-response", false, "call callbackSrv.response for functions without results too")
	fl.StringVarP(&f.input, "input", "i", "", "file or directory to compile: a directory compiles every .aqua file under it")
	fl.BoolVar(&f.watch, "watch", false, "compile again whenever an input file changes, until interrupted")
	fl.StringVar(&f.target, "target", "air", "air, or the module js-client apps import: js (NAME.js and NAME.d.ts) or ts (NAME.ts)")
	return cmd
}

// compileJSON is the --json output, read by editors.
type compileJSON struct {
	Diagnostics []diagJSON     `json:"diagnostics"`
	Functions   []functionJSON `json:"functions"`
}

type diagJSON struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	EndLine  int      `json:"endLine,omitempty"`
	EndCol   int      `json:"endColumn,omitempty"`
	Severity string   `json:"severity"`
	Message  string   `json:"message"`
	Suggest  []string `json:"suggestions,omitempty"`
}

type functionJSON struct {
	Name      string `json:"name"`
	Signature string `json:"signature"`
	AIR       string `json:"air"`
}

// compileConfig is the compiler configuration the flags ask for.
func compileConfig(f compileFlags) (aqua.Config, error) {
	consts := map[string]string{}
	for _, c := range f.consts {
		name, value, ok := strings.Cut(c, "=")
		if !ok || name == "" {
			return aqua.Config{}, fmt.Errorf("--const %q: want NAME=VALUE", c)
		}
		consts[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	return aqua.Config{ImportPaths: f.imports, Constants: consts}, nil
}

// runCompile compiles one file in ws, which holds what the compilations
// before it checked.
func runCompile(cmd *cobra.Command, ws *aqua.Workspace, file string, f compileFlags) error {
	if err := checkTarget(f.target); err != nil {
		return err
	}
	prog, diags := ws.Check(file)
	out := compileJSON{Diagnostics: []diagJSON{}, Functions: []functionJSON{}}
	var fns []codegen.Function
	if !diags.HasErrors() {
		var err error
		fns, err = codegen.Generate(prog, codegen.Options{NoRelay: f.noRelay, NoXor: f.noXor, EmptyResponse: f.response})
		// Generate joins one error per function that failed: report
		// each at its own position.
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, err := range errs {
			if err == nil {
				continue
			}
			d := diag.Diagnostic{Severity: diag.Error, Msg: err.Error()}
			if ce, ok := asCodegenError(err); ok && ce.Pos.IsValid() {
				d.Pos, d.Msg = ce.Pos, ce.Msg
			}
			diags = append(diags, d)
		}
	}
	if f.asJSON {
		for _, d := range diags {
			out.Diagnostics = append(out.Diagnostics, diagJSON{
				File: d.Pos.Filename, Line: d.Pos.Line, Column: d.Pos.Column,
				EndLine: d.End.Line, EndCol: d.End.Column,
				Severity: d.Severity.String(), Message: d.Msg, Suggest: d.Suggest,
			})
		}
		for _, fn := range fns {
			out.Functions = append(out.Functions, functionJSON{Name: fn.Name, Signature: fn.Arrow.String(), AIR: air.Print(fn.Script)})
		}
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
		if diags.HasErrors() {
			return exitError{1}
		}
		return nil
	}
	if len(diags) > 0 {
		if err := diag.Print(cmd.ErrOrStderr(), diags, prog.Source()); err != nil {
			return err
		}
	}
	if diags.HasErrors() {
		return exitError{1}
	}
	if f.target != "air" {
		return writeModules(cmd.OutOrStdout(), prog, fns, f.target, f.outDir)
	}
	if f.outDir != "" {
		if err := os.MkdirAll(f.outDir, 0o755); err != nil {
			return fmt.Errorf("create output directory: %w", err)
		}
		for _, fn := range fns {
			path := filepath.Join(f.outDir, fn.Name+".air")
			if err := os.WriteFile(path, []byte(air.Print(fn.Script)), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
		return nil
	}
	return writeFunctions(cmd.OutOrStdout(), fns)
}

func writeFunctions(w io.Writer, fns []codegen.Function) error {
	var b strings.Builder
	for i, fn := range fns {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, ";; func %s\n%s", fn.Name, air.Print(fn.Script))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func asCodegenError(err error) (*codegen.Error, bool) {
	var ce *codegen.Error
	ok := errors.As(err, &ce)
	return ce, ok
}
