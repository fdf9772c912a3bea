package value

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// MaxDepth bounds how deeply a value nests. Parse refuses deeper texts
// (encoding/json stops at the same depth) and Measure deeper values, so
// that Marshal and Equal, which walk a value recursively, never go deeper
// than this on any value that passed one of them.
const MaxDepth = 10_000

// Errors of Measure.
var (
	// ErrTooLarge: the value's text is longer than the bound.
	ErrTooLarge = errors.New("value is too large")
	// ErrTooDeep: the value nests deeper than MaxDepth.
	ErrTooDeep = errors.New("value nests too deeply")
)

// Measure returns the length of the canonical JSON text of v without
// writing it. It gives up with ErrTooLarge as soon as the length passes
// limit, and otherwise fails with ErrTooDeep when v nests deeper than
// MaxDepth; on either error the length it returns is 0. A value can hold
// the same array or object many times over, and its text holds each copy,
// so a small value in memory can stand for a text of any length: Measure
// costs at most what a text of limit bytes costs to walk, however long
// the whole text would be. It walks v with a stack of its own, so that no
// value takes it deeper into Go calls, and its result does not depend on
// the order it meets an object's members in.
func Measure(v Value, limit int) (int, error) {
	m := measurer{limit: limit}
	// Each entry holds the values of an array, or the arrays and objects
	// among an object's values, still to measure, one level deeper than
	// the array or object. Scalars are measured as they are met, so a
	// wide array of numbers costs no memory at all.
	var buf [8]pending
	todo := buf[:0]
	if n, ok := m.scalar(v); ok {
		m.n = n
	} else {
		todo = m.open(v, 0, todo)
	}
	for len(todo) > 0 && m.n <= limit {
		top := &todo[len(todo)-1]
		if len(top.vals) == 0 {
			todo = todo[:len(todo)-1]
			continue
		}
		e, depth := top.vals[0], top.depth
		top.vals = top.vals[1:]
		if n, ok := m.scalar(e); ok {
			m.n += n
		} else {
			todo = m.open(e, depth, todo)
		}
	}
	switch {
	case m.n > limit:
		return 0, ErrTooLarge
	case m.deep:
		return 0, ErrTooDeep
	}
	return m.n, nil
}

// open counts the brackets, braces, commas, colons and keys of an array
// or object at depth, and adds what it holds to todo.
func (m *measurer) open(v Value, depth int, todo []pending) []pending {
	m.deep = m.deep || depth >= MaxDepth
	switch c := asContainer(v).(type) {
	case []any:
		m.n += 2 + max(len(c)-1, 0)
		return append(todo, pending{vals: c, depth: depth + 1})
	case map[string]any:
		m.n += 2 + max(len(c)-1, 0) + len(c)
		var nested []any
		for k, e := range c {
			m.n += stringLen(k)
			if n, ok := m.scalar(e); ok {
				m.n += n
			} else {
				nested = append(nested, e)
			}
			if m.n > m.limit {
				return todo
			}
		}
		if len(nested) > 0 {
			return append(todo, pending{vals: nested, depth: depth + 1})
		}
	}
	return todo
}

// pending are values still to measure, all at one depth.
type pending struct {
	vals  []any
	depth int
}

type measurer struct {
	n, limit int
	deep     bool
	scratch  [32]byte
}

// scalar returns the length of v's text if v is not an array or object.
func (m *measurer) scalar(v Value) (int, bool) {
	switch v := v.(type) {
	case nil:
		return len("null"), true
	case bool:
		if v {
			return len("true"), true
		}
		return len("false"), true
	case int64:
		return len(strconv.AppendInt(m.scratch[:0], v, 10)), true
	case uint64:
		return len(strconv.AppendUint(m.scratch[:0], v, 10)), true
	case float64:
		return len(appendFloat(m.scratch[:0], v)), true
	case string:
		return stringLen(v), true
	case []any, map[string]any:
		return 0, false
	}
	// As Append does: values outside the model through Normalize, and
	// what stays outside as null.
	switch n := Normalize(v).(type) {
	case int64, uint64, float64:
		return m.scalar(n)
	case []any:
		return 0, false
	}
	return len("null"), true
}

// asContainer returns v as an array or object, through Normalize for a
// value outside the model that stands for an array.
func asContainer(v Value) Value {
	switch v.(type) {
	case []any, map[string]any:
		return v
	}
	return Normalize(v)
}

// stringLen is the length of s as a JSON string literal, as AppendString
// writes it.
func stringLen(s string) int {
	if !utf8.ValidString(s) {
		return invalidStringLen(s)
	}
	n := 2 + len(s)
	for i := 0; i < len(s); i++ {
		n += int(escapeExtra[s[i]])
	}
	return n
}

// escapeExtra is how many bytes AppendString writes for each byte beyond
// the byte itself: 1 for a two-byte escape, 5 for \u00XX.
var escapeExtra = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 5
	}
	for _, c := range []byte{'"', '\\', '\n', '\r', '\t', '\b', '\f'} {
		t[c] = 1
	}
	return t
}()

// invalidStringLen is stringLen for strings that are not valid UTF-8,
// whose bad bytes AppendString writes as \ufffd.
func invalidStringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				n += len(`\ufffd`)
			} else {
				n += size
			}
			i += size
			continue
		}
		n += 1 + int(escapeExtra[c])
		i++
	}
	return n
}
