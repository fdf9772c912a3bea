// Package adapter runs interface-types adapters: the short stack programs
// in a module's interface-types section that turn rich arguments into core
// Wasm calls and core results back into rich values. It is a small stack
// machine over [ivalue.Value]s, with the semantics of the reference
// interpreter, including its range-checked numeric conversions.
package adapter

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
	"github.com/aquarium-p2p/aquarium/marine/lilo"
)

// Func is a call-core target: a core Wasm export (its parameters and
// results are i32, i64, f32 or f64) or an imported interface-types
// function of another module (rich types).
type Func struct {
	Name    string
	Params  []it.Type
	Results []it.Type
	Call    func(ctx context.Context, args []ivalue.Value) ([]ivalue.Value, error)
}

// Instance is the module an adapter runs against.
type Instance interface {
	// Func returns call-core target i.
	Func(i uint32) (*Func, bool)
	// Memory is the module's linear memory.
	Memory() lilo.Memory
	// Allocate calls the module's allocate export.
	Allocate(ctx context.Context, size, tag uint32) (uint32, error)
	// Records resolves the module's record types.
	Records() ivalue.Records
}

// Error locates a failure inside an adapter.
type Error struct {
	Index       int            // position of the instruction
	Instruction it.Instruction // the failing instruction
	Err         error
}

func (e *Error) Error() string {
	return fmt.Sprintf("instruction %d (%s): %v", e.Index, e.Instruction, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrStack reports an instruction finding too few or wrongly typed
// operands: a malformed adapter.
var ErrStack = errors.New("bad operand stack")

type machine struct {
	ctx   context.Context
	inst  Instance
	args  []ivalue.Value
	stack []ivalue.Value
}

// Run executes code with the given arguments and returns what is left on
// the stack: the adapter's results.
func Run(ctx context.Context, inst Instance, code []it.Instruction, args []ivalue.Value) ([]ivalue.Value, error) {
	m := &machine{ctx: ctx, inst: inst, args: args}
	for i, in := range code {
		if err := m.step(in); err != nil {
			var ae *Error
			if errors.As(err, &ae) {
				// An error from a nested adapter (a call into another
				// module) keeps its own location.
				return nil, fmt.Errorf("instruction %d (%s): %w", i, in, err)
			}
			return nil, &Error{Index: i, Instruction: in, Err: err}
		}
	}
	return m.stack, nil
}

func (m *machine) push(vs ...ivalue.Value) { m.stack = append(m.stack, vs...) }

// pop removes the top n values, returned bottom first.
func (m *machine) pop(n int) ([]ivalue.Value, error) {
	if len(m.stack) < n {
		return nil, fmt.Errorf("%w: needs %d values, the stack holds %d", ErrStack, n, len(m.stack))
	}
	vs := append([]ivalue.Value(nil), m.stack[len(m.stack)-n:]...)
	m.stack = m.stack[:len(m.stack)-n]
	return vs, nil
}

func (m *machine) pop1() (ivalue.Value, error) {
	vs, err := m.pop(1)
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// pointers pops a (pointer, length) pair of i32s.
func (m *machine) pointers() (ptr, n uint32, err error) {
	vs, err := m.pop(2)
	if err != nil {
		return 0, 0, err
	}
	p, ok1 := vs[0].(ivalue.I32)
	l, ok2 := vs[1].(ivalue.I32)
	if !ok1 || !ok2 {
		return 0, 0, fmt.Errorf("%w: expected (i32 pointer, i32 length), got (%s, %s)", ErrStack, vs[0].Kind(), vs[1].Kind())
	}
	return uint32(p), uint32(l), nil
}

func (m *machine) lowerer() *lilo.Lowerer {
	return lilo.NewLowerer(m.inst.Memory(), func(size, tag uint32) (uint32, error) {
		return m.inst.Allocate(m.ctx, size, tag)
	})
}

func (m *machine) step(in it.Instruction) error {
	if c, ok := in.Op.Conversion(); ok {
		v, err := m.pop1()
		if err != nil {
			return err
		}
		out, err := convert(v, c)
		if err != nil {
			return err
		}
		m.push(out)
		return nil
	}
	switch in.Op {
	case it.OpArgGet:
		if int64(in.Index) >= int64(len(m.args)) {
			return fmt.Errorf("argument %d does not exist, the function has %d", in.Index, len(m.args))
		}
		m.push(m.args[in.Index])
	case it.OpCallCore:
		return m.callCore(in.Index)
	case it.OpI32Push:
		m.push(ivalue.I32(in.Value))
	case it.OpI64Push:
		m.push(ivalue.I64(in.Value))
	case it.OpDup:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		m.push(v, v)
	case it.OpSwap2:
		vs, err := m.pop(2)
		if err != nil {
			return err
		}
		m.push(vs[1], vs[0])
	case it.OpStringSize:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		s, ok := v.(ivalue.String)
		if !ok {
			return fmt.Errorf("%w: expected a string, got %s", ErrStack, v.Kind())
		}
		m.push(ivalue.I32(len(s)))
	case it.OpByteArraySize:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		switch v := v.(type) {
		case ivalue.ByteArray:
			m.push(ivalue.I32(len(v)))
		case ivalue.Array:
			m.push(ivalue.I32(len(v)))
		default:
			return fmt.Errorf("%w: expected a byte array, got %s", ErrStack, v.Kind())
		}
	case it.OpStringLiftMemory, it.OpByteArrayLiftMemory:
		ptr, n, err := m.pointers()
		if err != nil {
			return err
		}
		l := lilo.NewLifter(m.inst.Memory(), m.inst.Records())
		if in.Op == it.OpStringLiftMemory {
			s, err := l.String(ptr, n)
			if err != nil {
				return err
			}
			m.push(ivalue.String(s))
			return nil
		}
		b, err := l.Bytes(ptr, n)
		if err != nil {
			return err
		}
		m.push(ivalue.ByteArray(b))
	case it.OpStringLowerMemory, it.OpByteArrayLowerMemory:
		return m.lowerInto(in.Op)
	case it.OpArrayLiftMemory:
		ptr, n, err := m.pointers()
		if err != nil {
			return err
		}
		v, err := lilo.NewLifter(m.inst.Memory(), m.inst.Records()).Array(in.Type, ptr, n)
		if err != nil {
			return err
		}
		m.push(v)
	case it.OpArrayLowerMemory:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		if err := ivalue.Check(v, it.ArrayOf(in.Type), m.inst.Records()); err != nil {
			return fmt.Errorf("%w: %w", ErrStack, err)
		}
		ptr, n, err := m.lowerer().Array(v)
		if err != nil {
			return err
		}
		m.push(ivalue.I32(ptr), ivalue.I32(n))
	case it.OpRecordLiftMemory:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		ptr, ok := v.(ivalue.I32)
		if !ok {
			return fmt.Errorf("%w: expected an i32 pointer, got %s", ErrStack, v.Kind())
		}
		r, err := lilo.NewLifter(m.inst.Memory(), m.inst.Records()).Record(in.Index, uint32(ptr))
		if err != nil {
			return err
		}
		m.push(r)
	case it.OpRecordLowerMemory:
		v, err := m.pop1()
		if err != nil {
			return err
		}
		r, ok := v.(ivalue.Record)
		if !ok {
			return fmt.Errorf("%w: expected a record, got %s", ErrStack, v.Kind())
		}
		if err := ivalue.Check(r, it.RecordRef(in.Index), m.inst.Records()); err != nil {
			return fmt.Errorf("%w: %w", ErrStack, err)
		}
		ptr, err := m.lowerer().Record(r)
		if err != nil {
			return err
		}
		m.push(ivalue.I32(ptr))
	default:
		return fmt.Errorf("unsupported instruction")
	}
	return nil
}

// lowerInto writes a string or byte array at a pointer the adapter
// allocated before, leaving (pointer, length).
func (m *machine) lowerInto(op it.Opcode) error {
	vs, err := m.pop(2)
	if err != nil {
		return err
	}
	p, ok := vs[0].(ivalue.I32)
	if !ok {
		return fmt.Errorf("%w: expected an i32 pointer below the value, got %s", ErrStack, vs[0].Kind())
	}
	var b []byte
	switch v := vs[1].(type) {
	case ivalue.String:
		if op == it.OpStringLowerMemory {
			b = []byte(v)
			break
		}
		return fmt.Errorf("%w: expected a byte array, got a string", ErrStack)
	case ivalue.ByteArray:
		if op == it.OpByteArrayLowerMemory {
			b = v
			break
		}
		return fmt.Errorf("%w: expected a string, got a byte array", ErrStack)
	default:
		return fmt.Errorf("%w: expected a string or byte array, got %s", ErrStack, vs[1].Kind())
	}
	mem := m.inst.Memory()
	if len(b) > 0 && !mem.Write(uint32(p), b) {
		return fmt.Errorf("writing %d bytes at %#x: %w of the %d-byte memory", len(b), uint32(p), lilo.ErrOutOfBounds, mem.Size())
	}
	m.push(p, ivalue.I32(len(b)))
	return nil
}

func (m *machine) callCore(i uint32) error {
	f, ok := m.inst.Func(i)
	if !ok {
		return fmt.Errorf("no function with call-core index %d", i)
	}
	args, err := m.pop(len(f.Params))
	if err != nil {
		return fmt.Errorf("calling %s: %w", f.Name, err)
	}
	for j, p := range f.Params {
		if err := ivalue.Check(args[j], p, m.inst.Records()); err != nil {
			return fmt.Errorf("%w: calling %s: argument %d: %w", ErrStack, f.Name, j, err)
		}
	}
	out, err := f.Call(m.ctx, args)
	if err != nil {
		return fmt.Errorf("calling %s: %w", f.Name, err)
	}
	m.push(out...)
	return nil
}

// convert performs a numeric conversion, failing when the value does not
// fit the target type, as Rust's TryFrom does.
func convert(v ivalue.Value, c it.Conversion) (ivalue.Value, error) {
	if v == nil || v.Kind() != c.From {
		return nil, fmt.Errorf("%w: expected %s, got %v", ErrStack, c.From, kindOf(v))
	}
	if c.To == it.Bool {
		return ivalue.Bool(v.(ivalue.I32) != 0), nil
	}
	// n holds the value; huge marks a u64 beyond the int64 range.
	var n int64
	huge := false
	switch v := v.(type) {
	case ivalue.Bool:
		if v {
			n = 1
		}
	case ivalue.S8:
		n = int64(v)
	case ivalue.S16:
		n = int64(v)
	case ivalue.S32:
		n = int64(v)
	case ivalue.S64:
		n = int64(v)
	case ivalue.I32:
		n = int64(v)
	case ivalue.I64:
		n = int64(v)
	case ivalue.U8:
		n = int64(v)
	case ivalue.U16:
		n = int64(v)
	case ivalue.U32:
		n = int64(v)
	case ivalue.U64:
		n, huge = int64(v), v > math.MaxInt64
	default:
		return nil, fmt.Errorf("%w: %s is not numeric", ErrStack, v.Kind())
	}
	inRange := func(lo, hi int64) bool { return !huge && n >= lo && n <= hi }
	var out ivalue.Value
	switch c.To {
	case it.S8:
		if inRange(math.MinInt8, math.MaxInt8) {
			out = ivalue.S8(n)
		}
	case it.S16:
		if inRange(math.MinInt16, math.MaxInt16) {
			out = ivalue.S16(n)
		}
	case it.S32:
		if inRange(math.MinInt32, math.MaxInt32) {
			out = ivalue.S32(n)
		}
	case it.I32:
		if inRange(math.MinInt32, math.MaxInt32) {
			out = ivalue.I32(n)
		}
	case it.S64:
		if !huge {
			out = ivalue.S64(n)
		}
	case it.I64:
		if !huge {
			out = ivalue.I64(n)
		}
	case it.U8:
		if inRange(0, math.MaxUint8) {
			out = ivalue.U8(n)
		}
	case it.U16:
		if inRange(0, math.MaxUint16) {
			out = ivalue.U16(n)
		}
	case it.U32:
		if inRange(0, math.MaxUint32) {
			out = ivalue.U32(n)
		}
	case it.U64:
		if huge || n >= 0 {
			out = ivalue.U64(uint64(n))
		}
	}
	if out == nil {
		return nil, fmt.Errorf("%s value %v does not fit %s", c.From, v, c.To)
	}
	return out, nil
}

func kindOf(v ivalue.Value) any {
	if v == nil {
		return "nothing"
	}
	return v.Kind()
}
