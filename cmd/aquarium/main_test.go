package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the real command line as "aquarium"
// without building a binary first.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"aquarium": func() { os.Exit(run()) },
	})
}

// TestScript runs the CLI scenarios in testdata/script/*.txtar.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// The repository root, for scripts that use files from the packages.
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			env.Setenv("REPO", wd+"/../..")
			return nil
		},
	})
}
