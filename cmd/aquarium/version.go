package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and the versions of the protocols it speaks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "aquarium %s\n", buildVersion())
			fmt.Fprintf(w, "  go   %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(w, "  air  AquaVM %s\n", air.InterpreterVersion)
			return nil
		},
	}
}

// buildVersion is the module version, or the VCS revision for a build from
// a checkout.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	version := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if (version == "" || version == "(devel)") && rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return "devel " + rev + modified
	}
	if version == "" {
		return "(devel)"
	}
	return version
}
