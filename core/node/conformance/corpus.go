package conformance

import (
	"os"
	"testing"
)

// Corpus runs the cases of a corpus, each in a parallel subtest of its
// own on a fresh network, and holds each to its recorded outcome (or, for
// a deliberate difference, to the outcome the case expects instead).
type Corpus struct {
	// Dir is the corpus directory.
	Dir string
	// Script, if set, gives the AIR a case runs; by default the
	// reference compiler's, read from Dir.
	Script func(t *testing.T, c Case) string
	// Interpreters choose what runs each peer's scripts; the zero value
	// runs core/avm everywhere.
	Interpreters Interpreters
	// Keep, if set, picks the cases to run; by default all run.
	Keep func(c Case) bool
}

// Run runs the cases Keep keeps and returns how many it kept (of which
// go test's -run may still pick some).
func (r Corpus) Run(t *testing.T) int {
	t.Helper()
	ran := 0
	for _, c := range LoadCases(t, r.Dir) {
		if r.Keep != nil && !r.Keep(c) {
			continue
		}
		ran++
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			r.check(t, c)
		})
	}
	return ran
}

// check runs one case and reports how its outcome differs from the one
// expected.
func (r Corpus) check(t *testing.T, c Case) {
	t.Helper()
	script := r.script(t, c)
	want := ReadOutcome(t, c.ReferenceFile(r.Dir))
	if c.Differs != "" {
		if len(Compare(c, want, *c.Ours)) == 0 {
			t.Errorf("the reference now agrees with what we expect (%s): drop differs", c.Differs)
		}
		want = *c.Ours
	}
	got := NewNetwork(t, r.Interpreters).Run(t, c, script, "conformance-"+c.Name, nil)
	for _, d := range Compare(c, want, got) {
		t.Error(d)
	}
}

func (r Corpus) script(t *testing.T, c Case) string {
	t.Helper()
	if r.Script != nil {
		return r.Script(t, c)
	}
	b, err := os.ReadFile(c.AIRFile(r.Dir))
	if err != nil {
		t.Fatalf("%v (run the test with -update-reference to compile the corpus)", err)
	}
	return string(b)
}
