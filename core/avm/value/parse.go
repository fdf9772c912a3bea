package value

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Parse parses one JSON text, with white space around it and nothing
// else. It accepts what encoding/json accepts, strings holding invalid
// UTF-8 or lone surrogates included (both read as U+FFFD), and refuses
// texts nesting deeper than MaxDepth.
//
// It keeps the arrays and objects it is inside on a stack of its own, not
// in Go calls, and reads integers without a detour through a string, so
// that a call result of millions of values parses in one quick pass. It
// never writes to text (ParseString relies on it).
func Parse(text []byte) (Value, error) {
	p := parser{s: text}
	v, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("parse JSON: %w", err)
	}
	return v, nil
}

// ParseString is Parse for a text held in a string, such as a call
// result, without copying it to a byte slice first: the parser only reads
// its input, and what it keeps of it (strings, numbers) it copies.
func ParseString(text string) (Value, error) {
	return Parse(unsafe.Slice(unsafe.StringData(text), len(text)))
}

// container is an array or object being read. The elements of an array
// wait on the parser's vals from start on, until the array closes.
type container struct {
	start int
	obj   map[string]any
	key   string
	isObj bool
}

type parser struct {
	s     []byte
	i     int
	stack []container
	// vals holds the elements of the open arrays. It doubles when it
	// grows, and a closed array takes an exact copy of its part (the
	// outermost takes vals), so that a large array costs at most twice
	// its final size, not the many copies a slice growing by a quarter
	// leaves.
	vals []any
}

// addVal appends an element of the innermost open array.
func (p *parser) addVal(v Value) {
	if len(p.vals) == cap(p.vals) {
		grown := make([]any, len(p.vals), max(2*cap(p.vals), 16))
		copy(grown, p.vals)
		p.vals = grown
	}
	p.vals = append(p.vals, v)
}

// closeArray returns the elements of the innermost array, which ends.
func (p *parser) closeArray(start int) []any {
	if len(p.stack) == 1 {
		// The outermost array, the last to close, takes vals itself:
		// a large one then costs no copy.
		arr := p.vals[:len(p.vals):len(p.vals)]
		p.vals = nil
		return arr
	}
	arr := make([]any, len(p.vals)-start)
	copy(arr, p.vals[start:])
	clear(p.vals[start:])
	p.vals = p.vals[:start]
	return arr
}

func (p *parser) parse() (Value, error) {
	for {
		v, opened, err := p.value()
		if err != nil {
			return nil, err
		}
		if opened {
			continue
		}
		// v is complete: add it to the container it is in, and close
		// every container that ends after it.
		for {
			if len(p.stack) == 0 {
				p.space()
				if p.i < len(p.s) {
					return nil, p.errorf("invalid character %q after top-level value", p.s[p.i])
				}
				return v, nil
			}
			top := &p.stack[len(p.stack)-1]
			if top.isObj {
				top.obj[top.key] = v
			} else {
				p.addVal(v)
			}
			p.space()
			if p.i == len(p.s) {
				return nil, errors.New("unexpected end of JSON input")
			}
			c := p.s[p.i]
			p.i++
			if c == ',' {
				if top.isObj {
					if err := p.key(top); err != nil {
						return nil, err
					}
				}
				break
			}
			switch {
			case top.isObj && c == '}':
				v = top.obj
			case !top.isObj && c == ']':
				v = p.closeArray(top.start)
			default:
				if top.isObj {
					return nil, p.errorf("invalid character %q after object key:value pair", c)
				}
				return nil, p.errorf("invalid character %q after array element", c)
			}
			p.stack[len(p.stack)-1] = container{}
			p.stack = p.stack[:len(p.stack)-1]
		}
	}
}

// value reads a value. An array or object that is not empty is opened
// instead: it goes on the stack and its first element comes next.
func (p *parser) value() (v Value, opened bool, err error) {
	p.space()
	if p.i == len(p.s) {
		return nil, false, errors.New("unexpected end of JSON input")
	}
	switch c := p.s[p.i]; {
	case c == '[' || c == '{':
		if len(p.stack) >= MaxDepth {
			return nil, false, p.errorf("exceeded max depth of %d", MaxDepth)
		}
		p.i++
		p.space()
		if c == '[' {
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return []any{}, false, nil
			}
			p.stack = append(p.stack, container{start: len(p.vals)})
			return nil, true, nil
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return map[string]any{}, false, nil
		}
		p.stack = append(p.stack, container{isObj: true, obj: map[string]any{}})
		return nil, true, p.key(&p.stack[len(p.stack)-1])
	case c == '"':
		s, err := p.str()
		return s, false, err
	case c == '-' || '0' <= c && c <= '9':
		v, err := p.number()
		return v, false, err
	case c == 't':
		return true, false, p.literal("true")
	case c == 'f':
		return false, false, p.literal("false")
	case c == 'n':
		return nil, false, p.literal("null")
	default:
		return nil, false, p.errorf("invalid character %q looking for beginning of value", c)
	}
}

// key reads an object key and the colon after it.
func (p *parser) key(c *container) error {
	p.space()
	if p.i == len(p.s) {
		return errors.New("unexpected end of JSON input")
	}
	if p.s[p.i] != '"' {
		return p.errorf("invalid character %q looking for beginning of object key string", p.s[p.i])
	}
	k, err := p.str()
	if err != nil {
		return err
	}
	p.space()
	if p.i == len(p.s) {
		return errors.New("unexpected end of JSON input")
	}
	if p.s[p.i] != ':' {
		return p.errorf("invalid character %q after object key", p.s[p.i])
	}
	p.i++
	c.key = k
	return nil
}

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf(format+" at offset %d", append(args, p.i)...)
}

func (p *parser) literal(word string) error {
	if len(p.s)-p.i < len(word) || string(p.s[p.i:p.i+len(word)]) != word {
		end := min(p.i+len(word), len(p.s))
		for j := p.i; j < end; j++ {
			if p.s[j] != word[j-p.i] {
				p.i = j
				return p.errorf("invalid character %q in literal %s (expecting %q)", p.s[j], word, word[j-p.i])
			}
		}
		return errors.New("unexpected end of JSON input")
	}
	p.i += len(word)
	return nil
}

// number reads a number: an int64 when it is an integer that fits, a
// uint64 when it fits only that, a float64 otherwise.
func (p *parser) number() (Value, error) {
	start := p.i
	neg := p.s[p.i] == '-'
	if neg {
		p.i++
	}
	digits := p.i
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && '1' <= p.s[p.i] && p.s[p.i] <= '9':
		for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
			p.i++
		}
	case p.i == len(p.s):
		return nil, errors.New("unexpected end of JSON input")
	default:
		return nil, p.errorf("invalid character %q in numeric literal", p.s[p.i])
	}
	intEnd := p.i
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if err := p.digits(); err != nil {
			return nil, err
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if err := p.digits(); err != nil {
			return nil, err
		}
	}
	if p.i == intEnd && intEnd-digits < 19 {
		// Up to 18 digits always fit in an int64.
		var n int64
		for _, d := range p.s[digits:intEnd] {
			n = n*10 + int64(d-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	return parseNumber(string(p.s[start:p.i]))
}

// digits reads the digits after a decimal point or an exponent: at least
// one.
func (p *parser) digits() error {
	if p.i == len(p.s) {
		return errors.New("unexpected end of JSON input")
	}
	if p.s[p.i] < '0' || p.s[p.i] > '9' {
		return p.errorf("invalid character %q in numeric literal", p.s[p.i])
	}
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	return nil
}

// parseNumber converts the text of a JSON number.
func parseNumber(s string) (Value, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, fmt.Errorf("number %s is out of range", s)
	}
	return f, nil
}

// str reads a string literal.
func (p *parser) str() (string, error) {
	p.i++ // the opening quote
	start := p.i
	// The common case: nothing to unescape, valid UTF-8.
	ascii := true
	for p.i < len(p.s) {
		// Eight plain bytes at a time: long strings (a 1 MB value) are
		// most of what a run parses.
		for p.i+8 <= len(p.s) && plainWord(binary.LittleEndian.Uint64(p.s[p.i:])) {
			p.i += 8
		}
		if p.i == len(p.s) {
			break
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			s := p.s[start:p.i]
			if ascii || utf8.Valid(s) {
				p.i++
				return string(s), nil
			}
			return p.unquote(start)
		case c == '\\':
			return p.unquote(start)
		case c < 0x20:
			return "", p.errorf("invalid character %q in string literal", c)
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.i++
	}
	return "", errors.New("unexpected end of JSON input")
}

// plainWord reports whether none of the eight bytes of w ends a string
// literal's plain run: no quote, no backslash, no control character and
// no byte outside ASCII. (The SWAR tests of "Bit Twiddling Hacks": a byte
// b is below n when b-n borrows into its top bit while b's own top bit is
// clear; a byte equals c when b^c is below 1.)
func plainWord(w uint64) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	below := func(x uint64, n uint64) uint64 { return (x - ones*n) & ^x & high }
	return (below(w, 0x20) | below(w^(ones*'"'), 1) | below(w^(ones*'\\'), 1) | w&high) == 0
}

// unquote reads a string literal from start, just after its opening
// quote, that has escapes or invalid UTF-8 in it.
func (p *parser) unquote(start int) (string, error) {
	b := make([]byte, 0, p.i-start+16)
	p.i = start
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.errorf("invalid character %q in string literal", c)
		case c == '\\':
			if p.i+1 == len(p.s) {
				return "", errors.New("unexpected end of JSON input")
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					// A pair makes one rune; a lone half is U+FFFD.
					if r2, ok := p.peekHex4(); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							p.i += 6
							r = d
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				p.i--
				return "", p.errorf("invalid character %q in string escape code", e)
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.s[p.i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, p.s[p.i:p.i+size]...)
			}
			p.i += size
		}
	}
	return "", errors.New("unexpected end of JSON input")
}

// hex4 reads the four hex digits of a \u escape.
func (p *parser) hex4() (rune, error) {
	var r rune
	for range 4 {
		if p.i == len(p.s) {
			return 0, errors.New("unexpected end of JSON input")
		}
		d, ok := hexDigit(p.s[p.i])
		if !ok {
			return 0, p.errorf("invalid character %q in \\u hexadecimal character escape", p.s[p.i])
		}
		r = r<<4 | d
		p.i++
	}
	return r, nil
}

// peekHex4 reads a \uXXXX escape that follows, without consuming it.
func (p *parser) peekHex4() (rune, bool) {
	if len(p.s)-p.i < 6 || p.s[p.i] != '\\' || p.s[p.i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range p.s[p.i+2 : p.i+6] {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | d
	}
	return r, true
}

func hexDigit(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}
