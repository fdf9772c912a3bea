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
	// The values still to measure, with their depths; a few fit without
	// an allocation.
	type pending struct {
		v     Value
		depth int
	}
	var buf [16]pending
	todo := append(buf[:0], pending{v, 0})
	var scratch [32]byte
	n, deep := 0, false
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		switch v := p.v.(type) {
		case nil:
			n += len("null")
		case bool:
			if v {
				n += len("true")
			} else {
				n += len("false")
			}
		case int64:
			n += len(strconv.AppendInt(scratch[:0], v, 10))
		case uint64:
			n += len(strconv.AppendUint(scratch[:0], v, 10))
		case float64:
			n += len(appendFloat(scratch[:0], v))
		case string:
			n += stringLen(v)
		case []any:
			deep = deep || p.depth >= MaxDepth
			// Brackets and commas, before the elements wait: the
			// stack never holds more values than the limit has bytes.
			if n += 2 + max(len(v)-1, 0); n > limit {
				return 0, ErrTooLarge
			}
			for _, e := range v {
				todo = append(todo, pending{e, p.depth + 1})
			}
		case map[string]any:
			deep = deep || p.depth >= MaxDepth
			// Braces, commas and colons.
			n += 2 + max(len(v)-1, 0) + len(v)
			for k, e := range v {
				if n += stringLen(k); n > limit {
					return 0, ErrTooLarge
				}
				todo = append(todo, pending{e, p.depth + 1})
			}
		default:
			// As Append does: values outside the model through
			// Normalize, and what stays outside as null.
			switch nv := Normalize(v).(type) {
			case int64, uint64, float64, []any:
				todo = append(todo, pending{nv, p.depth})
			default:
				n += len("null")
			}
		}
		if n > limit {
			return 0, ErrTooLarge
		}
	}
	if deep {
		return 0, ErrTooDeep
	}
	return n, nil
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
