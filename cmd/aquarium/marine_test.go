package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// goEnv are the go command's settings the marine scripts pass on: they
// build modules with `aquarium marine build`, which runs go build, and
// the scripts' isolated HOME would otherwise leave go without its build
// and module caches.
var goEnv = []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOTOOLCHAIN"}

// TestMarineScript runs the scenarios of testdata/marine/*.txtar, which
// build Marine modules from the Go examples and load and call them.
func TestMarineScript(t *testing.T) {
	if testing.Short() {
		t.Skip("the scripts build Go modules for wasip1, which takes seconds")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH; aquarium marine build runs it")
	}
	out, err := exec.Command(goCmd, append([]string{"env"}, goEnv...)...).Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(values) != len(goEnv) {
		t.Fatalf("go env printed %d values for %d variables", len(values), len(goEnv))
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/marine",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", wd+"/../..")
			for i, name := range goEnv {
				env.Setenv(name, values[i])
			}
			return nil
		},
	})
}
