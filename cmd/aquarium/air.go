package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/spf13/cobra"
)

func newAirCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "air",
		Short: "Work with AIR scripts: format and check them",
	}
	cmd.AddCommand(newAirFmtCmd(), newAirCheckCmd(), newAirDataCmd())
	return cmd
}

func newAirFmtCmd() *cobra.Command {
	var write, list bool
	cmd := &cobra.Command{
		Use:   "fmt [FILE...]",
		Short: "Print AIR scripts in canonical layout",
		Long: `Print AIR scripts in canonical layout: the layout of the reference Aqua
compiler, one instruction per line, children indented one space.

With no files, fmt reads standard input and writes standard output.
A script that does not parse is reported with line:col diagnostics and
left untouched; fmt then exits with status 1.`,
		Example: `  aquarium air fmt script.air
  aquarium air fmt -l core/air/testdata/*.air
  aquarium air fmt -w script.air`,
		RunE: func(cmd *cobra.Command, files []string) error {
			if len(files) == 0 {
				if write {
					return errors.New("-w needs files to rewrite")
				}
				return fmtStdin(cmd)
			}
			failed := false
			for _, file := range files {
				if err := fmtFile(cmd, file, write, list); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					failed = true
				}
			}
			if failed {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "write the result to the file instead of standard output")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list files whose layout differs from the canonical one")
	return cmd
}

func fmtStdin(cmd *cobra.Command) error {
	src, err := io.ReadAll(cmd.InOrStdin())
	if err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	out, err := formatAIR(src, "<stdin>")
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), err)
		return exitError{1}
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// fmtFile formats one file: to standard output, or with write or list as
// those flags say.
func fmtFile(cmd *cobra.Command, file string, write, list bool) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := formatAIR(src, file)
	if err != nil {
		return err
	}
	changed := !bytes.Equal(src, out)
	if list && changed {
		fmt.Fprintln(cmd.OutOrStdout(), file)
	}
	if write && changed {
		info, err := os.Stat(file)
		if err != nil {
			return err
		}
		return os.WriteFile(file, out, info.Mode().Perm())
	}
	if !write && !list {
		_, err = cmd.OutOrStdout().Write(out)
	}
	return err
}

func formatAIR(src []byte, name string) ([]byte, error) {
	in, err := air.Parse(string(src))
	if err != nil {
		return nil, airError(err, name)
	}
	return []byte(air.Print(in)), nil
}

// airError renders parse diagnostics with the file name in front.
func airError(err error, name string) error {
	var ds air.Diagnostics
	if errors.As(err, &ds) {
		return errors.New(ds.Format(name))
	}
	return fmt.Errorf("%s: %w", name, err)
}

func newAirCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Report syntax errors and failed static checks in AIR scripts",
		Long: `Report syntax errors and failed static checks in AIR scripts, as
file:line:col diagnostics with the offending line and a caret.

The checks are those the AIR interpreter makes before it runs a script:
variables defined before use, next inside its fold and only once, nothing
after next in a fold over a stream, no fold reusing an enclosing fold's
iterator, new not applied to an iterator, fail not given code 0.

Exits with status 1 if any file has a problem; prints nothing otherwise.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			failed := false
			for _, file := range files {
				src, err := os.ReadFile(file)
				if err == nil {
					_, err = air.Parse(string(src))
					if err != nil {
						err = airError(err, file)
					}
				}
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					failed = true
				}
			}
			if failed {
				return exitError{1}
			}
			return nil
		},
	}
}
