package ivalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/marine/it"
)

// ArgsFromJSON converts the JSON arguments of a call into values for the
// function's parameters. It accepts what the reference accepts: an array
// matched by position, an object matched by name (no key missing, none
// extra), null for a function without parameters, and a bare value for a
// function with exactly one.
func ArgsFromJSON(data []byte, params []it.Field, recs Records) ([]Value, error) {
	j, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("arguments are not valid JSON: %w", err)
	}
	switch j := j.(type) {
	case []any:
		if len(j) != len(params) {
			return nil, fmt.Errorf("the function takes %d arguments (%s), %d given", len(params), signature(params), len(j))
		}
		out := make([]Value, len(params))
		for i, p := range params {
			if out[i], err = fromJSON(j[i], p.Type, recs, 0); err != nil {
				return nil, fmt.Errorf("argument %s: %w", p.Name, err)
			}
		}
		return out, nil
	case map[string]any:
		out := make([]Value, len(params))
		for i, p := range params {
			v, ok := j[p.Name]
			if !ok {
				return nil, fmt.Errorf("argument %s is missing (the function takes %s)", p.Name, signature(params))
			}
			if out[i], err = fromJSON(v, p.Type, recs, 0); err != nil {
				return nil, fmt.Errorf("argument %s: %w", p.Name, err)
			}
		}
		if len(j) > len(params) {
			return nil, fmt.Errorf("unknown arguments %s (the function takes %s)", extraKeys(j, params), signature(params))
		}
		return out, nil
	case nil:
		if len(params) != 0 {
			return nil, fmt.Errorf("no arguments given, the function takes %s", signature(params))
		}
		return nil, nil
	default:
		if len(params) != 1 {
			return nil, fmt.Errorf("a single value was given, the function takes %s", signature(params))
		}
		v, err := fromJSON(j, params[0].Type, recs, 0)
		if err != nil {
			return nil, fmt.Errorf("argument %s: %w", params[0].Name, err)
		}
		return []Value{v}, nil
	}
}

// FromJSON converts one JSON value into a value of type t.
func FromJSON(data []byte, t it.Type, recs Records) (Value, error) {
	j, err := parse(data)
	if err != nil {
		return nil, err
	}
	return fromJSON(j, t, recs, 0)
}

func parse(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var j any
	if err := dec.Decode(&j); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON value")
	}
	return j, nil
}

func signature(params []it.Field) string {
	if len(params) == 0 {
		return "no arguments"
	}
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name + ": " + p.Type.String()
	}
	return strings.Join(names, ", ")
}

func extraKeys(m map[string]any, params []it.Field) string {
	known := make(map[string]bool, len(params))
	for _, p := range params {
		known[p.Name] = true
	}
	var extra []string
	for k := range m {
		if !known[k] {
			extra = append(extra, strconv.Quote(k))
		}
	}
	return strings.Join(extra, ", ")
}

func describe(j any) string {
	switch j := j.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + j.String()
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", j)
}

func fromJSON(j any, t it.Type, recs Records, depth int) (Value, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("value nested deeper than %d levels", MaxDepth)
	}
	switch t.Kind {
	case it.Array, it.ByteArray:
		arr, ok := j.([]any)
		if !ok {
			return nil, fmt.Errorf("expected an array for %s, got %s", t, describe(j))
		}
		if t.Kind == it.ByteArray {
			b := make(ByteArray, len(arr))
			for i, e := range arr {
				v, err := scalar(e, it.TypeU8)
				if err != nil {
					return nil, fmt.Errorf("element %d: %w", i, err)
				}
				b[i] = byte(v.(U8))
			}
			return b, nil
		}
		out := make(Array, len(arr))
		for i, e := range arr {
			v, err := fromJSON(e, *t.Elem, recs, depth+1)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			out[i] = v
		}
		return out, nil
	case it.Record:
		rt, err := recs.Record(t.RecordID)
		if err != nil {
			return nil, err
		}
		out := make(Record, len(rt.Fields))
		switch j := j.(type) {
		case map[string]any:
			for i, f := range rt.Fields {
				v, ok := j[f.Name]
				if !ok {
					return nil, fmt.Errorf("record %s: field %s is missing", rt.Name, f.Name)
				}
				if out[i], err = fromJSON(v, f.Type, recs, depth+1); err != nil {
					return nil, fmt.Errorf("%s.%s: %w", rt.Name, f.Name, err)
				}
			}
			if len(j) > len(rt.Fields) {
				return nil, fmt.Errorf("record %s: unknown fields %s", rt.Name, extraKeys(j, rt.Fields))
			}
		case []any:
			if len(j) != len(rt.Fields) {
				return nil, fmt.Errorf("record %s has %d fields, the array has %d", rt.Name, len(rt.Fields), len(j))
			}
			for i, f := range rt.Fields {
				if out[i], err = fromJSON(j[i], f.Type, recs, depth+1); err != nil {
					return nil, fmt.Errorf("%s.%s: %w", rt.Name, f.Name, err)
				}
			}
		default:
			return nil, fmt.Errorf("expected an object or an array for record %s, got %s", rt.Name, describe(j))
		}
		return out, nil
	}
	// The reference accepts a one-element array where a scalar is expected.
	if arr, ok := j.([]any); ok && len(arr) == 1 {
		j = arr[0]
	}
	return scalar(j, t)
}

func scalar(j any, t it.Type) (Value, error) {
	switch t.Kind {
	case it.String:
		if s, ok := j.(string); ok {
			return String(s), nil
		}
	case it.Bool:
		if b, ok := j.(bool); ok {
			return Bool(b), nil
		}
	case it.F32, it.F64:
		n, ok := j.(json.Number)
		if !ok {
			break
		}
		bits := 64
		if t.Kind == it.F32 {
			bits = 32
		}
		f, err := strconv.ParseFloat(n.String(), bits)
		if err != nil {
			return nil, fmt.Errorf("%s does not fit %s", n, t)
		}
		if t.Kind == it.F32 {
			return F32(f), nil
		}
		return F64(f), nil
	case it.S8, it.S16, it.S32, it.S64, it.I32, it.I64:
		n, ok := j.(json.Number)
		if !ok {
			break
		}
		bits := map[it.Kind]int{it.S8: 8, it.S16: 16, it.S32: 32, it.S64: 64, it.I32: 32, it.I64: 64}[t.Kind]
		v, err := strconv.ParseInt(n.String(), 10, bits)
		if err != nil {
			return nil, fmt.Errorf("%s is not a %s (an integer from %d to %d)", n, t, -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1)
		}
		switch t.Kind {
		case it.S8:
			return S8(v), nil
		case it.S16:
			return S16(v), nil
		case it.S32:
			return S32(v), nil
		case it.S64:
			return S64(v), nil
		case it.I32:
			return I32(v), nil
		default:
			return I64(v), nil
		}
	case it.U8, it.U16, it.U32, it.U64:
		n, ok := j.(json.Number)
		if !ok {
			break
		}
		bits := map[it.Kind]int{it.U8: 8, it.U16: 16, it.U32: 32, it.U64: 64}[t.Kind]
		v, err := strconv.ParseUint(n.String(), 10, bits)
		if err != nil {
			return nil, fmt.Errorf("%s is not a %s (an integer from 0 to %d)", n, t, uint64(math.MaxUint64)>>(64-bits))
		}
		switch t.Kind {
		case it.U8:
			return U8(v), nil
		case it.U16:
			return U16(v), nil
		case it.U32:
			return U32(v), nil
		default:
			return U64(v), nil
		}
	default:
		return nil, fmt.Errorf("unsupported type %s", t)
	}
	return nil, fmt.Errorf("expected %s, got %s", t, describe(j))
}

// ResultJSON converts a function's results to JSON: null without results,
// the value itself with one. Record fields are named from recs.
func ResultJSON(vals []Value, outs []it.Type, recs Records) (json.RawMessage, error) {
	switch {
	case len(vals) != len(outs):
		return nil, fmt.Errorf("the function returned %d values, its signature declares %d", len(vals), len(outs))
	case len(vals) == 0:
		return json.RawMessage("null"), nil
	case len(vals) > 1:
		return nil, fmt.Errorf("functions with %d results are not supported", len(vals))
	}
	return ToJSON(vals[0], outs[0], recs)
}

// ToJSON converts a value of type t to JSON. Integers keep every digit;
// NaN and infinities, which JSON cannot hold, become null.
func ToJSON(v Value, t it.Type, recs Records) (json.RawMessage, error) {
	var b []byte
	b, err := appendJSON(b, v, t, recs, 0)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func appendJSON(b []byte, v Value, t it.Type, recs Records, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("value nested deeper than %d levels", MaxDepth)
	}
	switch v := v.(type) {
	case S8:
		return strconv.AppendInt(b, int64(v), 10), nil
	case S16:
		return strconv.AppendInt(b, int64(v), 10), nil
	case S32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case S64:
		return strconv.AppendInt(b, int64(v), 10), nil
	case I32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case I64:
		return strconv.AppendInt(b, int64(v), 10), nil
	case U8:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case U16:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case U32:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case U64:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case F32:
		return appendFloat(b, float64(v), 32), nil
	case F64:
		return appendFloat(b, float64(v), 64), nil
	case Bool:
		return strconv.AppendBool(b, bool(v)), nil
	case String:
		s, err := json.Marshal(string(v))
		if err != nil {
			return nil, err
		}
		return append(b, s...), nil
	case ByteArray:
		b = append(b, '[')
		for i, c := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(c), 10)
		}
		return append(b, ']'), nil
	case Array:
		elem := it.Type{Kind: it.U8}
		if t.Kind == it.Array && t.Elem != nil {
			elem = *t.Elem
		} else if t.Kind != it.ByteArray {
			return nil, fmt.Errorf("array value, expected %s", t)
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e, elem, recs, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case Record:
		if t.Kind != it.Record {
			return nil, fmt.Errorf("record value, expected %s", t)
		}
		rt, err := recs.Record(t.RecordID)
		if err != nil {
			return nil, err
		}
		if len(rt.Fields) != len(v) {
			return nil, fmt.Errorf("record %s has %d fields, value has %d", rt.Name, len(rt.Fields), len(v))
		}
		b = append(b, '{')
		for i, f := range rt.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			name, _ := json.Marshal(f.Name)
			b = append(append(b, name...), ':')
			if b, err = appendJSON(b, v[i], f.Type, recs, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case nil:
		return nil, errors.New("missing value")
	}
	return nil, fmt.Errorf("unknown value type %T", v)
}

func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	// Plain notation where JavaScript would use it, exponents elsewhere.
	if a := math.Abs(f); a == 0 || (a >= 1e-6 && a < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, bits)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}
