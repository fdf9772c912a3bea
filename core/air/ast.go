package air

// Span is the half-open byte range [Start, End) a node covers in the
// script it was parsed from. Nodes built by code rather than parsed have a
// zero span.
type Span struct {
	Start, End int
}

// Pos returns the byte offset where the node starts.
func (s Span) Pos() int { return s.Start }

// EndPos returns the byte offset just past the node.
func (s Span) EndPos() int { return s.End }

// Node is any element of an AIR syntax tree.
type Node interface {
	Pos() int
	EndPos() int
}

// Instr is an AIR instruction: one of *Seq, *Par, *Xor, *Call, *Ap, *ApMap,
// *Canon, *Fold, *Next, *New, *Match, *Fail, *Never, *Null.
type Instr interface {
	Node
	instr()
}

// Value is an operand: one of *String, *Number, *Bool, *EmptyArray,
// *InitPeerID, *Timestamp, *TTL, *LastError, *Error, *Scalar, *Stream,
// *CanonStream, *StreamMap, *CanonMap.
type Value interface {
	Node
	value()
}

// Seq runs Left, then Right once Left has completed on this peer.
type Seq struct {
	Span
	Left, Right Instr
}

// Par runs both branches; it completes when either does.
type Par struct {
	Span
	Left, Right Instr
}

// Xor runs Right only if Left fails with a catchable error.
type Xor struct {
	Span
	Left, Right Instr
}

// Call asks Peer to run Service.Function with Args. Output is nil, a
// lens-less *Scalar or a *Stream.
type Call struct {
	Span
	Peer     Value
	Service  Value
	Function Value
	Args     []Value
	Output   Value
}

// Ap binds Arg to Result, a lens-less *Scalar or a *Stream.
type Ap struct {
	Span
	Arg    Value
	Result Value
}

// ApMap appends the pair (Key, Value) to the stream map Map:
// (ap (KEY VALUE) %map).
type ApMap struct {
	Span
	Key   Value
	Value Value
	Map   *StreamMap
}

// Canon fixes a snapshot of a stream or stream map on Peer. Source is a
// *Stream with Dest a lens-less *CanonStream, or a *StreamMap with Dest a
// lens-less *CanonMap or *Scalar.
type Canon struct {
	Span
	Peer   Value
	Source Value
	Dest   Value
}

// Fold iterates Iterable, binding each element to Iterator and running
// Body; (next Iterator) inside Body moves to the next element. Last, if not
// nil, runs when the elements run out. Iterable is a *Scalar, *CanonStream,
// *CanonMap or *EmptyArray (a fold over a value), or a *Stream or
// *StreamMap (a fold over a stream that may still grow).
type Fold struct {
	Span
	Iterable Value
	Iterator *Scalar
	Body     Instr
	Last     Instr
}

// Next moves the fold over Iterator to its next element.
type Next struct {
	Span
	Iterator *Scalar
}

// New scopes a fresh Var (a lens-less *Scalar, *Stream, *StreamMap,
// *CanonStream or *CanonMap) to Body.
type New struct {
	Span
	Var  Value
	Body Instr
}

// Match runs Body if Left and Right are equal (or, for mismatch, if they
// differ).
type Match struct {
	Span
	Mismatch    bool
	Left, Right Value
	Body        Instr
}

// Fail raises an error. With Value nil it is (fail Code "Message");
// otherwise Value is the error object: a *Scalar, a *CanonStream with a
// lens, a lens-less *LastError or a lens-less *Error.
type Fail struct {
	Span
	Code    int64
	Message string
	Value   Value
}

// Never never completes.
type Never struct{ Span }

// Null does nothing.
type Null struct{ Span }

func (*Seq) instr()   {}
func (*Par) instr()   {}
func (*Xor) instr()   {}
func (*Call) instr()  {}
func (*Ap) instr()    {}
func (*ApMap) instr() {}
func (*Canon) instr() {}
func (*Fold) instr()  {}
func (*Next) instr()  {}
func (*New) instr()   {}
func (*Match) instr() {}
func (*Fail) instr()  {}
func (*Never) instr() {}
func (*Null) instr()  {}

// String is a string literal. AIR strings have no escapes: the literal ends
// at the next double quote.
type String struct {
	Span
	Value string
}

// Number is an integer (i64) or, when IsFloat, a float (f64) literal.
type Number struct {
	Span
	Int     int64
	Float   float64
	IsFloat bool
	// Raw is the literal as written in the source. The printer keeps it, so
	// that a float such as "1." or "9999999999." prints back as itself and
	// stays within the reference's float length limit; numbers built by
	// code leave it empty and print in shortest form.
	Raw string
}

// Bool is true or false.
type Bool struct {
	Span
	Value bool
}

// EmptyArray is the literal [].
type EmptyArray struct{ Span }

// InitPeerID is %init_peer_id%, the peer that started the particle.
type InitPeerID struct{ Span }

// Timestamp is %timestamp%, the particle's creation time in milliseconds.
type Timestamp struct{ Span }

// TTL is %ttl%, the particle's time to live in milliseconds.
type TTL struct{ Span }

// LastError is %last_error%, the last error raised anywhere in the script.
type LastError struct {
	Span
	Lens Lens
}

// Error is :error:, the error caught by the enclosing xor.
type Error struct {
	Span
	Lens Lens
}

// Scalar is a scalar variable, optionally with a lens.
type Scalar struct {
	Span
	Name string
	Lens Lens
}

// Stream is a stream variable; Name includes the leading '$'.
type Stream struct {
	Span
	Name string
}

// CanonStream is a canonicalized stream; Name includes the leading '#'
// (and '$' when written #$name).
type CanonStream struct {
	Span
	Name string
	Lens Lens
}

// StreamMap is a stream map variable; Name includes the leading '%'.
type StreamMap struct {
	Span
	Name string
}

// CanonMap is a canonicalized stream map; Name includes the leading "#%".
type CanonMap struct {
	Span
	Name string
	Lens Lens
}

func (*String) value()      {}
func (*Number) value()      {}
func (*Bool) value()        {}
func (*EmptyArray) value()  {}
func (*InitPeerID) value()  {}
func (*Timestamp) value()   {}
func (*TTL) value()         {}
func (*LastError) value()   {}
func (*Error) value()       {}
func (*Scalar) value()      {}
func (*Stream) value()      {}
func (*CanonStream) value() {}
func (*StreamMap) value()   {}
func (*CanonMap) value()    {}
