package avm

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

// execSmallStack runs root on a fresh interpreter in a goroutine whose
// stack may not grow past 1 MiB, and returns the interpreter and the
// error the run ended with. A run that needs more stack than that crashes
// the test binary.
func execSmallStack(t *testing.T, root air.Instr, limits Limits, xs []any) (*interp, error) {
	t.Helper()
	stores := data.NewStores()
	x := newInterp(Params{}, limits.withDefaults(), data.New(), data.New(), &stores, nil)
	if err := x.sc.set("xs", &binding{val: &val{v: xs}}); err != nil {
		t.Fatal(err)
	}
	old := debug.SetMaxStack(1 << 20)
	defer debug.SetMaxStack(old)
	done := make(chan error)
	go func() { done <- x.exec(root) }()
	return x, <-done
}

// nest wraps inner in depth instructions that start with open and end
// with closing.
func nest(depth int, open, inner, closing string) string {
	return strings.Repeat(open, depth) + inner + strings.Repeat(closing, depth)
}

// TestDeepScriptsRunInBoundedStack runs scripts nested 100,000 levels
// deep, and folds whose iterations nest as deep, in a stack of 1 MiB: the
// machine keeps what it has in progress on the heap.
func TestDeepScriptsRunInBoundedStack(t *testing.T) {
	const depth = 100_000
	// xs is bound before the run; the match that never runs its body
	// defines it for the parser.
	fold := func(body string) string {
		return `(seq (xor (match 1 2 (ap 0 xs)) (null)) (fold xs i ` + body + `))`
	}
	xs := make([]any, depth)
	for i := range xs {
		xs[i] = int64(0)
	}
	xs[depth-1] = int64(1)
	for _, tt := range []struct {
		name, script string
		complete     bool
		err          int64
	}{
		{"seq on the left", nest(depth-1, "(seq ", "(null)", " (null))"), true, 0},
		{"seq on the right", nest(depth-1, "(seq (null) ", "(null)", ")"), true, 0},
		{"par", nest(depth-1, "(par ", "(never)", " (never))"), false, 0},
		{"xor", nest(depth-1, "(xor ", `(fail 7 "deep")`, " (null))"), true, 0},
		{"xor failing at every level", nest(depth-1, "(xor ", `(fail 7 "deep")`, " (fail :error:))"), false, CodeUserError},
		{"new", nest(depth-1, "(new $s ", "(ap 1 $s)", ")"), true, 0},
		{"match", nest(depth-1, "(match 1 1 ", "(null)", ")"), true, 0},
		{"left fold", fold(`(seq (null) (next i))`), true, 0},
		{"right fold", fold(`(seq (next i) (null))`), true, 0},
		{"par fold", fold(`(par (null) (next i))`), true, 0},
		{"fold in a xor", fold(`(xor (seq (null) (next i)) (null))`), true, 0},
		{"fold failing at the deepest item", fold(`(seq (mismatch i 1 (null)) (next i))`), false, CodeMismatchValuesEqual},
		{"fold with a last instruction", fold(`(seq (null) (next i)) (never)`), false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, err := air.Parse(tt.script)
			if err != nil {
				t.Fatalf("the script does not parse: %.200s", err)
			}
			x, err := execSmallStack(t, root, Limits{Steps: 10 * depth}, xs)
			var code int64
			if err != nil {
				code = asExec(err).code
			}
			if code != tt.err || err == nil && x.complete != tt.complete {
				t.Errorf("error %v, complete %v; want code %d, complete %v", err, x.complete, tt.err, tt.complete)
			}
			if !x.stack.empty() || x.sc.depth != 0 || len(x.sc.iters) != 0 {
				t.Errorf("the run left frames, scalar depth %d, %d iterators", x.sc.depth, len(x.sc.iters))
			}
		})
	}
}

// TestStackKeepsOrderAcrossChunks pushes and pops across the edges of
// the stack's chunks, going up and down around each.
func TestStackKeepsOrderAcrossChunks(t *testing.T) {
	var s stack
	want := 0
	push := func() { s.push(frame{n: want}); want++ }
	pop := func() {
		want--
		if got := s.peek().n; got != want {
			t.Fatalf("popped frame %d, want %d", got, want)
		}
		s.pop()
	}
	for range 3 * maxChunk {
		push()
		push()
		pop()
	}
	for !s.empty() {
		pop()
	}
	if want != 0 {
		t.Fatalf("the stack emptied with %d frames still to pop", want)
	}
}
