package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// stdParse reads a text the way Parse must: with encoding/json, numbers
// kept as their text and then converted as Parse converts them.
func stdParse(text []byte) (Value, error) {
	d := json.NewDecoder(bytes.NewReader(text))
	d.UseNumber()
	var raw any
	if err := d.Decode(&raw); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the value")
	}
	return fromStd(raw)
}

func fromStd(raw any) (Value, error) {
	switch raw := raw.(type) {
	case json.Number:
		return parseNumber(string(raw))
	case []any:
		for i, e := range raw {
			v, err := fromStd(e)
			if err != nil {
				return nil, err
			}
			raw[i] = v
		}
	case map[string]any:
		for k, e := range raw {
			v, err := fromStd(e)
			if err != nil {
				return nil, err
			}
			raw[k] = v
		}
	}
	return raw, nil
}

var parseCases = []string{
	``, ` `, `1`, `-0`, `-`, `01`, `1.`, `.5`, `1e`, `1e+`, `1E-2`, `+1`, `123456789012345678`, `1234567890123456789`,
	`-9223372036854775808`, `-9223372036854775809`, `9223372036854775808`, `18446744073709551616`, `1e999`, `1e-999`,
	`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00"`, `"\u12"`, `"\x"`, `"\/"`,
	"\"\xff\"", "\"\xe9\"", "\"a\x01\"", `"unterminated`, `true`, `tru`, `truex`, `nul`, `null `, `[]`, `[ ]`, `[1,]`,
	`[,1]`, `[1 2]`, `{}`, `{ }`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"a":1,"a":2}`, `[1,{"b":[true,false,null]}]`,
	`{"x":[{"y":{}}]}`, `1 2`, `[] x`, "\t[1]\r\n", `[`, `{`, `{"a"`, `{"a":`, `]`, `"\u0000"`,
}

func TestParseAgreesWithEncodingJSON(t *testing.T) {
	cases := append([]string{}, parseCases...)
	cases = append(cases, strings.Repeat("[", MaxDepth)+strings.Repeat("]", MaxDepth),
		strings.Repeat("[", MaxDepth+1)+strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth)+"1"+strings.Repeat("}", MaxDepth),
		strings.Repeat(`{"a":`, MaxDepth+1)+"1"+strings.Repeat("}", MaxDepth+1))
	for _, text := range cases {
		checkAgainstStd(t, []byte(text))
	}
}

func checkAgainstStd(t *testing.T, text []byte) {
	t.Helper()
	want, wantErr := stdParse(text)
	got, err := Parse(text)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Parse(%.100q): error %v, encoding/json: %v", text, err, wantErr)
	}
	if err == nil && (!Equal(got, want) || String(got) != String(want)) {
		t.Fatalf("Parse(%.100q) = %.100s, encoding/json reads %.100s", text, String(got), String(want))
	}
}

func FuzzParseAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range parseCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) { checkAgainstStd(t, text) })
}

func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{"id":12345,"name":"peer \u00e9 12D3KooW","tags":["a","b"],"score":1.5,"ok":true}`)
	}
	sb.WriteString(`]`)
	text := []byte(sb.String())
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStringEveryByteEveryPlace puts each byte value at each place of a
// string literal long enough for the word-at-a-time scan, and checks
// Parse against encoding/json: the same string, or an error for both.
func TestStringEveryByteEveryPlace(t *testing.T) {
	for b := range 256 {
		for at := range 20 {
			lit := []byte(`"` + strings.Repeat("a", 19) + `"`)
			lit[1+at] = byte(b)
			got, err := Parse(lit)
			var want any
			wantErr := json.Unmarshal(lit, &want)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("byte %#x at %d: error %v, encoding/json's %v", b, at, err, wantErr)
			}
			if err == nil && got != want {
				t.Fatalf("byte %#x at %d: %q, encoding/json's %q", b, at, got, want)
			}
		}
	}
}
