package jsgen

import (
	"fmt"
	"strings"
)

// The type descriptors js-client reads (the function and service
// definitions) are JSON, printed as the reference prints it: four
// spaces a level, " : " between a key and its value, members in a
// given order. A value is a string, an object or an array.
type (
	object []member
	array  []any
	member struct {
		key string
		val any
	}
)

// printJSON writes v at the given depth; the first line is not
// indented, as it follows a key or other text.
func printJSON(b *strings.Builder, v any, depth int) {
	switch v := v.(type) {
	case string:
		quoteJSON(b, v)
	case object:
		b.WriteString("{\n")
		if len(v) == 0 {
			indent(b, depth+1)
		}
		for i, m := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(b, depth+1)
			quoteJSON(b, m.key)
			b.WriteString(" : ")
			printJSON(b, m.val, depth+1)
		}
		b.WriteString("\n")
		indent(b, depth)
		b.WriteString("}")
	case array:
		b.WriteString("[\n")
		if len(v) == 0 {
			indent(b, depth+1)
		}
		for i, e := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			indent(b, depth+1)
			printJSON(b, e, depth+1)
		}
		b.WriteString("\n")
		indent(b, depth)
		b.WriteString("]")
	default:
		panic(fmt.Sprintf("jsgen: no JSON for %T", v))
	}
}

func indent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteString("    ")
	}
}

// quoteJSON writes s as a JSON string, escaping what JSON requires and
// nothing else.
func quoteJSON(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}
