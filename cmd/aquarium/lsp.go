package main

import (
	"context"
	"io"
	"runtime/debug"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/lsp"
	"github.com/spf13/cobra"
)

func newLSPCmd() *cobra.Command {
	var imports []string
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Serve the Aqua language server on stdin and stdout",
		Long: `Serve the Language Server Protocol for Aqua on standard input and
output, for editors: diagnostics as you type (the compiler's), hover
with types, go to definition across imports, completion of names,
fields and service arrows, document symbols, and formatting as
"aquarium fmt" formats.`,
		Example: `  aquarium lsp -I node_modules`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			debug.SetGCPercent(lsp.GCPercent)
			s := lsp.New(aqua.Config{ImportPaths: imports})
			return lsp.Serve(ctx, stdio{cmd.InOrStdin(), cmd.OutOrStdout()}, s)
		},
	}
	cmd.Flags().StringArrayVarP(&imports, "import", "I", nil, "directory to search for imports (repeatable)")
	return cmd
}

// stdio joins standard input and output into the one stream the server
// reads and writes; closing it leaves both to the process.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
