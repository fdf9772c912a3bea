package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/aquarium-p2p/aquarium/aqua/format"
)

type fmtFlags struct {
	write bool
	list  bool
}

func newFmtCmd() *cobra.Command {
	var f fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt FILE.aqua...",
		Short: "Lay out Aqua source in the canonical way",
		Long: `Format Aqua files the one canonical way: two spaces per block, one space
between tokens where Aqua reads them apart, at most one blank line in a
row. Comments are kept; only whitespace changes, so a formatted program
compiles to the same AIR.

By default the formatted text is printed. With -w each file is rewritten
in place; with -l only the names of files whose layout differs are
printed. A file with syntax errors is reported and left alone.`,
		Example: `  aquarium fmt hello.aqua
  aquarium fmt -w *.aqua
  aquarium fmt -l src/*.aqua`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFmt(cmd, args, f)
		},
	}
	cmd.Flags().BoolVarP(&f.write, "write", "w", false, "rewrite the files in place")
	cmd.Flags().BoolVarP(&f.list, "list", "l", false, "list the files whose formatting differs")
	return cmd
}

func runFmt(cmd *cobra.Command, files []string, f fmtFlags) error {
	failed := false
	for _, name := range files {
		if err := formatAquaFile(cmd, name, f); err != nil {
			fmt.Fprintln(cmd.ErrOrStderr(), err)
			failed = true
		}
	}
	if failed {
		return exitError{code: 1}
	}
	return nil
}

func formatAquaFile(cmd *cobra.Command, name string, f fmtFlags) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	out, err := format.Source(name, src)
	if err != nil {
		if errors.Is(err, format.ErrSyntax) {
			return fmt.Errorf("%s: not formatted: %w", name, err)
		}
		return err
	}
	changed := !bytes.Equal(src, out)
	if f.list && changed {
		fmt.Fprintln(cmd.OutOrStdout(), name)
	}
	if f.write {
		if !changed {
			return nil
		}
		info, err := os.Stat(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(name, out, info.Mode().Perm()); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		return nil
	}
	if !f.list {
		_, err = cmd.OutOrStdout().Write(out)
	}
	return err
}
