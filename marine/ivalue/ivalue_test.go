package ivalue_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/marine/it"
	"github.com/aquarium-p2p/aquarium/marine/ivalue"
)

// recs has one record type, Point{x: s32, name: string, tags: []string,
// raw: []u8, next: []Point}, at index 0.
var recs = &it.Section{Types: []it.TypeDef{{Record: &it.RecordType{Name: "Point", Fields: []it.Field{
	{Name: "x", Type: it.TypeS32},
	{Name: "name", Type: it.TypeString},
	{Name: "tags", Type: it.ArrayOf(it.TypeString)},
	{Name: "raw", Type: it.TypeByteArray},
	{Name: "next", Type: it.ArrayOf(it.RecordRef(0))},
}}}}}

var point = it.RecordRef(0)

func TestArgsFromJSON(t *testing.T) {
	two := []it.Field{{Name: "a", Type: it.TypeU8}, {Name: "b", Type: it.TypeString}}
	one := []it.Field{{Name: "n", Type: it.TypeS64}}
	tests := []struct {
		name    string
		json    string
		params  []it.Field
		want    []ivalue.Value
		wantErr string
	}{
		{"positional", `[7, "x"]`, two, []ivalue.Value{ivalue.U8(7), ivalue.String("x")}, ""},
		{"named", `{"b": "x", "a": 7}`, two, []ivalue.Value{ivalue.U8(7), ivalue.String("x")}, ""},
		{"null without params", `null`, nil, nil, ""},
		{"empty array without params", `[]`, nil, []ivalue.Value{}, ""},
		{"bare scalar", `-5`, one, []ivalue.Value{ivalue.S64(-5)}, ""},
		{"one-element array flattened", `[[42]]`, one, []ivalue.Value{ivalue.S64(42)}, ""},
		{"too few", `[7]`, two, nil, "takes 2 arguments (a: u8, b: string), 1 given"},
		{"missing name", `{"a": 7}`, two, nil, "argument b is missing"},
		{"extra name", `{"a": 7, "b": "x", "c": 1}`, two, nil, `unknown arguments "c"`},
		{"null with params", `null`, two, nil, "no arguments given"},
		{"bare with two params", `1`, two, nil, "a single value was given"},
		{"u8 overflow", `[256, "x"]`, two, nil, "argument a: 256 is not a u8 (an integer from 0 to 255)"},
		{"negative unsigned", `[-1, "x"]`, two, nil, "-1 is not a u8"},
		{"fraction for int", `[1.5, "x"]`, two, nil, "1.5 is not a u8"},
		{"wrong type", `[1, 2]`, two, nil, "argument b: expected string, got the number 2"},
		{"s64 bounds", `[9223372036854775808]`, one, nil, "is not a s64"},
		{"bad json", `[1,`, two, nil, "not valid JSON"},
		{"trailing data", `[1] [2]`, one, nil, "unexpected data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ivalue.ArgsFromJSON([]byte(tt.json), tt.params, recs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRecordsFromJSON(t *testing.T) {
	tests := []struct {
		name, json, wantErr string
		want                ivalue.Value
	}{
		{
			name: "object",
			json: `{"x": -3, "name": "p", "tags": ["a"], "raw": [1, 255], "next": [[1, "q", [], [], []]]}`,
			want: ivalue.Record{ivalue.S32(-3), ivalue.String("p"), ivalue.Array{ivalue.String("a")}, ivalue.ByteArray{1, 255},
				ivalue.Array{ivalue.Record{ivalue.S32(1), ivalue.String("q"), ivalue.Array{}, ivalue.ByteArray{}, ivalue.Array{}}}},
		},
		{name: "missing field", json: `{"x": 1}`, wantErr: "record Point: field name is missing"},
		{name: "unknown field", json: `{"x": 1, "name": "", "tags": [], "raw": [], "next": [], "z": 0}`, wantErr: `unknown fields "z"`},
		{name: "short array", json: `[1]`, wantErr: "record Point has 5 fields, the array has 1"},
		{name: "scalar", json: `3`, wantErr: "expected an object or an array for record Point"},
		{name: "bad byte", json: `[1, "", [], [256], []]`, wantErr: "Point.raw: element 0: 256 is not a u8"},
		{name: "nested error", json: `[1, "", [], [], [[1, 2, [], [], []]]]`, wantErr: "Point.next: element 0: Point.name: expected string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ivalue.FromJSON([]byte(tt.json), point, recs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if err := ivalue.Check(got, point, recs); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestToJSON(t *testing.T) {
	tests := []struct {
		v    ivalue.Value
		t    it.Type
		want string
	}{
		{ivalue.U64(18446744073709551615), it.TypeU64, "18446744073709551615"},
		{ivalue.S64(-9223372036854775808), it.TypeS64, "-9223372036854775808"},
		{ivalue.F64(1.5), it.TypeF64, "1.5"},
		{ivalue.F64(3), it.TypeF64, "3"},
		{ivalue.F32(0.1), it.TypeF32, "0.1"},
		{ivalue.F64(1e300), it.TypeF64, "1e+300"},
		{ivalue.Bool(true), it.TypeBool, "true"},
		{ivalue.String("a\"b\n"), it.TypeString, `"a\"b\n"`},
		{ivalue.ByteArray{0, 7}, it.TypeByteArray, "[0,7]"},
		{ivalue.Array{ivalue.U8(1)}, it.TypeByteArray, "[1]"},
		{ivalue.Array{}, it.ArrayOf(it.TypeString), "[]"},
		{ivalue.Record{ivalue.S32(1), ivalue.String("n"), ivalue.Array{}, ivalue.ByteArray{}, ivalue.Array{}}, point,
			`{"x":1,"name":"n","tags":[],"raw":[],"next":[]}`},
	}
	for _, tt := range tests {
		got, err := ivalue.ToJSON(tt.v, tt.t, recs)
		if err != nil {
			t.Errorf("ToJSON(%#v): %v", tt.v, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("ToJSON(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
	if got, err := ivalue.ResultJSON(nil, nil, recs); err != nil || string(got) != "null" {
		t.Errorf("ResultJSON() = %s, %v; want null", got, err)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		v       ivalue.Value
		t       it.Type
		wantErr string
	}{
		{ivalue.U32(1), it.TypeU32, ""},
		{ivalue.U32(1), it.TypeS32, "u32 value, expected s32"},
		{ivalue.Array{ivalue.U8(1)}, it.TypeByteArray, ""},
		{ivalue.ByteArray{1}, it.ArrayOf(it.TypeU8), ""},
		{ivalue.Array{ivalue.S8(1)}, it.TypeByteArray, "element 0: s8 value, expected u8"},
		{ivalue.Record{ivalue.S32(1)}, point, "record Point has 5 fields, value has 1"},
		{ivalue.Array{nil}, it.ArrayOf(it.TypeString), "element 0: missing value"},
	}
	for _, tt := range tests {
		err := ivalue.Check(tt.v, tt.t, recs)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Check(%#v, %v) = %v, want %q", tt.v, tt.t, err, tt.wantErr)
		}
	}
}

func FuzzFromJSON(f *testing.F) {
	f.Add(`{"x": -3, "name": "p", "tags": ["a"], "raw": [1, 255], "next": [[1, "q", [], [], []]]}`)
	f.Add(`[0, "", [], [], []]`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ivalue.FromJSON([]byte(s), point, recs)
		if err != nil {
			return
		}
		out, err := ivalue.ToJSON(v, point, recs)
		if err != nil {
			t.Fatalf("ToJSON of a converted value: %v", err)
		}
		again, err := ivalue.FromJSON(out, point, recs)
		if err != nil {
			t.Fatalf("FromJSON(%s) of our own output: %v", out, err)
		}
		if !reflect.DeepEqual(v, again) {
			t.Fatalf("round trip changed %#v into %#v", v, again)
		}
	})
}
