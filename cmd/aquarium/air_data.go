package main

import (
	"fmt"
	"os"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/spf13/cobra"
)

func newAirDataCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "data FILE",
		Short: "Print interpreter data as readable JSON",
		Long: `Print the data the AIR interpreter keeps for a particle (its execution
trace, the content-addressed stores and the peers' signatures) as
indented JSON.

The file holds data in the reference interpreter's format (AquaVM 0.62:
a MessagePack envelope around an rkyv archive), as a node stores it or a
particle carries it, whichever interpreter wrote it; the JSON has the
shape of the reference's to_human_readable_data. Data that does not decode, or whose trace
refers to objects its stores lack, is reported and the command exits
with status 1.`,
		Example: `  aquarium air data particle.avmdata`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			raw, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			d, err := data.Decode(raw)
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", file, err)
				return exitError{1}
			}
			out, err := data.DumpJSON(d)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
			if err := d.CheckStores(); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", file, err)
				return exitError{1}
			}
			return nil
		},
	}
}
