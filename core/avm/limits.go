package avm

import (
	"errors"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// Limits bound what one run may take, so that no particle can make a peer
// work without end or fill its memory, whatever its script, data or call
// results. A run that reaches a limit fails with an uncatchable error (one
// of the Code...Limit codes): the peer keeps its previous data and sends
// nothing on. A zero field takes its default.
type Limits struct {
	// Steps bounds the work of a run. Each instruction executed is a
	// step, and so is each 64 bytes of the values an instruction
	// encodes, compares or reads: a call's arguments, a call result, a
	// canon's values, a value read from the data, an error message. Every
	// run replays the script from the top, so this bounds a whole
	// particle's script, not only the part that runs anew.
	Steps int64
	// ValueSize bounds, in bytes of JSON text, each value a run takes in
	// or makes: a call result, the arguments of a call, a value read from
	// the data, a canon's values, an entry put into a stream map. Values
	// that share parts count each copy, as their text does, so a value
	// cannot double its way past the bound.
	ValueSize int
	// DataSize bounds the current data a run accepts and what it
	// produces: the new data and the call requests together.
	DataSize int
}

// Default limits: a node with two cores and 1 GB of memory keeps serving
// while runs at these limits take their share of both: the hungriest
// runs measured, folds nesting as deep as the step limit lets them over a
// call result of the largest size, peak at about 140 MB.
const (
	DefaultSteps     = 1_000_000
	DefaultValueSize = 4 << 20
	DefaultDataSize  = 16 << 20
)

// stepBytes is how many bytes of value text count as one step: about
// what walking, encoding or hashing them costs next to an instruction.
const stepBytes = 64

// withDefaults fills the zero fields of l.
func (l Limits) withDefaults() Limits {
	if l.Steps <= 0 {
		l.Steps = DefaultSteps
	}
	if l.ValueSize <= 0 {
		l.ValueSize = DefaultValueSize
	}
	if l.DataSize <= 0 {
		l.DataSize = DefaultDataSize
	}
	return l
}

func errStepLimit(limit int64) *execError {
	return uncatchable(CodeStepLimit, "the run goes over its limit of %d steps", limit)
}

// addSteps counts n steps of work, and fails the run past its limit.
func (x *interp) addSteps(n int64) error {
	x.steps += n
	if x.steps > x.limits.Steps {
		return errStepLimit(x.limits.Steps)
	}
	return nil
}

// count charges one step: an instruction.
func (x *interp) count() error { return x.addSteps(1) }

// charge counts the work of handling n bytes of value text.
func (x *interp) charge(n int) error { return x.addSteps(int64(n / stepBytes)) }

// measure checks a value against the value size limit and charges the
// work of handling it. what names the value in the error.
func (x *interp) measure(v value.Value, what string) (int, error) {
	n, err := value.Measure(v, x.limits.ValueSize)
	if err != nil {
		return 0, x.errValueLimit(err, what)
	}
	return n, x.charge(n)
}

// errValueLimit is the error for what, a value Measure refused with err.
func (x *interp) errValueLimit(err error, what string) error {
	if errors.Is(err, value.ErrTooDeep) {
		return uncatchable(CodeValueSizeLimit, "%s nest deeper than %d levels", what, value.MaxDepth)
	}
	return uncatchable(CodeValueSizeLimit, "%s are larger than the limit of %d bytes", what, x.limits.ValueSize)
}

// chargeCompare charges the work of comparing two values: measuring
// them, then walking them as far as the smaller one.
func (x *interp) chargeCompare(a, b value.Value) error {
	n, err := value.Measure(a, x.limits.ValueSize)
	if err != nil {
		n = x.limits.ValueSize
	}
	m, err := value.Measure(b, n)
	if err != nil {
		m = n
	}
	return x.charge(n + 2*m)
}

// grow counts n more bytes of data or call requests that the run
// produces.
func (x *interp) grow(n int) error {
	x.grown += int64(n)
	if x.grown > int64(x.limits.DataSize) {
		return uncatchable(CodeDataSizeLimit, "the run produces more than the limit of %d bytes of data and call requests", x.limits.DataSize)
	}
	return nil
}

// Codes of the errors limits raise. The reference interpreter has no such
// limits; their codes form a block of their own after its farewell codes,
// so that they can never be taken for one of its errors.
const (
	CodeStepLimit      = 40000
	CodeValueSizeLimit = 40001
	CodeDataSizeLimit  = 40002
)
