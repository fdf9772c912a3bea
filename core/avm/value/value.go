// Package value is the JSON value model of the AIR interpreter.
//
// AIR compares values as JSON, and JSON as the reference interpreter sees it
// keeps integers and floats apart: 1 and 1.0 are different values. Go's
// encoding/json turns every number into a float64 and would lose that, so
// this package parses numbers into int64 (or uint64 when too large for
// int64) and float64, and writes values back in one canonical text: object
// keys sorted, no HTML escaping, no insignificant white space. The
// canonical text is what content identifiers are computed over, so equal
// values always get equal identifiers.
//
// A Value is one of nil, bool, int64, uint64, float64, string, []any or
// map[string]any; nothing else is ever produced by Parse.
package value

import (
	"math"
)

// Value is a JSON value: nil, bool, int64, uint64, float64, string, []any or
// map[string]any.
type Value = any

// MustParse is Parse for values known to be valid, such as literals in
// tests; it panics on error.
func MustParse(text string) Value {
	v, err := ParseString(text)
	if err != nil {
		panic(err)
	}
	return v
}

// Normalize turns a value built by Go code (ints of any size, float32,
// []string, map[string]string and so on) into the canonical model. It is
// for values the interpreter makes itself, such as the length of an array
// or the timestamp.
func Normalize(v any) Value {
	switch v := v.(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case uint32:
		return int64(v)
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v)
		}
		return v
	case float32:
		return float64(v)
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return v
}

// Equal reports whether two values are equal as JSON: integers and floats
// never equal each other, objects are equal whatever their key order.
func Equal(a, b Value) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case int64:
		switch b := b.(type) {
		case int64:
			return a == b
		case uint64:
			return a >= 0 && uint64(a) == b
		}
		return false
	case uint64:
		switch b := b.(type) {
		case uint64:
			return a == b
		case int64:
			return b >= 0 && uint64(b) == a
		}
		return false
	case float64:
		bf, ok := b.(float64)
		return ok && a == bf
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if !Equal(a[i], bs[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

// AsUint32 returns v as an array index when it is a non-negative integer
// that fits in 32 bits.
func AsUint32(v Value) (uint32, bool) {
	switch v := v.(type) {
	case int64:
		if v >= 0 && v <= math.MaxUint32 {
			return uint32(v), true
		}
	case uint64:
		if v <= math.MaxUint32 {
			return uint32(v), true
		}
	}
	return 0, false
}

// IsInteger reports whether v is an integer number.
func IsInteger(v Value) bool {
	switch v.(type) {
	case int64, uint64:
		return true
	}
	return false
}
