package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/aqua/token"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/net/devnet"
	"github.com/aquarium-p2p/aquarium/tui"
	"github.com/aquarium-p2p/aquarium/tui/editor"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// starterName is the file the workbench opens when given none.
const starterName = "starter.aqua"

// starter is hello world across peers: one function that visits the
// relay, one that visits every node.
const starter = `-- Hello world across peers. Run a function from the Functions pane
-- (ctrl+r): hello visits the relay, greetAll visits every node in turn.
aqua Hello

import "@fluencelabs/aqua-lib/builtin.aqua"

export hello, greetAll

-- The relay greets you back.
func hello(name: string) -> string:
  on HOST_PEER_ID:
    msg <- Op.concat_strings("hello from the relay, ", name)
  <- msg

-- Every node in the list adds its greeting, one after another.
func greetAll(name: string, nodes: []PeerId) -> []string:
  greetings: *string
  for n <- nodes:
    on n:
      greetings <- Op.concat_strings("hello, ", name)
  <- greetings
`

type workbenchFlags struct {
	nodes   int
	imports []string
	keyFile string
	ttl     time.Duration
}

// addWorkbench makes the root command open the workbench when it is given
// no subcommand.
func addWorkbench(root *cobra.Command) {
	var f workbenchFlags
	root.Use = "aquarium [FILE.aqua...]"
	root.Args = cobra.ArbitraryArgs
	root.Example = `  aquarium                     # the workbench, with a starter file
  aquarium hello.aqua app.aqua # the workbench on two files
  aquarium --nodes 3`
	root.RunE = func(cmd *cobra.Command, args []string) error { return runWorkbench(cmd, args, f) }
	root.Flags().IntVar(&f.nodes, "nodes", 5, "nodes in the local network")
	root.Flags().StringArrayVarP(&f.imports, "import", "I", nil, "directory to search for imports (repeatable)")
	root.Flags().StringVar(&f.keyFile, "key", "", "file holding the key to attach to remote nodes with, ctrl+o (default: a fresh key)")
	root.Flags().DurationVar(&f.ttl, "ttl", 15*time.Second, "TTL of the particles the workbench runs; it stands still while the network is paused")
}

func runWorkbench(cmd *cobra.Command, args []string, f workbenchFlags) error {
	files, err := openFiles(args)
	if err != nil {
		return err
	}
	if f.nodes < 1 {
		return fmt.Errorf("--nodes %d: want at least 1", f.nodes)
	}
	if f.ttl <= 0 {
		return fmt.Errorf("--ttl %v: want a positive duration", f.ttl)
	}
	if !interactive() {
		return errors.New("the workbench needs a terminal; use 'aquarium run' to run a function from a script")
	}
	key, err := attachKey(f.keyFile)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	services, closeServices, err := localServices(ctx)
	if err != nil {
		return err
	}
	defer closeServices()
	s, err := devnet.NewSession(ctx, devnet.Config{
		Nodes:   f.nodes,
		Version: buildVersion(),
		// Every node can take Marine modules (d in the Peers pane).
		Services: func(i int, id peer.ID) devnet.Services { return services(i, id) },
		// The terminal belongs to the workbench; peers report through
		// trace events, not logs.
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return fmt.Errorf("start a local network of %d nodes: %w", f.nodes, err)
	}
	defer s.Close()
	var ctl session.Controller = s
	return tui.Run(ctx, tui.Options{
		Session:    s,
		Controller: ctl,
		Debugger:   s,
		Attach:     attacher(key),
		Compile:    compiler(aqua.Config{ImportPaths: f.imports}),
		Files:      files,
		Title:      "local network",
		Self:       peer.IDOf(key),
		TTL:        f.ttl,
	})
}

// openFiles reads the named files; a name that does not exist yet opens
// as a new file if it ends in .aqua. With no names, the starter opens.
func openFiles(args []string) ([]editor.File, error) {
	if len(args) == 0 {
		b, err := os.ReadFile(starterName)
		if err == nil {
			return []editor.File{{Path: starterName, Text: string(b), Saved: true}}, nil
		}
		return []editor.File{{Path: starterName, Text: starter}}, nil
	}
	var files []editor.File
	for _, name := range args {
		b, err := os.ReadFile(name)
		switch {
		case err == nil:
			files = append(files, editor.File{Path: name, Text: string(b), Saved: true})
		case errors.Is(err, fs.ErrNotExist) && filepath.Ext(name) == ".aqua":
			files = append(files, editor.File{Path: name})
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("unknown command or file %q (run 'aquarium --help' for the commands)", name)
		default:
			return nil, err
		}
	}
	return files, nil
}

// declLine is the line of file that declares the function exported as
// name; 0 if another file declares it.
func declLine(prog *aqua.Program, file, name string) int {
	for _, root := range prog.Roots {
		for _, e := range root.Module.Exports {
			if e.Name != name || e.Object == nil {
				continue
			}
			if pos := prog.Fset.Position(e.Object.Pos); pos.Filename == file {
				return pos.Line
			}
		}
	}
	return 0
}

// compiler compiles editor text with cfg: diagnostics always, functions
// when the file checks. Its compilations share one aqua.Workspace, so
// each re-checks only the files that changed since the last.
func compiler(cfg aqua.Config) ui.Compiler {
	ws := aqua.NewWorkspace(cfg)
	return func(_ context.Context, src ui.Source) ui.Build {
		prog, diags := ws.CheckSource(src.Path, []byte(src.Text))
		b := ui.Build{Diagnostics: diags}
		if diags.HasErrors() {
			return b
		}
		fns, err := codegen.Generate(prog, codegen.Options{EmptyResponse: true})
		if err != nil {
			b.Diagnostics = append(b.Diagnostics, diag.Diagnostic{
				Pos: token.Position{Filename: src.Path}, Severity: diag.Error, Msg: err.Error()})
			return b
		}
		for _, fn := range fns {
			f := ui.Function{Name: fn.Name, Signature: fn.Name + fn.Arrow.String(), Results: len(fn.Arrow.Results), AIR: air.Print(fn.Script),
				Line: declLine(prog, src.Path, fn.Name)}
			for _, p := range fn.Arrow.Params {
				f.Params = append(f.Params, ui.Param{Name: p.Name, Type: argType(p.Type)})
			}
			b.Functions = append(b.Functions, f)
		}
		return b
	}
}
