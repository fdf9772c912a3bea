package air

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxDepth bounds how deeply instructions may nest. Compiled Aqua nests a
// seq per statement, so real scripts reach a few thousand levels; the bound
// keeps hostile input from exhausting memory through recursion.
const MaxDepth = 100_000

// Parse parses an AIR script and makes the static checks the reference
// interpreter makes before running one: every variable is defined before it
// is used, every (next i) sits inside a (fold ... i) and is its only next,
// a fold over a stream has nothing after its next, no fold reuses the
// iterator of an enclosing fold, new does not shadow an iterator, and fail
// is not given code 0.
//
// On failure the error is a Diagnostics: the first syntax error, or every
// failed check.
func Parse(src string) (Instr, error) {
	p := parser{scanner: scanner{src: src}, defined: make(map[string]struct{})}
	root, err := p.parse()
	if err != nil {
		return nil, err
	}
	return root, nil
}

// bailout unwinds the parser after a syntax error has been recorded.
type bailout struct{}

type parser struct {
	scanner
	depth int

	// defined holds every name defined by an instruction that started
	// before the current one. The reference defines "defined" by position
	// (a definition whose instruction starts earlier), which a top-down,
	// left-to-right parse gets for free with a set.
	defined map[string]struct{}
	// folds are the folds enclosing the current instruction, innermost last.
	folds []foldScope
	// streamFold records that the script has a fold over a stream or map,
	// the only kind whose next placement needs checking.
	streamFold bool

	diags Diagnostics
}

type foldScope struct {
	iterator string
	hasNext  bool
}

func (p *parser) parse() (root Instr, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			root, err = nil, p.diags
		}
	}()
	p.advance()
	root = p.instr()
	if p.tok != tEOF {
		p.failf(p.start, p.end, "expected end of script, found %s", p.describe())
	}
	if p.streamFold {
		p.checkNextPlacement(root)
	}
	if len(p.diags) > 0 {
		return nil, p.diags
	}
	return root, nil
}

// advance moves to the next token, failing on an unterminated string.
func (p *parser) advance() {
	if !p.next() {
		p.failf(p.start, p.end, "string literal is not terminated: no closing \"")
	}
}

// report records a problem and lets parsing go on.
func (p *parser) report(pos, end int, format string, args ...any) {
	p.diags = append(p.diags, newDiagnostic(p.src, pos, end, fmt.Sprintf(format, args...)))
}

// failf records a syntax error and abandons the parse.
func (p *parser) failf(pos, end int, format string, args ...any) {
	p.report(pos, end, format, args...)
	panic(bailout{})
}

// describe names the current token for "found ..." in messages.
func (p *parser) describe() string {
	switch p.tok {
	case tEOF:
		return "end of script"
	case tString:
		return "string " + p.text()
	default:
		return strconv.Quote(p.text())
	}
}

func (p *parser) expect(k tokKind, what string) {
	if p.tok != k {
		p.failf(p.start, p.end, "expected %s, found %s", what, p.describe())
	}
	p.advance()
}

// instr parses one instruction.
func (p *parser) instr() Instr {
	if p.tok != tLParen {
		p.failf(p.start, p.end, "expected an instruction, found %s", p.describe())
	}
	start := p.start
	p.advance()
	if p.tok != tWord {
		p.failf(p.start, p.end, "expected an instruction name, found %s", p.describe())
	}
	p.depth++
	if p.depth > MaxDepth {
		p.failf(start, p.end, "instructions nest deeper than %d levels", MaxDepth)
	}
	kw := p.text()
	kwStart, kwEnd := p.start, p.end
	p.advance()

	var in Instr
	switch kw {
	case "seq":
		l, r := p.instr(), p.instr()
		in = &Seq{Left: l, Right: r}
	case "par":
		l, r := p.instr(), p.instr()
		in = &Par{Left: l, Right: r}
	case "xor":
		l, r := p.instr(), p.instr()
		in = &Xor{Left: l, Right: r}
	case "call":
		in = p.call()
	case "ap":
		in = p.ap()
	case "canon":
		in = p.canon()
	case "fold":
		in = p.fold()
	case "next":
		in = p.nextInstr(start)
	case "new":
		in = p.newInstr(start)
	case "match", "mismatch":
		m := &Match{Mismatch: kw == "mismatch"}
		m.Left = p.operand(matchable, "a value")
		m.Right = p.operand(matchable, "a value")
		p.useValue(m.Left)
		p.useValue(m.Right)
		m.Body = p.instr()
		in = m
	case "fail":
		in = p.fail(start)
	case "never":
		in = &Never{}
	case "null":
		in = &Null{}
	default:
		p.failf(kwStart, kwEnd, "unknown instruction %q, expected one of %s", kw, instrNames)
	}
	if p.tok != tRParen {
		p.failf(p.start, p.end, "expected \")\" to close (%s, found %s", kw, p.describe())
	}
	end := p.end
	p.advance()
	p.depth--
	setSpan(in, Span{start, end})
	return in
}

const instrNames = "seq, par, xor, call, ap, canon, fold, next, new, match, mismatch, fail, never, null"

func setSpan(in Instr, sp Span) {
	switch in := in.(type) {
	case *Seq:
		in.Span = sp
	case *Par:
		in.Span = sp
	case *Xor:
		in.Span = sp
	case *Call:
		in.Span = sp
	case *Ap:
		in.Span = sp
	case *ApMap:
		in.Span = sp
	case *Canon:
		in.Span = sp
	case *Fold:
		in.Span = sp
	case *Next:
		in.Span = sp
	case *New:
		in.Span = sp
	case *Match:
		in.Span = sp
	case *Fail:
		in.Span = sp
	case *Never:
		in.Span = sp
	case *Null:
		in.Span = sp
	}
}

// call parses (call PEER (SERVICE FUNCTION) [ARGS] OUTPUT?) after "call".
func (p *parser) call() Instr {
	c := &Call{}
	c.Peer = p.operand(peerOperand, "a peer id")
	p.expect(tLParen, `"(" before the service and function`)
	c.Service = p.operand(stringOperand, "a service id")
	c.Function = p.operand(stringOperand, "a function name")
	p.expect(tRParen, `")" after the function name`)
	if p.tok != tLBrack {
		p.failf(p.start, p.end, "expected \"[\" to open the call arguments, found %s", p.describe())
	}
	p.advance()
	for p.tok != tRBrack {
		c.Args = append(c.Args, p.operand(matchable, `an argument or "]"`))
	}
	p.advance()
	if p.tok != tRParen {
		c.Output = p.operand(outputOperand, "a scalar or stream for the result")
	}
	p.useValue(c.Peer)
	p.useValue(c.Service)
	p.useValue(c.Function)
	for _, a := range c.Args {
		p.useValue(a)
	}
	p.define(c.Output)
	return c
}

// ap parses (ap ARG RESULT) or (ap (KEY VALUE) %map) after "ap".
func (p *parser) ap() Instr {
	if p.tok == tLParen {
		p.advance()
		m := &ApMap{}
		m.Key = p.operand(mapKeyOperand, "a map key (a string, an integer or a scalar)")
		m.Value = p.operand(apOperand, "a value")
		p.expect(tRParen, `")" after the key and value`)
		dst := p.operand(streamMapOperand, "a stream map such as %map")
		m.Map = dst.(*StreamMap)
		// The reference checks the key's variables but not the value's.
		p.useValue(m.Key)
		p.define(m.Map)
		return m
	}
	a := &Ap{}
	a.Arg = p.operand(apOperand, "a value")
	a.Result = p.operand(outputOperand, "a scalar or stream to apply to")
	p.useValue(a.Arg)
	p.define(a.Result)
	return a
}

// canon parses (canon PEER $stream #canon), (canon PEER %map #%canon) or
// (canon PEER %map scalar) after "canon".
func (p *parser) canon() Instr {
	c := &Canon{}
	c.Peer = p.operand(peerOperand, "a peer id")
	c.Source = p.operand(canonSourceOperand, "a stream or stream map")
	if _, isMap := c.Source.(*StreamMap); isMap {
		c.Dest = p.operand(canonMapDestOperand, "a canon map such as #%map or a scalar")
	} else {
		c.Dest = p.operand(canonStreamDestOperand, "a canon stream such as #stream")
	}
	p.useValue(c.Peer)
	p.define(c.Dest)
	return c
}

// fold parses (fold ITERABLE ITERATOR BODY LAST?) after "fold".
func (p *parser) fold() Instr {
	f := &Fold{}
	f.Iterable = p.operand(foldOperand, "a value to iterate over")
	switch it := f.Iterable.(type) {
	case *Stream:
		p.streamFold = true
		p.use(it.Name, it.Span)
	case *StreamMap:
		p.streamFold = true
		p.use(it.Name, it.Span)
	default:
		p.useValue(it)
	}
	f.Iterator = p.operand(iteratorOperand, "an iterator name").(*Scalar)
	name := f.Iterator.Name
	if p.foldIndex(name) >= 0 {
		p.report(f.Iterator.Start, f.Iterator.End, "iterator %s is already the iterator of an enclosing fold", name)
	}
	p.defined[name] = struct{}{}
	p.folds = append(p.folds, foldScope{iterator: name})
	f.Body = p.instr()
	if p.tok == tLParen {
		f.Last = p.instr()
	}
	p.folds = p.folds[:len(p.folds)-1]
	return f
}

// nextInstr parses (next ITERATOR) after "next".
func (p *parser) nextInstr(start int) Instr {
	it := p.operand(iteratorOperand, "an iterator name").(*Scalar)
	switch i := p.foldIndex(it.Name); {
	case i < 0:
		p.report(start, p.end, "next %s is not inside a fold over %s", it.Name, it.Name)
	case p.folds[i].hasNext:
		p.report(start, p.end, "second next for iterator %s: a fold may have only one", it.Name)
	default:
		p.folds[i].hasNext = true
	}
	return &Next{Iterator: it}
}

// newInstr parses (new VAR BODY) after "new".
func (p *parser) newInstr(start int) Instr {
	n := &New{}
	n.Var = p.operand(newOperand, "a variable to scope")
	if s, ok := n.Var.(*Scalar); ok && p.foldIndex(s.Name) >= 0 {
		p.report(start, s.End, "new cannot be applied to %s: it is a fold iterator", s.Name)
	}
	p.define(n.Var)
	n.Body = p.instr()
	return n
}

// fail parses (fail CODE "MESSAGE") or (fail VALUE) after "fail".
func (p *parser) fail(start int) Instr {
	f := &Fail{}
	if p.tok == tWord {
		if n, ok := p.literalNumber(); ok {
			if n.IsFloat {
				p.failf(n.Start, n.End, "expected an integer error code, found %s", p.describe())
			}
			p.advance()
			if p.tok != tString {
				p.failf(p.start, p.end, "expected the error message string, found %s", p.describe())
			}
			f.Code, f.Message = n.Int, p.stringValue()
			p.advance()
			if f.Code == 0 {
				p.report(start, p.end, "fail with error code 0 is not allowed: 0 means no error")
			}
			return f
		}
	}
	f.Value = p.operand(failOperand, "an error code and message, a scalar, :error: or %last_error%")
	return f
}

// foldIndex returns the index in p.folds of the innermost fold over
// iterator, or -1.
func (p *parser) foldIndex(iterator string) int {
	for i := len(p.folds) - 1; i >= 0; i-- {
		if p.folds[i].iterator == iterator {
			return i
		}
	}
	return -1
}

// define records the name a value defines.
func (p *parser) define(v Value) {
	if name := varName(v); name != "" {
		p.defined[name] = struct{}{}
	}
}

// use checks that name was defined by an earlier instruction.
func (p *parser) use(name string, sp Span) {
	if _, ok := p.defined[name]; !ok {
		p.report(sp.Start, sp.End, "variable %s is not defined before this use", name)
	}
}

// useValue checks the variables a value reads, its lens included.
func (p *parser) useValue(v Value) {
	var lens Lens
	switch v := v.(type) {
	case *Scalar:
		p.use(v.Name, v.Span)
		lens = v.Lens
	case *CanonStream:
		p.use(v.Name, v.Span)
		lens = v.Lens
	case *CanonMap:
		p.use(v.Name, v.Span)
		lens = v.Lens
	default:
		return
	}
	for _, a := range lens.Path {
		if a.Kind == VarAccess {
			p.use(a.Name, Span{v.Pos(), v.EndPos()})
		}
	}
}

// varName returns the name of a variable value, or "" for other values.
func varName(v Value) string {
	switch v := v.(type) {
	case *Scalar:
		return v.Name
	case *Stream:
		return v.Name
	case *CanonStream:
		return v.Name
	case *StreamMap:
		return v.Name
	case *CanonMap:
		return v.Name
	}
	return ""
}

// operandKind is a set of value kinds allowed in one position.
type operandKind uint32

const (
	kString operandKind = 1 << iota
	kNumber
	kBool
	kEmptyArray
	kInitPeerID
	kTimestampTTL
	kErrors     // %last_error% and :error:
	kErrorsLens // %last_error% and :error: with a lens
	kScalar
	kScalarLens
	kCanon
	kCanonLens
	kCanonMap
	kCanonMapLens
	kStream
	kStreamMap
	kIntOnly // with kNumber: integers only
)

// Operand positions, as the reference grammar defines them.
const (
	literals        = kString | kNumber | kBool | kEmptyArray | kInitPeerID | kTimestampTTL | kErrors | kErrorsLens
	matchable       = literals | kScalar | kScalarLens | kCanon | kCanonLens | kCanonMap | kCanonMapLens
	apOperand       = literals | kScalar | kScalarLens | kCanon | kCanonLens | kCanonMapLens
	peerOperand     = kString | kInitPeerID | kScalar | kScalarLens | kCanonLens | kCanonMapLens
	stringOperand   = kString | kScalar | kScalarLens | kCanonLens | kCanonMapLens
	outputOperand   = kScalar | kStream
	mapKeyOperand   = kString | kNumber | kIntOnly | kScalar | kScalarLens | kCanonLens
	foldOperand     = kScalar | kScalarLens | kCanon | kCanonMap | kCanonMapLens | kEmptyArray | kStream | kStreamMap
	iteratorOperand = kScalar
	newOperand      = kScalar | kStream | kStreamMap | kCanon | kCanonMap
	failOperand     = kScalar | kScalarLens | kCanonLens | kErrors
	// canon's own positions
	canonSourceOperand     = kStream | kStreamMap
	canonStreamDestOperand = kCanon
	canonMapDestOperand    = kCanonMap | kScalar
	streamMapOperand       = kStreamMap
)

// operand parses the value at the current token and checks that its kind
// is allowed here; what names the position for the error message.
func (p *parser) operand(allowed operandKind, what string) Value {
	var v Value
	switch p.tok {
	case tString:
		v = &String{Span: Span{p.start, p.end}, Value: p.stringValue()}
	case tLBrack:
		start := p.start
		p.advance()
		if p.tok != tRBrack {
			p.failf(p.start, p.end, "expected \"]\": the only array literal is [], found %s", p.describe())
		}
		v = &EmptyArray{Span{start, p.end}}
	case tWord:
		v = p.word()
	default:
		p.failf(p.start, p.end, "expected %s, found %s", what, p.describe())
	}
	if k := kindOf(v); allowed&k == 0 || (k == kNumber && allowed&kIntOnly != 0 && v.(*Number).IsFloat) {
		p.failf(v.Pos(), v.EndPos(), "expected %s, found %s", what, describeValue(v))
	}
	p.advance()
	return v
}

func kindOf(v Value) operandKind {
	switch v := v.(type) {
	case *String:
		return kString
	case *Number:
		return kNumber
	case *Bool:
		return kBool
	case *EmptyArray:
		return kEmptyArray
	case *InitPeerID:
		return kInitPeerID
	case *Timestamp, *TTL:
		return kTimestampTTL
	case *LastError:
		if v.Lens.IsZero() {
			return kErrors
		}
		return kErrorsLens
	case *Error:
		if v.Lens.IsZero() {
			return kErrors
		}
		return kErrorsLens
	case *Scalar:
		if v.Lens.IsZero() {
			return kScalar
		}
		return kScalarLens
	case *CanonStream:
		if v.Lens.IsZero() {
			return kCanon
		}
		return kCanonLens
	case *CanonMap:
		if v.Lens.IsZero() {
			return kCanonMap
		}
		return kCanonMapLens
	case *Stream:
		return kStream
	case *StreamMap:
		return kStreamMap
	}
	return 0
}

// describeValue names a value for "found ..." in messages.
func describeValue(v Value) string {
	var b strings.Builder
	switch v.(type) {
	case *String:
		b.WriteString("string ")
	case *Number:
		b.WriteString("number ")
	case *Stream:
		b.WriteString("stream ")
	case *StreamMap:
		b.WriteString("stream map ")
	case *CanonStream:
		b.WriteString("canon stream ")
	case *CanonMap:
		b.WriteString("canon map ")
	case *Scalar:
		b.WriteString("scalar ")
	}
	writeValue(&b, v)
	return b.String()
}

// stringValue returns the contents of the current string token.
func (p *parser) stringValue() string { return p.src[p.start+1 : p.end-1] }

// literalNumber classifies the current word as a number if it is one.
func (p *parser) literalNumber() (*Number, bool) {
	text := p.text()
	if c := text[0]; c != '+' && c != '-' && c != '.' && (c < '0' || c > '9') {
		return nil, false
	}
	return p.number(text, Span{p.start, p.end})
}

// word classifies the current word token as a value.
func (p *parser) word() Value {
	text := p.text()
	sp := Span{p.start, p.end}
	switch text {
	case "%init_peer_id%":
		return &InitPeerID{sp}
	case "%timestamp%":
		return &Timestamp{sp}
	case "%ttl%":
		return &TTL{sp}
	case "true":
		return &Bool{sp, true}
	case "false":
		return &Bool{sp, false}
	case "%last_error%":
		return &LastError{Span: sp}
	case ":error:":
		return &Error{Span: sp}
	}
	if rest, ok := strings.CutPrefix(text, ":error:"); ok {
		return &Error{Span: sp, Lens: p.lens(rest, sp.Start+len(":error:"))}
	}
	if rest, ok := strings.CutPrefix(text, "%last_error%"); ok {
		return &LastError{Span: sp, Lens: p.lens(rest, sp.Start+len("%last_error%"))}
	}
	if isKeyword(text) {
		p.failf(sp.Start, sp.End, "expected a value, found the instruction name %q (missing \"(\"?)", text)
	}
	if n, ok := p.literalNumber(); ok {
		return n
	}
	return p.variable(text, sp)
}

func isKeyword(s string) bool {
	switch s {
	case "seq", "par", "xor", "call", "ap", "canon", "fold", "next", "new", "match", "mismatch", "fail", "never", "null":
		return true
	}
	return false
}

// maxFloatLen is the reference's determinism guard: a float literal longer
// than this is refused rather than rounded differently by different peers.
const maxFloatLen = 11

// number parses text as an i64 or f64 literal. It reports false when text
// is not a number but may be a name (such as "-relay-" or "1st").
func (p *parser) number(text string, sp Span) (*Number, bool) {
	i := 0
	if text[0] == '+' || text[0] == '-' {
		i = 1
	}
	digits, dot := false, -1
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' && dot < 0:
			if !digits {
				p.failf(sp.Start+i, sp.Start+i+1, "a number cannot start with a dot: write 0%s", text[i:])
			}
			dot = i
		case dot >= 0:
			p.failf(sp.Start+i, sp.Start+i+1, "unexpected %q in number %s", rune(c), text)
		default:
			return nil, false
		}
	}
	if dot < 0 {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			p.failf(sp.Start, sp.End, "integer %s does not fit in 64 bits", text)
		}
		return &Number{Span: sp, Int: n, Raw: text}, true
	}
	if len(text) > maxFloatLen {
		p.failf(sp.Start, sp.End, "float %s is longer than %d characters", text, maxFloatLen)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		p.failf(sp.Start, sp.End, "invalid float %s", text)
	}
	return &Number{Span: sp, Float: f, IsFloat: true, Raw: text}, true
}

// variable parses a variable name with its sigils and lens.
func (p *parser) variable(text string, sp Span) Value {
	i := 0
	var kind byte // 0 scalar, '$' stream, '#' canon, '%' map, 'm' canon map
	switch text[0] {
	case '$', '%':
		kind, i = text[0], 1
	case '#':
		kind, i = '#', 1
		if len(text) > 1 && text[1] == '$' {
			i = 2
		} else if len(text) > 1 && text[1] == '%' {
			kind, i = 'm', 2
		}
	}
	j := i
	for j < len(text) && text[j] != '.' {
		r, size := rune(text[j]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[j:])
		}
		if !isNameRune(r) {
			p.failf(sp.Start+j, sp.Start+j+size, "unexpected %q in name %s: names are letters, digits, _ and -", r, text)
		}
		j += size
	}
	if j == i {
		p.failf(sp.Start, sp.End, "expected a name after %q", text[:i])
	}
	name := text[:j]
	var lens Lens
	if j < len(text) {
		lens = p.lens(text[j:], sp.Start+j)
	}
	switch kind {
	case '$':
		if !lens.IsZero() {
			p.failf(sp.Start+j, sp.End, "a lens cannot be applied to stream %s: canonicalize it first", name)
		}
		return &Stream{Span: sp, Name: name}
	case '%':
		if !lens.IsZero() {
			p.failf(sp.Start+j, sp.End, "a lens cannot be applied to stream map %s: canonicalize it first", name)
		}
		return &StreamMap{Span: sp, Name: name}
	case '#':
		return &CanonStream{Span: sp, Name: name, Lens: lens}
	case 'm':
		return &CanonMap{Span: sp, Name: name, Lens: lens}
	}
	return &Scalar{Span: sp, Name: name, Lens: lens}
}

// isNameRune reports whether r may appear in a variable or field name.
func isNameRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// lens parses text, which starts with '.', as a lens at byte offset base.
func (p *parser) lens(text string, base int) Lens {
	if text == ".length" {
		return Lens{Length: true}
	}
	// A trailing "!" (the old flattening sign) is accepted and means nothing.
	text = strings.TrimSuffix(text, "!")
	rest, ok := strings.CutPrefix(text, ".$")
	if !ok {
		p.failf(base, base+len(text), "expected a lens (.$.field, .$.[0] or .length), found %q", text)
	}
	if rest == "" {
		p.failf(base, base+2, "empty lens: .$ must be followed by .field, .[index] or .[variable]")
	}
	path := make([]Accessor, 0, strings.Count(rest, ".")+1)
	for rest != "" {
		at := base + len(text) - len(rest)
		if rest[0] == '.' {
			rest = rest[1:]
			if rest == "" {
				p.failf(at, at+1, "lens ends with \".\"")
			}
			if rest[0] != '[' {
				n := nameLen(rest)
				if n == 0 || (rest[0] >= '0' && rest[0] <= '9') {
					p.failf(at+1, at+1+max(n, 1), "expected a field name after \".\" in lens (use .[%s] for an index)", rest[:max(n, 1)])
				}
				path = append(path, Accessor{Kind: FieldAccess, Name: rest[:n]})
				rest = rest[n:]
				continue
			}
			at++
		}
		if rest[0] != '[' {
			p.failf(at, at+1, "unexpected %q in lens", rest[:1])
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			p.failf(at, base+len(text), "lens accessor %s is not closed with \"]\"", rest)
		}
		inner := rest[1:end]
		switch {
		case inner == "":
			p.failf(at, at+2, "empty lens accessor []: expected an index or a variable")
		case allDigits(inner):
			idx, err := strconv.ParseUint(inner, 10, 32)
			if err != nil {
				p.failf(at+1, at+1+len(inner), "array index %s does not fit in 32 bits", inner)
			}
			path = append(path, Accessor{Kind: IndexAccess, Index: uint32(idx)})
		case nameLen(inner) == len(inner):
			path = append(path, Accessor{Kind: VarAccess, Name: inner})
		default:
			p.failf(at+1, at+1+len(inner), "expected an index or a variable name in lens accessor, found %q", inner)
		}
		rest = rest[end+1:]
	}
	return Lens{Path: path}
}

// nameLen returns the length of the name at the start of s.
func nameLen(s string) int {
	for i, r := range s {
		if !isNameRune(r) {
			return i
		}
	}
	return len(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
