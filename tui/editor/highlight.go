package editor

import "unicode"

// Class is the syntactic class of a span of Aqua source, for colouring.
type Class uint8

// Token classes.
const (
	Plain Class = iota
	Keyword
	Type
	String
	Number
	Comment
	Func
)

// Span is a run of runes [Start, End) of one class.
type Span struct {
	Start, End int
	Class      Class
}

var keywords = map[string]bool{
	"aqua": true, "module": true, "import": true, "export": true, "use": true, "from": true,
	"declares": true, "as": true, "func": true, "service": true, "data": true, "ability": true,
	"alias": true, "const": true, "on": true, "via": true, "par": true, "co": true, "seq": true,
	"for": true, "if": true, "else": true, "try": true, "catch": true, "otherwise": true,
	"join": true, "new": true, "in": true, "nil": true, "true": true, "false": true,
	"parseq": true, "stream": true, "canon": true,
}

var builtinTypes = map[string]bool{
	"string": true, "bool": true, "u8": true, "u16": true, "u32": true, "u64": true,
	"i8": true, "i16": true, "i32": true, "i64": true, "f32": true, "f64": true,
	"bottom": true, "top": true,
}

// Highlight splits one line of Aqua into classified spans. It works line
// by line (Aqua has no multi-line tokens) and never fails: whatever it
// does not recognise is Plain.
func Highlight(line []rune) []Span {
	var spans []Span
	add := func(start, end int, c Class) {
		if end <= start {
			return
		}
		if n := len(spans); n > 0 && spans[n-1].Class == c && spans[n-1].End == start {
			spans[n-1].End = end
			return
		}
		spans = append(spans, Span{start, end, c})
	}
	for i := 0; i < len(line); {
		r := line[i]
		switch {
		case r == '-' && i+1 < len(line) && line[i+1] == '-':
			add(i, len(line), Comment)
			return spans
		case r == '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				j++
			}
			j = min(j+1, len(line))
			add(i, j, String)
			i = j
		case unicode.IsDigit(r):
			j := i
			for j < len(line) && (unicode.IsDigit(line[j]) || line[j] == '.' || line[j] == '_') {
				j++
			}
			add(i, j, Number)
			i = j
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(line) && (line[j] == '_' || unicode.IsLetter(line[j]) || unicode.IsDigit(line[j])) {
				j++
			}
			word := string(line[i:j])
			c := Plain
			switch {
			case keywords[word]:
				c = Keyword
			case builtinTypes[word] || unicode.IsUpper(r):
				c = Type
			case j < len(line) && line[j] == '(':
				c = Func
			}
			add(i, j, c)
			i = j
		default:
			add(i, i+1, Plain)
			i++
		}
	}
	return spans
}
