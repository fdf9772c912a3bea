package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/node/conformance"
)

// The acceptance cases recreate, in programs of our own, the calls that
// §3.3 of the reference notes lists with their expected results (the
// reference's integration tests). Each case runs three ways: the
// reference compiler's AIR on the reference runtime (recorded in
// testdata/acceptance/reference), and both the reference compiler's AIR
// and ours on our network; all three must give the listed result. A case
// whose program the pinned reference compiler cannot compile runs only
// our compiler's AIR (referenceCannot says why).
// testdata/acceptance/README.md describes the files.

const acceptanceDir = "testdata/acceptance"

// acceptanceCase is a conformance case with the result §3.3 lists, in
// raw AIR form (an option is an array).
type acceptanceCase struct {
	conformance.Case
	Expect json.RawMessage `json:"expect"`
	// ReferenceCannot, when set, says why the reference compiler the
	// corpus is pinned to cannot compile the case's program (it uses a
	// newer form of the language). Only our compiler's AIR runs then, and
	// -update-reference leaves the case alone. Such a program lives in a
	// subdirectory, where .ci/aqua-reference-diff.sh does not look.
	ReferenceCannot string `json:"referenceCannot,omitempty"`
}

func loadAcceptanceCases(t *testing.T) []acceptanceCase {
	t.Helper()
	cases := conformance.ReadCases[acceptanceCase](t, acceptanceDir)
	seen := map[string]bool{}
	for _, c := range cases {
		switch {
		case c.Function() == "":
			t.Fatalf("case %s: call %q is not name(ident, ...)", c.Name, c.Call)
		case c.Expect == nil:
			t.Fatalf("case %s: no expected result", c.Name)
		case seen[c.Name]:
			t.Fatalf("case %s appears twice", c.Name)
		case c.ReferenceCannot != "" && filepath.Dir(c.File) == ".":
			t.Fatalf("case %s: the reference compiler cannot compile %s, so it belongs in a subdirectory", c.Name, c.File)
		}
		seen[c.Name] = true
	}
	return cases
}

func TestAcceptance(t *testing.T) {
	cases := loadAcceptanceCases(t)
	if *updateReference {
		regenerateAcceptance(t, cases)
	}
	ours := &compiledPrograms{dir: acceptanceDir, scripts: map[string]map[string]string{}}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			listed := conformance.Outcome{OK: c.Expect}
			if c.ReferenceCannot != "" {
				got := runAcceptanceCase(t, c, ours.function(t, c.File, c.Function()))
				for _, d := range conformance.Compare(c.Case, listed, got) {
					t.Errorf("AIR from our compiler: %s", d)
				}
				return
			}
			reference := conformance.ReadOutcome(t, c.ReferenceFile(acceptanceDir))
			for _, d := range conformance.Compare(c.Case, listed, reference) {
				t.Errorf("the reference runtime disagrees with the listed result: %s", d)
			}
			theirs, err := os.ReadFile(c.AIRFile(acceptanceDir))
			if err != nil {
				t.Fatalf("%v (run the test with -update-reference to compile the cases)", err)
			}
			for _, run := range []struct{ compiler, script string }{
				{"the reference compiler", string(theirs)},
				{"our compiler", ours.function(t, c.File, c.Function())},
			} {
				got := runAcceptanceCase(t, c, run.script)
				for _, d := range conformance.Compare(c.Case, listed, got) {
					t.Errorf("AIR from %s: %s", run.compiler, d)
				}
			}
		})
	}
}

// acceptanceServices are the services of testdata/acceptance/services.mjs
// on the client, for one particle.
func acceptanceServices() map[string]builtin.Service {
	str := func(c *builtin.Call, i int) string {
		if i < len(c.Args) {
			if s, ok := c.Args[i].(string); ok {
				return s
			}
		}
		return ""
	}
	constant := func(v any) builtin.Func {
		return func(context.Context, *builtin.Call) (any, error) { return v, nil }
	}
	echo := func(_ context.Context, c *builtin.Call) (any, error) { return c.Args[0], nil }
	var mu sync.Mutex
	asked := 0
	return map[string]builtin.Service{
		"greetings": {"addNameToHello": func(_ context.Context, c *builtin.Call) (any, error) {
			return "Hello, " + str(c, 0) + "!", nil
		}},
		"test-srv":    {"str": constant("some str")},
		"node-getter": {"get": constant(map[string]any{"peerId": "peer id str", "name": "name str"})},
		"getter": {"createStr": func(_ context.Context, c *builtin.Call) (any, error) {
			return builtin.Stringify(c.Args[0]), nil
		}},
		"a": {"getJ": echo},
		"test-service": {"call": func(_ context.Context, c *builtin.Call) (any, error) {
			if str(c, 0) == "fail" {
				return nil, errors.New("failed on purpose")
			}
			return str(c, 0), nil
		}},
		"stringer": {"returnString": func(_ context.Context, c *builtin.Call) (any, error) {
			return str(c, 0) + " updated", nil
		}},
		"multi-ret":  {"retStr": echo, "retNum": constant(json.Number("10"))},
		"opt-getter": {"getStr": echo, "getStr1": constant("optional")},
		"nested": {
			"test1": constant(map[string]any{"one": map[string]any{"val": "hello"}}),
			"test2": func(_ context.Context, c *builtin.Call) (any, error) {
				arg, _ := c.Args[0].(map[string]any)
				val, _ := arg["val"].(string)
				return map[string]any{"one": map[string]any{"val": val + str(c, 1)}}, nil
			},
		},
		"some-service": {"getStr": func(_ context.Context, c *builtin.Call) (any, error) { return str(c, 0) + "123", nil }},
		"default-id":   {"call": constant("default-id")},
		"resolved-id":  {"call": constant("resolved-id")},
		"prefixer":     {"call": func(_ context.Context, c *builtin.Call) (any, error) { return "call: " + str(c, 0), nil }},
		"yesno": {"get": func(context.Context, *builtin.Call) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			asked++
			if asked <= 3 {
				return "yes", nil
			}
			return "no", nil
		}},
		"op-a":        {"get_str": constant("get_string")},
		"callbackSrv": {"log": constant(nil)},
		// The services of cases/modules.json and cases/bools.json.
		"super-foo": {"small_foo": constant("small_foo")},
		"joiner": {"concat": func(_ context.Context, c *builtin.Call) (any, error) {
			return str(c, 0) + str(c, 1), nil
		}},
		"checker": {"check": func(_ context.Context, c *builtin.Call) (any, error) {
			if what := str(c, 0); what != "true" {
				return nil, fmt.Errorf("checked %s, which || and && should have skipped", what)
			}
			return true, nil
		}},
	}
}

// runAcceptanceCase runs a script on a fresh conformance network, with
// the acceptance services added to the conformance ones on the client.
func runAcceptanceCase(t *testing.T, c acceptanceCase, script string) conformance.Outcome {
	t.Helper()
	n := conformance.NewNetwork(t, conformance.Interpreters{})
	return n.Run(t, c.Case, script, "acceptance-"+c.Name, acceptanceServices())
}

// regenerateAcceptance compiles the acceptance programs with the
// reference compiler and records the reference runtime's outcome of
// every case it can compile, through the oracle.
func regenerateAcceptance(t *testing.T, cases []acceptanceCase) {
	t.Helper()
	var plain []conformance.Case
	for _, c := range cases {
		if c.ReferenceCannot == "" {
			plain = append(plain, c.Case)
		}
	}
	oracle().Regenerate(t, acceptanceDir, plain, func(i int) string { return plain[i].ReferenceFile(acceptanceDir) })
}
