package value

import (
	"testing"
)

func TestParseMarshal(t *testing.T) {
	tests := []struct{ in, want string }{
		{`1`, `1`},
		{`1.0`, `1.0`},
		{`-0.5`, `-0.5`},
		{`1e3`, `1000.0`},
		{`18446744073709551615`, `18446744073709551615`},
		{`{"b":1,"a":[true,null,"x"]}`, `{"a":[true,null,"x"],"b":1}`},
		{`"<&>\u2028"`, "\"<&>\u2028\""},
		{`"\n\t\u0001\"\\"`, `"\n\t\u0001\"\\"`},
		{` [ ] `, `[]`},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.in, err)
			continue
		}
		if got := String(v); got != tt.want {
			t.Errorf("String(Parse(%s)) = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{``, `{`, `1 2`, `1e999`, `nul`} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, false},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, true},
		{`[1,2]`, `[2,1]`, false},
		{`"1"`, `1`, false},
		{`null`, `null`, true},
		{`18446744073709551615`, `18446744073709551615`, true},
		{`{"a":1}`, `{"a":1,"b":null}`, false},
	}
	for _, tt := range tests {
		if got := Equal(MustParse(tt.a), MustParse(tt.b)); got != tt.want {
			t.Errorf("Equal(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`1`, `1.5`, `{"a":[1,"x",null,true]}`, `"\u0000"`, `-9223372036854775808`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := Parse(in)
		if fromString, errString := ParseString(string(in)); (err == nil) != (errString == nil) || err == nil && !Equal(v, fromString) {
			t.Fatalf("ParseString gives %v (%v), Parse %v (%v)", fromString, errString, v, err)
		}
		if err != nil {
			return
		}
		// The canonical text reads back as an equal value and is a fixed point.
		text := Marshal(v)
		back, err := Parse(text)
		if err != nil {
			t.Fatalf("canonical text %s does not parse: %v", text, err)
		}
		if !Equal(v, back) {
			t.Fatalf("%s reads back as a different value", text)
		}
		if again := Marshal(back); string(again) != string(text) {
			t.Fatalf("canonical text is not stable: %s then %s", text, again)
		}
		if n, err := Measure(v, len(text)); n != len(text) || err != nil {
			t.Fatalf("Measure(%s) = %d, %v; the text has %d bytes", text, n, err, len(text))
		}
		if len(text) > 0 {
			if _, err := Measure(v, len(text)-1); err != ErrTooLarge {
				t.Fatalf("Measure(%s) with a bound one short: %v, want ErrTooLarge", text, err)
			}
		}
	})
}

func TestMeasure(t *testing.T) {
	for _, text := range []string{
		`null`, `true`, `false`, `-12`, `18446744073709551615`, `1.5`, `1e300`, `1e-7`, `""`,
		`"a\"b\\c\n\u0001\u001f é \ud83d\ude00"`, `[]`, `{}`, `[1,[2,[3]],{"a":{"b":[]}}]`,
		`{"x":1,"y":"2","z":[null,{"":0}]}`,
	} {
		v := MustParse(text)
		if n, err := Measure(v, 1<<20); n != len(Marshal(v)) || err != nil {
			t.Errorf("Measure(%s) = %d, %v; want %d", text, n, err, len(Marshal(v)))
		}
	}
	// Values Go code builds: through Normalize, invalid UTF-8 as U+FFFD.
	for _, v := range []any{int(7), uint32(8), float32(0.5), []string{"a", "b"}, "\xff", map[string]any{"\x80": 1}} {
		if n, err := Measure(v, 1<<20); n != len(Marshal(v)) || err != nil {
			t.Errorf("Measure(%#v) = %d, %v; want %d", v, n, err, len(Marshal(v)))
		}
	}
}

func TestMeasureBounds(t *testing.T) {
	// Each level holds the one below twice: 2^60 copies of the leaf in
	// the text, a few hundred bytes in memory. Measure stops at its bound.
	var v Value = "leaf"
	for range 60 {
		v = []any{v, v}
	}
	if n, err := Measure(v, 1<<20); err != ErrTooLarge || n != 0 {
		t.Errorf("Measure of a doubled value = %d, %v; want 0, ErrTooLarge", n, err)
	}
	deep := Value([]any{})
	for range MaxDepth {
		deep = []any{deep}
	}
	if _, err := Measure(deep, 1<<30); err != ErrTooDeep {
		t.Errorf("Measure of a value %d levels deep: %v, want ErrTooDeep", MaxDepth+1, err)
	}
	if n, err := Measure(deep.([]any)[0], 1<<30); n != 2*MaxDepth || err != nil {
		t.Errorf("Measure of a value %d levels deep = %d, %v; want %d", MaxDepth, n, err, 2*MaxDepth)
	}
	// Too deep and too large: too large, whatever order the walk takes.
	for range 10 {
		both := map[string]any{"deep": deep, "a": v, "b": 1, "c": "x"}
		if _, err := Measure(both, 1<<20); err != ErrTooLarge {
			t.Fatalf("Measure of a value too deep and too large: %v, want ErrTooLarge", err)
		}
	}
}

// TestMeasureWideValuesAllocateNothing: a wide array of scalars is
// measured as it is walked, without memory per element.
func TestMeasureWideValuesAllocateNothing(t *testing.T) {
	wide := make([]any, 100_000)
	for i := range wide {
		wide[i] = int64(i)
	}
	v := []any{wide, map[string]any{"a": wide, "b": 1}}
	// A few allocations for the walk itself, none per element.
	if n := testing.AllocsPerRun(10, func() { _, _ = Measure(v, 1<<30) }); n > 4 {
		t.Errorf("Measure of two wide arrays allocates %v times per run", n)
	}
}
