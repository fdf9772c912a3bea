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
// limit, and with ErrTooDeep past MaxDepth levels of nesting. A value can
// hold the same array or object many times over, and its text holds each
// copy, so a small value in memory can stand for a text of any length:
// Measure costs at most what a text of limit bytes costs to walk, however
// long the whole text would be.
func Measure(v Value, limit int) (int, error) {
	m := measurer{limit: limit}
	m.value(v, 0)
	return m.n, m.err
}

type measurer struct {
	n, limit int
	err      error
	buf      [32]byte
}

func (m *measurer) add(k int) bool {
	m.n += k
	if m.n > m.limit {
		m.err = ErrTooLarge
		return false
	}
	return true
}

func (m *measurer) value(v Value, depth int) bool {
	switch v := v.(type) {
	case nil:
		return m.add(len("null"))
	case bool:
		if v {
			return m.add(len("true"))
		}
		return m.add(len("false"))
	case int64:
		return m.add(len(strconv.AppendInt(m.buf[:0], v, 10)))
	case uint64:
		return m.add(len(strconv.AppendUint(m.buf[:0], v, 10)))
	case float64:
		return m.add(len(appendFloat(m.buf[:0], v)))
	case string:
		return m.add(stringLen(v))
	case []any:
		if depth >= MaxDepth {
			m.err = ErrTooDeep
			return false
		}
		// Brackets and commas.
		if !m.add(2 + max(len(v)-1, 0)) {
			return false
		}
		for _, e := range v {
			if !m.value(e, depth+1) {
				return false
			}
		}
		return true
	case map[string]any:
		if depth >= MaxDepth {
			m.err = ErrTooDeep
			return false
		}
		// Braces, commas and colons.
		if !m.add(2 + max(len(v)-1, 0) + len(v)) {
			return false
		}
		for k, e := range v {
			if !m.add(stringLen(k)) || !m.value(e, depth+1) {
				return false
			}
		}
		return true
	}
	// As Append does: values outside the model through Normalize, and
	// what stays outside as null.
	switch n := Normalize(v).(type) {
	case int64, uint64, float64, []any:
		return m.value(n, depth)
	}
	return m.add(len("null"))
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
