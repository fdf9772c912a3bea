package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waithttp":  waitHTTP,
			"b64data":   base64Data,
			"waitlines": waitLines,
		},
	})
}

// waitHTTP waits until a GET of the URL answers 200, for scripts that
// start a server in the background: waithttp URL.
func waitHTTP(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waithttp URL")
	}
	client := http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := client.Get(args[0])
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("%s did not answer within 20s", args[0])
}

// base64Data writes a JSON object holding a file in base64 under a name,
// for passing a module to a function through --data-path:
// b64data NAME FILE OUT.
func base64Data(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: b64data NAME FILE OUT")
	}
	b, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	out, err := json.Marshal(map[string]string{args[0]: base64.StdEncoding.EncodeToString(b)})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), out, 0o600))
}
