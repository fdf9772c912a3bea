// Package conformance runs the node conformance corpus
// (core/node/testdata/conformance): Aqua programs compiled by the
// reference compiler, each case one call of an exported function, run
// from a client on an in-memory network of Peers nodes and compared with
// the outcome the reference runtime recorded for the same call. The
// corpus's README describes its files.
//
// The runner is a package of its own, rather than a test of core/node,
// so that the corpus can run with other interpreters on some peers:
// core stays free of the Wasm runtime, and the tests that put avm.wasm
// on every other peer live in marine, beside it (see Interpreters).
package conformance

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	// Peers is the size of both networks, the reference's ephemeral
	// network and ours, not counting the client.
	Peers = 10
	// DefaultTTL is a particle's TTL when its case names none.
	DefaultTTL = 10 * time.Second
)

// CorpusDir returns the directory of the corpus in the source tree,
// core/node/testdata/conformance, for tests in other packages. It is
// found from this file's path, which go test compiles in.
func CorpusDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "conformance")
}

// Case is one call of an exported Aqua function.
type Case struct {
	Name string `json:"name"`
	// File is the Aqua program, relative to the corpus directory.
	File string `json:"file"`
	// Call names the function and its arguments, each an identifier
	// that is the function's parameter name and a key of Args (or an
	// arrow parameter, answered by the services both sides provide).
	Call string `json:"call"`
	// Args are the arguments as the reference runner takes them: JS
	// values, converted with the declared types (null is an empty
	// option). "$PEERn", "$RELAY" and "$CLIENT" name peers.
	Args map[string]json.RawMessage `json:"args"`
	// RawArgs, when set, are the same arguments as AIR values (an option
	// is an array), which is what our client passes on.
	RawArgs map[string]json.RawMessage `json:"rawArgs,omitempty"`
	// Multiset lists paths of arrays filled by parallel branches on
	// different peers, whose order is the order of arrival.
	Multiset []string `json:"multiset,omitempty"`
	// Ignore maps paths whose values differ by nature (clocks, versions)
	// to the reason; only their JSON kinds are compared.
	Ignore map[string]string `json:"ignore,omitempty"`
	// IgnoreMessage, when set, says why an error's message is not
	// compared; its code and peer always are.
	IgnoreMessage string `json:"ignoreMessage,omitempty"`
	// TTL is the particle's TTL in milliseconds; default DefaultTTL.
	TTL int `json:"ttl,omitempty"`
	// Differs, when set, says why our outcome deliberately differs from
	// the reference's (a builtin of the JavaScript client that the node
	// implements as the reference node does); Ours is then our expected
	// outcome.
	Differs string   `json:"differs,omitempty"`
	Ours    *Outcome `json:"ours,omitempty"`
}

var callPattern = regexp.MustCompile(`^(\w+)\(([\w, ]*)\)$`)

// Function is the name of the function the case calls, or "" if its
// call is malformed.
func (c Case) Function() string {
	m := callPattern.FindStringSubmatch(c.Call)
	if m == nil {
		return ""
	}
	return m[1]
}

// ParticleTTL is the TTL of the case's particle.
func (c Case) ParticleTTL() time.Duration {
	if c.TTL > 0 {
		return time.Duration(c.TTL) * time.Millisecond
	}
	return DefaultTTL
}

// AIRFile is where the reference compiler's AIR for the case's function
// is kept in the corpus at dir: air/<program>/<function>.air.
func (c Case) AIRFile(dir string) string {
	program := strings.TrimSuffix(filepath.Base(c.File), ".aqua")
	return filepath.Join(dir, "air", program, c.Function()+".air")
}

// ReferenceFile is where the reference runtime's outcome of the case is
// kept in the corpus at dir.
func (c Case) ReferenceFile(dir string) string {
	return filepath.Join(dir, "reference", c.Name+".json")
}

// Outcome is what a call ended with, in the reference runner's form:
// {"ok": result}, {"error": message, "details": error object} for an
// error that reached errorHandlingSrv, or {"error", "type":
// "ExpirationError"} when nothing came back within the TTL.
type Outcome struct {
	OK      json.RawMessage `json:"ok,omitempty"`
	Error   string          `json:"error,omitempty"`
	Type    string          `json:"type,omitempty"`
	Details json.RawMessage `json:"details,omitempty"`
}

// ReadCases decodes dir/cases.json and then every dir/cases/*.json, in
// name order, strictly: an unknown field is an error, not a case silently
// ignored. The files under cases/ let each group of programs keep its
// cases beside the others without one list growing without end. C is
// Case, or a type that embeds it and adds fields of its own.
func ReadCases[C any](t testing.TB, dir string) []C {
	t.Helper()
	more, err := filepath.Glob(filepath.Join(dir, "cases", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []C
	for _, path := range append([]string{filepath.Join(dir, "cases.json")}, more...) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var some []C
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&some); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		cases = append(cases, some...)
	}
	return cases
}

// LoadCases reads the cases of the corpus at dir and checks them: each
// calls a function, names a deliberate difference only with the outcome
// expected instead, and has a name of its own.
func LoadCases(t testing.TB, dir string) []Case {
	t.Helper()
	cases := ReadCases[Case](t, dir)
	seen := map[string]bool{}
	for _, c := range cases {
		if c.Function() == "" {
			t.Fatalf("case %s: call %q is not name(ident, ...)", c.Name, c.Call)
		}
		if (c.Differs == "") != (c.Ours == nil) {
			t.Fatalf("case %s: differs and ours go together", c.Name)
		}
		if seen[c.Name] {
			t.Fatalf("case %s appears twice", c.Name)
		}
		seen[c.Name] = true
	}
	return cases
}

// ReadOutcome reads a recorded outcome.
func ReadOutcome(t testing.TB, path string) Outcome {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update-reference to record the reference results)", err)
	}
	var o Outcome
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return o
}
