package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Oracle is the reference toolchain runner (@fluencelabs/aqua-api,
// js-client and AquaVM, driven by Node), which compiles a corpus with the
// reference compiler and records the reference runtime's outcomes.
type Oracle struct {
	// Path is the runner's executable.
	Path string
	// Only, if set, is a regular expression: only the cases whose names
	// match it are regenerated.
	Only string
}

// Regenerate compiles the programs of cases, under dir, with the
// reference compiler into dir/air, and records the reference runtime's
// outcome of case i in the file reference(i) names.
func (o Oracle) Regenerate(t testing.TB, dir string, cases []Case, reference func(i int) string) {
	t.Helper()
	if _, err := os.Stat(o.Path); err != nil {
		t.Fatalf("regenerating the corpus needs the oracle: %v", err)
	}
	everything := o.Only == ""
	if !everything {
		only, err := regexp.Compile(o.Only)
		if err != nil {
			t.Fatalf("-update-only: %v", err)
		}
		var picked []Case
		var files []string
		for i, c := range cases {
			if only.MatchString(c.Name) {
				picked = append(picked, c)
				files = append(files, reference(i))
			}
		}
		if len(picked) == 0 {
			t.Fatalf("-update-only %q matches no case", o.Only)
		}
		cases = picked
		reference = func(i int) string { return files[i] }
	}
	programs := map[string]bool{}
	for _, c := range cases {
		programs[c.File] = true
	}
	for file := range programs {
		out := filepath.Join(dir, "air", strings.TrimSuffix(filepath.Base(file), ".aqua"))
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		o.run(t, nil, "compile", filepath.Join(dir, file), "--out", out)
	}

	var peers struct {
		Client string   `json:"client"`
		Peers  []string `json:"peers"`
	}
	if err := json.Unmarshal(o.run(t, nil, "run", "--peers", "--npeers", strconv.Itoa(Peers)), &peers); err != nil {
		t.Fatalf("oracle run --peers: %v", err)
	}
	ids := map[string]string{peers.Client: "$CLIENT"}
	for i, id := range peers.Peers {
		ids[id] = fmt.Sprintf("$PEER%d", i)
	}

	services, err := filepath.Abs(filepath.Join(dir, "services.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	var jobs bytes.Buffer
	for _, c := range cases {
		file, err := filepath.Abs(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		job := map[string]any{"file": file, "call": c.Call, "args": c.Args, "services": services}
		if c.TTL > 0 {
			job["ttl"] = c.TTL
		}
		b, err := json.Marshal(job)
		if err != nil {
			t.Fatal(err)
		}
		jobs.Write(append(b, '\n'))
	}
	out := o.run(t, &jobs, "run", "--npeers", strconv.Itoa(Peers), "--batch", "-")
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("oracle answered %d lines for %d cases", len(lines), len(cases))
	}
	if everything {
		if err := os.RemoveAll(filepath.Join(dir, "reference")); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cases {
		var out Outcome
		if err := json.Unmarshal([]byte(replacePeerIDs(lines[i], ids)), &out); err != nil {
			t.Fatalf("case %s: oracle answered %q: %v", c.Name, lines[i], err)
		}
		if out.OK == nil && out.Details == nil && out.Type == "" {
			t.Fatalf("case %s: the reference runner failed: %s", c.Name, out.Error)
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := reference(i)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs the oracle and returns its standard output.
func (o Oracle) run(t testing.TB, stdin *bytes.Buffer, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(o.Path, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}
