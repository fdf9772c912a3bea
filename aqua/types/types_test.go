package types

import (
	"slices"
	"testing"
)

func TestAssignableTo(t *testing.T) {
	u8, u32, u64, i16, i64 := Typ(U8), Typ(U32), Typ(U64), Typ(I16), Typ(I64)
	str, f64 := Typ(String), Typ(F64)
	point := &Struct{Name: "P", Fields: []Field{{"x", i64}}}
	point3 := &Struct{Name: "Q", Fields: []Field{{"x", u8}, {"y", u8}}}
	tests := []struct {
		name string
		v, t Type
		want bool
	}{
		{"same", u32, u32, true},
		{"widen unsigned", u8, u32, true},
		{"narrow", u64, u8, false},
		{"unsigned into wider signed", u8, i16, true},
		{"signed into unsigned", i16, u64, false},
		{"u64 into i64", u64, i64, false},
		{"int into f64", Typ(I32), f64, true},
		{"unsigned literal", Typ(UntypedUnsigned), u8, true},
		{"signed literal into unsigned", Typ(UntypedSigned), u32, false},
		{"float literal into int", Typ(UntypedFloat), i64, false},
		{"string into number", str, u32, false},
		{"option into array", &Option{Elem: str}, &Array{Elem: str}, true},
		{"stream into array", &Stream{Elem: str}, &Array{Elem: str}, true},
		{"array into stream", &Array{Elem: str}, &Stream{Elem: str}, false},
		{"nil into option", &Option{Elem: Bottom}, &Option{Elem: str}, true},
		{"nil into array", &Option{Elem: Bottom}, &Array{Elem: u8}, true},
		{"array into option", &Array{Elem: str}, &Option{Elem: str}, false},
		{"anything into top", point, Top, true},
		{"struct with more fields", point3, point, true},
		{"struct with fewer fields", point, point3, false},
		{"invalid is quiet", Invalid, str, true},
		{"arrow contravariant params", &Arrow{Params: []Field{{"a", i64}}}, &Arrow{Params: []Field{{"a", u8}}}, true},
		{"arrow params wrong way", &Arrow{Params: []Field{{"a", u8}}}, &Arrow{Params: []Field{{"a", i64}}}, false},
		{"arrow with fewer params", &Arrow{Results: []Type{str}}, &Arrow{Params: []Field{{"w", str}}, Results: []Type{str}}, true},
		{"arrow with more results", &Arrow{Results: []Type{str, str}}, &Arrow{Results: []Type{str}}, true},
		{"arrow with fewer results", &Arrow{}, &Arrow{Results: []Type{str}}, false},
		{"service as ability", &Service{Name: "S", Arrows: []Field{{"f", &Arrow{}}}}, &Ability{Name: "A", Fields: []Field{{"f", &Arrow{}}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AssignableTo(tt.v, tt.t); got != tt.want {
				t.Errorf("AssignableTo(%s, %s) = %v, want %v", tt.v, tt.t, got, tt.want)
			}
		})
	}
}

func TestMathResult(t *testing.T) {
	tests := []struct{ a, b, want BasicKind }{
		{U8, U8, U8},
		{I8, U8, I16},
		{I16, U16, I32},
		{U32, I8, I64},
		{U64, I8, I64},
		{U8, UntypedUnsigned, U8},
		{UntypedUnsigned, UntypedSigned, UntypedSigned},
		{F32, I8, F32},
	}
	for _, tt := range tests {
		if got := mathResult(Typ(tt.a), Typ(tt.b)); got.Kind != tt.want {
			t.Errorf("mathResult(%s, %s) = %s, want %s", Typ(tt.a), Typ(tt.b), got, Typ(tt.want))
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"peer", "peers", "relay", "Srv", "PeerId", "INIT_PEER_ID"}
	tests := []struct {
		name string
		want []string
	}{
		{"peeer", []string{"peer"}},
		{"Svr", []string{"Srv"}},
		{"peerid", []string{"PeerId", "peer", "peers"}},
		{"xyz", nil},
	}
	for _, tt := range tests {
		if got := closest(tt.name, names); !slices.Equal(got, tt.want) {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
