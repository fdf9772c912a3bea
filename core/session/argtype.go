package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
)

// Kind is the kind of an argument's type.
type Kind uint8

// Argument type kinds. KindAny is a type the check does not look into.
const (
	KindAny Kind = iota
	KindBool
	KindString
	KindU8
	KindU16
	KindU32
	KindU64
	KindI8
	KindI16
	KindI32
	KindI64
	KindF32
	KindF64
	KindArray
	KindOption
	KindStream
	KindStruct
	KindArrow
)

var kindNames = [...]string{
	KindBool: "bool", KindString: "string",
	KindU8: "u8", KindU16: "u16", KindU32: "u32", KindU64: "u64",
	KindI8: "i8", KindI16: "i16", KindI32: "i32", KindI64: "i64",
	KindF32: "f32", KindF64: "f64",
}

// Type is the Aqua type of a function's parameter, as far as checking an
// argument's JSON needs it. The compiler's types are converted to it by
// the front end, which knows both.
type Type struct {
	Kind Kind
	// Name is the type's name: a struct's, or for KindAny and KindArrow
	// the type as Aqua writes it.
	Name string
	// Elem is the element type of an array, option or stream.
	Elem *Type
	// Fields are a struct's fields.
	Fields []Field
}

// Field is one field of a struct type.
type Field struct {
	Name string
	Type Type
}

// String returns the type as Aqua writes it: u32, []string, ?User.
func (t Type) String() string {
	switch t.Kind {
	case KindArray:
		return "[]" + t.Elem.String()
	case KindOption:
		return "?" + t.Elem.String()
	case KindStream:
		return "*" + t.Elem.String()
	case KindStruct, KindAny, KindArrow:
		if t.Name == "" {
			return "⊤"
		}
		return t.Name
	}
	if int(t.Kind) < len(kindNames) {
		return kindNames[t.Kind]
	}
	return "unknown"
}

// ArgError is an argument that does not fit its parameter's type: the
// path to the value that does not fit (args.user.age), the type expected
// there and the JSON given.
type ArgError struct {
	Path string
	Want string
	// Got is the given value's JSON, shortened; empty for a missing
	// struct field.
	Got string
	// Note says more, such as "out of range".
	Note string
}

func (e *ArgError) Error() string {
	got := e.Got
	if got == "" {
		got = "nothing"
	}
	s := fmt.Sprintf("%s: expected %s, got %s", e.Path, e.Want, got)
	if e.Note != "" {
		s += " (" + e.Note + ")"
	}
	return s
}

// CheckArg checks the JSON value v of parameter name against its type t,
// before the value is sent. The error is an *ArgError whose path starts
// with args.name.
func CheckArg(name string, t Type, v json.RawMessage) error {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return fmt.Errorf("args.%s: %w", name, err)
	}
	if err := check("args."+name, t, x); err != nil {
		return err
	}
	return nil
}

func check(path string, t Type, v any) error {
	mismatch := func(note string) error {
		return &ArgError{Path: path, Want: t.String(), Got: shortJSON(v), Note: note}
	}
	switch t.Kind {
	case KindAny:
		return nil
	case KindArrow:
		return &ArgError{Path: path, Want: t.String(), Got: shortJSON(v), Note: "a function cannot be given as data"}
	case KindBool:
		if _, ok := v.(bool); !ok {
			return mismatch("")
		}
	case KindString:
		if _, ok := v.(string); !ok {
			if _, isNum := v.(json.Number); isNum {
				return mismatch("write strings in double quotes")
			}
			return mismatch("")
		}
	case KindU8, KindU16, KindU32, KindU64, KindI8, KindI16, KindI32, KindI64, KindF32, KindF64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch("")
		}
		return checkNumber(t.Kind, n, mismatch)
	case KindArray, KindOption, KindStream:
		list, ok := v.([]any)
		if !ok {
			if v == nil && t.Kind == KindOption {
				return mismatch("an empty option is [] or nil")
			}
			if t.Kind == KindOption {
				return mismatch("an option is [] or [value]")
			}
			return mismatch("")
		}
		if t.Kind == KindOption && len(list) > 1 {
			return mismatch("an option holds at most one value")
		}
		for i, e := range list {
			if err := check(fmt.Sprintf("%s[%d]", path, i), *t.Elem, e); err != nil {
				return err
			}
		}
	case KindStruct:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch("")
		}
		// Structs are typed structurally: fields beyond the type's are
		// allowed, as a struct with more fields fits one with fewer.
		for _, f := range t.Fields {
			fv, ok := obj[f.Name]
			if !ok {
				return &ArgError{Path: path + "." + f.Name, Want: f.Type.String(), Note: "missing field of " + t.String()}
			}
			if err := check(path+"."+f.Name, f.Type, fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// intRanges are the bounds of the integer kinds.
var intRanges = map[Kind][2]*big.Int{}

func init() {
	for k, bits := range map[Kind]uint{KindU8: 8, KindU16: 16, KindU32: 32, KindU64: 64} {
		hi := new(big.Int).Lsh(big.NewInt(1), bits)
		intRanges[k] = [2]*big.Int{big.NewInt(0), hi.Sub(hi, big.NewInt(1))}
	}
	for k, bits := range map[Kind]uint{KindI8: 7, KindI16: 15, KindI32: 31, KindI64: 63} {
		hi := new(big.Int).Lsh(big.NewInt(1), bits)
		lo := new(big.Int).Neg(hi)
		intRanges[k] = [2]*big.Int{lo, hi.Sub(hi, big.NewInt(1))}
	}
}

func checkNumber(k Kind, n json.Number, mismatch func(string) error) error {
	if k == KindF32 || k == KindF64 {
		return nil
	}
	f, ok := new(big.Float).SetString(string(n))
	if !ok {
		return mismatch("")
	}
	if !f.IsInt() {
		return mismatch("not an integer")
	}
	i, _ := f.Int(nil)
	r := intRanges[k]
	if i.Cmp(r[0]) < 0 || i.Cmp(r[1]) > 0 {
		return mismatch(fmt.Sprintf("out of range %s..%s", r[0], r[1]))
	}
	return nil
}

// shortJSON renders a given value for a message, cut at 40 characters.
func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return strings.TrimSpace(s)
}
