// Command aquarium is the one binary of the Aquarium stack: the Aqua
// workbench and the tools around it (AIR formatting and checking, and more as
// the stack grows).
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run())
}

// run executes the command line and returns the process exit code. It is
// separate from main so that the CLI tests can drive it in-process.
func run() int {
	root := newRootCmd()
	if err := root.Execute(); err != nil {
		var coded exitError
		if asExit(err, &coded) {
			return coded.code
		}
		fmt.Fprintln(os.Stderr, "aquarium:", err)
		return 1
	}
	return 0
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "aquarium",
		Short: "A workbench for the Aqua peer-to-peer stack",
		Long: `Aquarium is a Go implementation of the Aqua peer-to-peer stack: the Aqua
language, the AIR interpreter, Marine WebAssembly services and libp2p nodes,
with a terminal workbench around them.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCmd(),
		newAirCmd(),
		newCompileCmd(),
		newFmtCmd(),
		newLSPCmd(),
		newMarineCmd(),
		newRunCmd(),
		newNodeCmd(),
		newUpCmd(),
		newReplayCmd(),
		newAttachCmd(),
		newKeyCmd(),
	)
	addWorkbench(root)
	return root
}
