package data

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/mpin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/vmihailenco/msgpack/v5"
)

// DataVersion is the version of the data format: the reference's
// air-interpreter-data crate whose layout Encode writes.
const DataVersion = "0.17.2"

// MinInterpreterVersion is the oldest interpreter whose data a run
// accepts as current data, as in the reference: its format before
// 0.61 differs.
const MinInterpreterVersion = "0.61.0"

// ErrUnsupportedVersion reports data written by an interpreter older than
// MinInterpreterVersion.
var ErrUnsupportedVersion = errors.New("unsupported interpreter version")

// ErrEnvelope reports bytes that are not an interpreter data envelope.
var ErrEnvelope = errors.New("malformed data envelope")

// Sizes of the archived structs, in bytes.
const (
	stateSize         = 24 // ExecutedState: a tag and the widest variant, a call with a stream value
	loreSize          = 12 // FoldSubTraceLore: position and a vector of descriptions
	subtraceSize      = 8  // SubTraceDesc
	cidSize32         = 8  // CID: a pointer to str and its length
	entryPtrSize      = cidSize32 + 4
	rawValueSize      = 8  // RawValue: a boxed str
	tetrapletSize     = 32 // SecurityTetraplet: four Strings
	serviceResultSize = 24 // three CIDs
	canonElementSize  = 28 // two CIDs and a provenance
	canonResultSize   = 16 // a CID and a vector of CIDs
	signatureSize     = 16 // two boxed byte slices
	rootSize          = 60 // InterpreterData
)

// Enum tags of the archived types, in the order of their variants.
const (
	tagPar, tagCall, tagFold, tagAp, tagCanon = 0, 1, 2, 3, 4

	tagSentBy, tagExecuted, tagFailed = 0, 1, 2 // CallResult
	tagPeerID, tagPeerIDWithCallID    = 0, 1    // Sender
	tagScalar, tagStream, tagUnused   = 0, 1, 2 // ValueRef
	tagCanonSent, tagCanonExecuted    = 0, 1    // CanonResult
)

// keyFormatEd25519 opens an encoded public key or signature: the key
// format byte of the reference's keypair encoding. Ed25519 is the only
// format the reference accepts in data.
const keyFormatEd25519 = 0

// Encode writes data as the reference interpreter does: a MessagePack map
// {"version", "interpreter_version", "inner_data"} whose inner data is an
// rkyv archive of the trace, the call counter, the stores and the
// signatures. Store entries and signatures are written sorted by key, so
// equal data always encodes to equal bytes (the reference writes its hash
// maps in their random iteration order).
func Encode(d *Data) ([]byte, error) {
	header := envelopeHeaderSize(d.InterpreterVersion)
	// Every store key is a shared CID, and most CIDs fields hold are
	// keys too: the map of shared strings is sized for them at once.
	st := &d.Stores
	keys := len(st.Values) + len(st.Tetraplets) + len(st.ServiceResults) + len(st.CanonElements) + len(st.CanonResults)
	// Stores that a peer encodes run after run keep the map of shared
	// strings from one encoding to the next: a thousand results make it
	// tens of kilobytes, allocated and grown anew each run otherwise.
	var reuse map[string]uint32
	if st.order != nil {
		reuse = st.order.shared
	}
	w := newBuilder(header+sizeHint(d), keys+len(d.Trace), reuse)
	w.b = w.b[:header]
	w.base = header
	w.interpreterData(d)
	if st.order != nil {
		st.order.shared = w.rcStr
	}
	inner := len(w.b) - header
	var hb bytes.Buffer
	e := msgpack.NewEncoder(&hb)
	// Writes to a bytes.Buffer cannot fail, nor can these.
	_ = e.EncodeMapLen(3)
	_ = e.EncodeString("version")
	_ = e.EncodeString(DataVersion)
	_ = e.EncodeString("interpreter_version")
	_ = e.EncodeString(d.InterpreterVersion)
	_ = e.EncodeString("inner_data")
	_ = e.EncodeBytesLen(inner)
	start := header - hb.Len()
	copy(w.b[start:], hb.Bytes())
	return w.b[start:], nil
}

// envelopeHeaderSize bounds the size of the envelope before the inner
// data: the map, its keys, the versions and a bin32 header.
func envelopeHeaderSize(interpreterVersion string) int {
	return 64 + len(DataVersion) + len(interpreterVersion)
}

// sizeHint guesses how many bytes d's archive takes, so that Encode
// allocates once or twice rather than doubling from nothing.
func sizeHint(d *Data) int {
	const cid = cidTextSize + cidSize32
	st := &d.Stores
	n := rootSize + (stateSize+cid)*len(d.Trace) +
		(cid+tetrapletSize+64)*len(st.Tetraplets) + (cid+serviceResultSize+cid)*len(st.ServiceResults) +
		(cid+canonElementSize)*len(st.CanonElements) + 128*len(d.Signatures)
	for _, v := range st.Values {
		n += cid + rawValueSize + 4 + len(v)
	}
	for _, r := range st.CanonResults {
		n += cid + canonResultSize + cidSize32*len(r.Values)
	}
	return n
}

// interpreterData writes the archive of d, children first, in the order
// rkyv's serializer visits InterpreterData's fields.
func (w *builder) interpreterData(d *Data) {
	trace, traceN := w.trace(d.Trace)
	st := &d.Stores
	values := w.valueStore(st)
	tets := w.tetrapletStore(st)
	elements := w.canonElementStore(st)
	results := w.canonResultStore(st)
	services := w.serviceResultStore(st)
	sigs := w.signatures(d.Signatures)
	root := w.alloc(rootSize)
	w.putSlice(root, trace, traceN)
	w.putU32(root+8, d.LastCallID)
	w.putSlice(root+12, values, len(st.Values))
	w.putSlice(root+20, tets, len(st.Tetraplets))
	w.putSlice(root+28, elements, len(st.CanonElements))
	w.putSlice(root+36, results, len(st.CanonResults))
	w.putSlice(root+44, services, len(st.ServiceResults))
	w.putSlice(root+52, sigs, len(d.Signatures))
}

// putCID writes a CID field pointing to the shared str at target.
func (w *builder) putCID(at, target uint32, c CID) { w.putSlice(at, target, len(c)) }

func (w *builder) trace(trace []State) (uint32, int) {
	children := make([]uint32, len(trace))
	for i, s := range trace {
		children[i] = w.stateChildren(s)
	}
	arr := w.alloc(stateSize * len(trace))
	for i, s := range trace {
		w.putState(arr+uint32(i*stateSize), s, children[i])
	}
	return arr, len(trace)
}

// stateChildren writes what a state points to and returns where.
func (w *builder) stateChildren(s State) uint32 {
	switch s := s.(type) {
	case *Call:
		if s.Kind == CallSent {
			return w.sharedString(s.Peer)
		}
		return w.sharedStr(string(s.CID))
	case *Fold:
		descs := make([]uint32, len(s.Lore))
		for i, it := range s.Lore {
			at := w.alloc(2 * subtraceSize)
			w.putU32(at, it.Before.Pos)
			w.putU32(at+4, it.Before.Len)
			w.putU32(at+8, it.After.Pos)
			w.putU32(at+12, it.After.Len)
			descs[i] = at
		}
		arr := w.alloc(loreSize * len(s.Lore))
		for i, it := range s.Lore {
			at := arr + uint32(i*loreSize)
			w.putU32(at, it.ValuePos)
			w.putSlice(at+4, descs[i], 2)
		}
		return arr
	case *Ap:
		at := w.alloc(4)
		w.putU32(at, s.Gen)
		return at
	case *Canon:
		if s.Sent {
			return w.sharedString(s.Peer)
		}
		return w.sharedStr(string(s.CID))
	}
	return 0
}

// putState writes the ExecutedState s at at, its children at child.
func (w *builder) putState(at uint32, s State, child uint32) {
	switch s := s.(type) {
	case *Par:
		w.putTag(at, tagPar)
		w.putU32(at+4, s.Left)
		w.putU32(at+8, s.Right)
	case *Call:
		w.putTag(at, tagCall)
		r := at + 4 // the CallResult
		switch s.Kind {
		case CallSent:
			w.putTag(r, tagSentBy)
			if s.HasID {
				w.putTag(r+4, tagPeerIDWithCallID)
				w.putRel(r+8, child)
				w.putU32(r+12, s.ID)
			} else {
				w.putTag(r+4, tagPeerID)
				w.putRel(r+8, child)
			}
		case CallScalar, CallStream, CallUnused:
			w.putTag(r, tagExecuted)
			v := r + 4 // the ValueRef
			switch s.Kind {
			case CallScalar:
				w.putTag(v, tagScalar)
			case CallStream:
				w.putTag(v, tagStream)
				w.putU32(v+12, s.Gen)
			default:
				w.putTag(v, tagUnused)
			}
			w.putCID(v+4, child, s.CID)
		case CallFailed:
			w.putTag(r, tagFailed)
			w.putCID(r+4, child, s.CID)
		}
	case *Fold:
		w.putTag(at, tagFold)
		w.putSlice(at+4, child, len(s.Lore))
	case *Ap:
		w.putTag(at, tagAp)
		w.putSlice(at+4, child, 1)
	case *Canon:
		w.putTag(at, tagCanon)
		if s.Sent {
			w.putTag(at+4, tagCanonSent)
			w.putRel(at+8, child)
		} else {
			w.putTag(at+4, tagCanonExecuted)
			w.putCID(at+8, child, s.CID)
		}
	}
}

// store writes a CID store: for each entry in CID order its key and what
// value writes, then the entries, each the key and the relative pointer
// to the value's struct.
func store[V any](w *builder, st *Stores, which int, m map[CID]V, value func(V) uint32) uint32 {
	keys := orderedKeys(st, which, m)
	type entry struct{ key, value uint32 }
	entries := make([]entry, len(keys))
	for i, c := range keys {
		entries[i] = entry{w.sharedStr(string(c)), value(m[c])}
	}
	arr := w.alloc(entryPtrSize * len(keys))
	for i, c := range keys {
		at := arr + uint32(i*entryPtrSize)
		w.putCID(at, entries[i].key, c)
		w.putRel(at+cidSize32, entries[i].value)
	}
	return arr
}

func (w *builder) valueStore(st *Stores) uint32 {
	return store(w, st, storeValues, st.Values, func(text []byte) uint32 {
		textAt := w.raw(text)
		at := w.alloc(rawValueSize)
		w.putSlice(at, textAt, len(text))
		return at
	})
}

func (w *builder) tetrapletStore(st *Stores) uint32 {
	return store(w, st, storeTetraplets, st.Tetraplets, func(t Tetraplet) uint32 {
		fields := [4]string{t.PeerPK, t.ServiceID, t.FunctionName, t.Lens}
		var bytesAt [4]uint32
		for i, f := range fields {
			bytesAt[i] = w.stringBytes(f)
		}
		at := w.alloc(tetrapletSize)
		for i, f := range fields {
			w.putString(at+uint32(8*i), f, bytesAt[i])
		}
		return at
	})
}

func (w *builder) canonElementStore(st *Stores) uint32 {
	return store(w, st, storeCanonElements, st.CanonElements, func(el CanonElement) uint32 {
		v := w.sharedStr(string(el.ValueCID))
		t := w.sharedStr(string(el.TetrapletCID))
		var p uint32
		if el.Provenance.Kind != FromLiteral {
			p = w.sharedStr(string(el.Provenance.CID))
		}
		at := w.alloc(canonElementSize)
		w.putCID(at, v, el.ValueCID)
		w.putCID(at+8, t, el.TetrapletCID)
		w.putTag(at+16, byte(el.Provenance.Kind))
		if el.Provenance.Kind != FromLiteral {
			w.putCID(at+20, p, el.Provenance.CID)
		}
		return at
	})
}

func (w *builder) canonResultStore(st *Stores) uint32 {
	return store(w, st, storeCanonResults, st.CanonResults, func(r CanonResult) uint32 {
		t := w.sharedStr(string(r.TetrapletCID))
		vals := make([]uint32, len(r.Values))
		for i, v := range r.Values {
			vals[i] = w.sharedStr(string(v))
		}
		arr := w.alloc(cidSize32 * len(r.Values))
		for i, v := range r.Values {
			w.putCID(arr+uint32(i*cidSize32), vals[i], v)
		}
		at := w.alloc(canonResultSize)
		w.putCID(at, t, r.TetrapletCID)
		w.putSlice(at+8, arr, len(r.Values))
		return at
	})
}

func (w *builder) serviceResultStore(st *Stores) uint32 {
	return store(w, st, storeServiceResults, st.ServiceResults, func(r ServiceResult) uint32 {
		v := w.sharedStr(string(r.ValueCID))
		h := w.sharedStr(string(r.ArgumentHash))
		t := w.sharedStr(string(r.TetrapletCID))
		at := w.alloc(serviceResultSize)
		w.putCID(at, v, r.ValueCID)
		w.putCID(at+8, h, r.ArgumentHash)
		w.putCID(at+16, t, r.TetrapletCID)
		return at
	})
}

// signatures writes the signature store: for each peer, in peer id order,
// its public key and signature, each behind the key format byte.
func (w *builder) signatures(m map[string]Signature) uint32 {
	ids := sortedKeys(m)
	type entry struct{ key, sig uint32 }
	entries := make([]entry, len(ids))
	for i, id := range ids {
		s := m[id]
		key := w.pos()
		w.b = appendKey(w.b, s.PublicKey)
		sig := w.pos()
		w.b = appendKey(w.b, s.Sig)
		entries[i] = entry{key, sig}
	}
	arr := w.alloc(signatureSize * len(ids))
	for i, id := range ids {
		s := m[id]
		at := arr + uint32(i*signatureSize)
		w.putSlice(at, entries[i].key, 1+len(s.PublicKey))
		w.putSlice(at+8, entries[i].sig, 1+len(s.Sig))
	}
	return arr
}

// Decode reads interpreter data in the reference's format. Empty input is
// empty data. Decode checks the envelope, the archive and the stores:
// every stored object must hash to its CID and every reference resolve
// (see CheckStores); signatures are checked by VerifySignatures.
func Decode(b []byte) (*Data, error) {
	return decode(b, trust{})
}

// DecodeOwn is Decode for data this peer encoded itself, such as its data
// of a particle's last run, which it trusts: stored objects are not hashed
// again.
func DecodeOwn(b []byte) (*Data, error) {
	return decode(b, trust{own: true})
}

// DecodeAfter is Decode for data arriving at a peer whose own data for
// the particle is known: an object that known holds under the same CID,
// the same, was checked when it arrived here or was made here, and is not
// hashed again. A particle that comes back to a peer brings mostly what
// the peer has seen: its objects cost what is new since, not all of them.
func DecodeAfter(b []byte, known *Data) (*Data, error) {
	if known == nil {
		return Decode(b)
	}
	return decode(b, trust{known: &known.Stores})
}

// trust says which stored objects a decode takes without hashing them:
// all of the peer's own data, or those known holds, the same.
type trust struct {
	own   bool
	known *Stores
}

// versions are the versions an envelope names.
type versions struct {
	// Data is the version of the data format.
	Data string
	// Interpreter is the version of the interpreter that wrote the data.
	Interpreter string
}

func decode(b []byte, tr trust) (*Data, error) {
	if len(b) == 0 {
		d := New()
		d.InterpreterVersion = MinInterpreterVersion
		return d, nil
	}
	v, inner, err := decodeEnvelope(b)
	if err != nil {
		return nil, err
	}
	if !tr.own && !versionAtLeast(v.Interpreter, MinInterpreterVersion) {
		return nil, fmt.Errorf("%w: data of interpreter %s, the oldest supported is %s", ErrUnsupportedVersion, v.Interpreter, MinInterpreterVersion)
	}
	d, err := decodeArchive(inner, tr)
	if err != nil {
		return nil, err
	}
	d.InterpreterVersion = v.Interpreter
	return d, nil
}

// decodeEnvelope reads the MessagePack envelope, in any key order, as
// the reference's deserializer does; keys it does not know are skipped.
func decodeEnvelope(b []byte) (versions, []byte, error) {
	var v versions
	// Every length in the envelope is a claim a peer makes: mpin checks
	// each against what the envelope holds.
	r := mpin.NewReader(b)
	n, err := r.MapLen()
	if err != nil {
		return v, nil, fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	var inner []byte
	seen := 0
	for range n {
		key, err := r.View()
		if err != nil {
			return v, nil, fmt.Errorf("%w: key: %v", ErrEnvelope, err)
		}
		switch string(key) {
		case "version":
			v.Data, err = r.String()
			seen |= 1
		case "interpreter_version":
			v.Interpreter, err = r.String()
			seen |= 2
		case "inner_data":
			// A view: the archive reader makes the one copy it needs.
			inner, err = r.View()
			seen |= 4
		default:
			err = r.Skip()
		}
		if err != nil {
			return v, nil, fmt.Errorf("%w: %s: %v", ErrEnvelope, key, err)
		}
	}
	if seen != 7 {
		return v, nil, fmt.Errorf("%w: want the keys version, interpreter_version and inner_data", ErrEnvelope)
	}
	if r.Len() != 0 {
		return v, nil, fmt.Errorf("%w: %d bytes after the end", ErrEnvelope, r.Len())
	}
	if _, ok := parseVersion(v.Interpreter); !ok {
		return v, nil, fmt.Errorf("%w: interpreter version %q is not a semantic version", ErrEnvelope, v.Interpreter)
	}
	return v, inner, nil
}

// parseVersion reads MAJOR.MINOR.PATCH, ignoring a pre-release or build
// suffix.
func parseVersion(s string) ([3]uint64, bool) {
	var v [3]uint64
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

// versionAtLeast reports whether semantic version a is at least b.
func versionAtLeast(a, b string) bool {
	va, ok := parseVersion(a)
	vb, _ := parseVersion(b)
	return ok && slices.Compare(va[:], vb[:]) >= 0
}

// decodeArchive reads the rkyv archive of InterpreterData.
func decodeArchive(inner []byte, tr trust) (*Data, error) {
	if len(inner) < rootSize {
		return nil, archiveErr("%d bytes, shorter than its root", len(inner))
	}
	a := newArchive(inner)
	root := uint32(len(inner) - rootSize)
	// Most shared strings are CIDs: store keys, and the trace's and
	// objects' references to them. The root says how many states and
	// objects there are, so the map remembering them is sized once, within
	// what the archive's size allows.
	n := a.u32(root + 4)
	for store := range uint32(5) {
		n += a.u32(root + 16 + 8*store)
	}
	a.strs = make(map[uint32]string, min(int(n), len(inner)/cidTextSize))
	d := &Data{LastCallID: a.u32(root + 8), Signatures: map[string]Signature{}}
	var err error
	if d.Trace, err = a.trace(root); err != nil {
		return nil, err
	}
	if d.Stores, err = a.stores(root+12, tr); err != nil {
		return nil, err
	}
	if err := a.signatures(root+52, d.Signatures); err != nil {
		return nil, err
	}
	return d, nil
}

func (a *archive) trace(at uint32) ([]State, error) {
	arr, n, err := a.slice(at, stateSize, "trace")
	if err != nil {
		return nil, err
	}
	// The call and par states, nearly all of a trace, are made in one
	// array each instead of one allocation each.
	var calls, pars int
	for i := range n {
		switch a.u8(arr + uint32(i*stateSize)) {
		case tagCall:
			calls++
		case tagPar:
			pars++
		}
	}
	a.calls, a.pars = make([]Call, calls), make([]Par, pars)
	trace := make([]State, n)
	for i := range trace {
		if trace[i], err = a.state(arr + uint32(i*stateSize)); err != nil {
			return nil, fmt.Errorf("state %d: %w", i, err)
		}
	}
	return trace, nil
}

func (a *archive) cid(at uint32, what string) (CID, error) {
	s, err := a.sharedStr(at, what)
	return CID(s), err
}

func (a *archive) state(at uint32) (State, error) {
	const what = "state"
	switch tag := a.u8(at); tag {
	case tagPar:
		p := take(&a.pars)
		*p = Par{Left: a.u32(at + 4), Right: a.u32(at + 8)}
		return p, nil
	case tagCall:
		return a.call(at+4, what)
	case tagFold:
		return a.fold(at+4, what)
	case tagAp:
		arr, n, err := a.slice(at+4, 4, what)
		if err != nil {
			return nil, err
		}
		if n != 1 {
			return nil, archiveErr("%s: ap with %d generations, want 1", what, n)
		}
		return &Ap{Gen: a.u32(arr)}, nil
	case tagCanon:
		switch a.u8(at + 4) {
		case tagCanonSent:
			p, err := a.sharedString(at+8, what)
			return &Canon{Sent: true, Peer: p}, err
		case tagCanonExecuted:
			c, err := a.cid(at+8, what)
			return &Canon{CID: c}, err
		}
		return nil, archiveErr("%s: canon result tag %d", what, a.u8(at+4))
	default:
		return nil, archiveErr("%s: unknown tag %d", what, tag)
	}
}

// take returns the next of the states trace counted in free, or a new
// one past them.
func take[T any](free *[]T) *T {
	if len(*free) == 0 {
		return new(T)
	}
	p := &(*free)[0]
	*free = (*free)[1:]
	return p
}

// call reads the CallResult at r.
func (a *archive) call(r uint32, what string) (State, error) {
	switch a.u8(r) {
	case tagSentBy:
		c := take(&a.calls)
		c.Kind = CallSent
		switch a.u8(r + 4) {
		case tagPeerID:
		case tagPeerIDWithCallID:
			c.HasID, c.ID = true, a.u32(r+12)
		default:
			return nil, archiveErr("%s: sender tag %d", what, a.u8(r+4))
		}
		var err error
		c.Peer, err = a.sharedString(r+8, what)
		return c, err
	case tagExecuted:
		v := r + 4
		c := take(&a.calls)
		switch a.u8(v) {
		case tagScalar:
			c.Kind = CallScalar
		case tagStream:
			c.Kind, c.Gen = CallStream, a.u32(v+12)
		case tagUnused:
			c.Kind = CallUnused
		default:
			return nil, archiveErr("%s: value tag %d", what, a.u8(v))
		}
		var err error
		c.CID, err = a.cid(v+4, what)
		return c, err
	case tagFailed:
		c := take(&a.calls)
		c.Kind = CallFailed
		var err error
		c.CID, err = a.cid(r+4, what)
		return c, err
	}
	return nil, archiveErr("%s: call result tag %d", what, a.u8(r))
}

func (a *archive) fold(at uint32, what string) (State, error) {
	arr, n, err := a.slice(at, loreSize, what)
	if err != nil {
		return nil, err
	}
	f := &Fold{Lore: make([]Iteration, n)}
	for i := range f.Lore {
		l := arr + uint32(i*loreSize)
		descs, m, err := a.slice(l+4, subtraceSize, what)
		if err != nil {
			return nil, err
		}
		if m != 2 {
			return nil, archiveErr("%s: fold iteration with %d subtraces, want 2", what, m)
		}
		f.Lore[i] = Iteration{
			ValuePos: a.u32(l),
			Before:   Subtrace{Pos: a.u32(descs), Len: a.u32(descs + 4)},
			After:    Subtrace{Pos: a.u32(descs + 8), Len: a.u32(descs + 12)},
		}
	}
	return f, nil
}

// storeEntries reads the entries of a CID store at at: each a key and a
// pointer to a value of size bytes, handed to read with where the value
// is. Keys must be distinct, as in the map the reference archived.
func storeEntries(a *archive, at uint32, size uint64, what string, read func(key CID, value uint32) error) error {
	arr, n, err := a.slice(at, entryPtrSize, what)
	if err != nil {
		return err
	}
	for i := range n {
		e := arr + uint32(i*entryPtrSize)
		key, err := a.cid(e, what)
		if err != nil {
			return err
		}
		v, err := a.rel(e+cidSize32, what)
		if err != nil {
			return err
		}
		if err := a.fits(v, size, what); err != nil {
			return err
		}
		if err := a.claim(size, what); err != nil {
			return err
		}
		if err := read(key, v); err != nil {
			return err
		}
	}
	return nil
}

// checkCID compares the CID a store names an object by with the CID of
// its canonical text, which canonical appends to the archive's scratch
// buffer; a trusted object is not checked.
func (a *archive) checkCID(trusted bool, key CID, canonical func([]byte) []byte, what string) error {
	if trusted {
		return nil
	}
	a.scratch = canonical(a.scratch[:0])
	if !HasCID(a.scratch, key) {
		return fmt.Errorf("%w: %s %s hashes to %s", ErrStore, what, key, ComputeCID(a.scratch))
	}
	return nil
}

func duplicate(what string, key CID) error {
	return archiveErr("%s: CID %s twice", what, key)
}

func (a *archive) stores(at uint32, tr trust) (Stores, error) {
	// known is where trusted objects are looked up: an empty store when
	// there are none, which finds none.
	known := tr.known
	if known == nil {
		known = &Stores{}
	}
	// Room for the entries the stores claim, but no more than the
	// archive could hold: each entry takes entryPtrSize bytes.
	var sizes [5]int
	for i := range sizes {
		sizes[i] = min(int(a.u32(at+uint32(8*i)+4)), len(a.b)/entryPtrSize)
	}
	st := storesSized(sizes)
	err := storeEntries(a, at, rawValueSize, "value store", func(key CID, v uint32) error {
		text, err := a.bytes(v, "stored value")
		if err != nil {
			return err
		}
		if _, dup := st.Values[key]; dup {
			return duplicate("value store", key)
		}
		// A value's canonical form is its text: hashed where it lies.
		k, ok := known.Values[key]
		if trusted := tr.own || ok && bytes.Equal(k, text); !trusted && !HasCID(text, key) {
			return fmt.Errorf("%w: value %s hashes to %s", ErrStore, key, ComputeCID(text))
		}
		st.Values[key] = text
		return nil
	})
	if err != nil {
		return st, err
	}
	err = storeEntries(a, at+8, tetrapletSize, "tetraplet store", func(key CID, v uint32) error {
		var f [4]string
		for i := range f {
			var err error
			if f[i], err = a.string(v+uint32(8*i), "tetraplet"); err != nil {
				return err
			}
		}
		t := Tetraplet{PeerPK: f[0], ServiceID: f[1], FunctionName: f[2], Lens: f[3]}
		if _, dup := st.Tetraplets[key]; dup {
			return duplicate("tetraplet store", key)
		}
		k, ok := known.Tetraplets[key]
		if err := a.checkCID(tr.own || ok && k == t, key, t.appendCanonical, "tetraplet"); err != nil {
			return err
		}
		st.Tetraplets[key] = t
		return nil
	})
	if err != nil {
		return st, err
	}
	err = storeEntries(a, at+16, canonElementSize, "canon element store", func(key CID, v uint32) error {
		var el CanonElement
		var err error
		if el.ValueCID, err = a.cid(v, "canon element"); err != nil {
			return err
		}
		if el.TetrapletCID, err = a.cid(v+8, "canon element"); err != nil {
			return err
		}
		switch k := a.u8(v + 16); k {
		case byte(FromLiteral):
		case byte(FromServiceResult), byte(FromCanon):
			el.Provenance.Kind = ProvenanceKind(k)
			if el.Provenance.CID, err = a.cid(v+20, "provenance"); err != nil {
				return err
			}
		default:
			return archiveErr("canon element %s: provenance tag %d", key, k)
		}
		if _, dup := st.CanonElements[key]; dup {
			return duplicate("canon element store", key)
		}
		k, ok := known.CanonElements[key]
		if err := a.checkCID(tr.own || ok && k == el, key, el.appendCanonical, "canon element"); err != nil {
			return err
		}
		st.CanonElements[key] = el
		return nil
	})
	if err != nil {
		return st, err
	}
	err = storeEntries(a, at+24, canonResultSize, "canon result store", func(key CID, v uint32) error {
		var r CanonResult
		var err error
		if r.TetrapletCID, err = a.cid(v, "canon result"); err != nil {
			return err
		}
		arr, n, err := a.slice(v+8, cidSize32, "canon result values")
		if err != nil {
			return err
		}
		r.Values = make([]CID, n)
		for i := range r.Values {
			if r.Values[i], err = a.cid(arr+uint32(i*cidSize32), "canon result value"); err != nil {
				return err
			}
		}
		if _, dup := st.CanonResults[key]; dup {
			return duplicate("canon result store", key)
		}
		k, ok := known.CanonResults[key]
		same := ok && k.TetrapletCID == r.TetrapletCID && slices.Equal(k.Values, r.Values)
		if err := a.checkCID(tr.own || same, key, r.appendCanonical, "canon result"); err != nil {
			return err
		}
		st.CanonResults[key] = r
		return nil
	})
	if err != nil {
		return st, err
	}
	err = storeEntries(a, at+32, serviceResultSize, "service result store", func(key CID, v uint32) error {
		var r ServiceResult
		var err error
		if r.ValueCID, err = a.cid(v, "service result"); err != nil {
			return err
		}
		if r.ArgumentHash, err = a.cid(v+8, "service result"); err != nil {
			return err
		}
		if r.TetrapletCID, err = a.cid(v+16, "service result"); err != nil {
			return err
		}
		if _, dup := st.ServiceResults[key]; dup {
			return duplicate("service result store", key)
		}
		k, ok := known.ServiceResults[key]
		if err := a.checkCID(tr.own || ok && k == r, key, r.appendCanonical, "service result"); err != nil {
			return err
		}
		st.ServiceResults[key] = r
		return nil
	})
	return st, err
}

// signatures reads the signature store into m, keyed by the peer id of
// each public key.
func (a *archive) signatures(at uint32, m map[string]Signature) error {
	arr, n, err := a.slice(at, signatureSize, "signature store")
	if err != nil {
		return err
	}
	for i := range n {
		e := arr + uint32(i*signatureSize)
		key, err := a.bytes(e, "public key")
		if err != nil {
			return err
		}
		sig, err := a.bytes(e+8, "signature")
		if err != nil {
			return err
		}
		pub, err := decodeKey(key, ed25519.PublicKeySize, "public key")
		if err != nil {
			return err
		}
		s, err := decodeKey(sig, ed25519.SignatureSize, "signature")
		if err != nil {
			return err
		}
		id := string(peer.IDFromPublicKey(peer.Ed25519PublicKey(pub)))
		if _, dup := m[id]; dup {
			return archiveErr("signature store: peer %s twice", id)
		}
		m[id] = Signature{PublicKey: ed25519.PublicKey(pub), Sig: s}
	}
	return nil
}

// appendKey appends a public key or signature as the reference encodes
// it: the key format byte, then the bytes.
func appendKey(b, key []byte) []byte {
	return append(append(b, keyFormatEd25519), key...)
}

// decodeKey strips the key format byte of an encoded key or signature,
// which must be Ed25519's, and checks the length.
func decodeKey(b []byte, size int, what string) ([]byte, error) {
	if len(b) == 0 || b[0] != keyFormatEd25519 {
		return nil, fmt.Errorf("%w: %s: only Ed25519 keys are accepted", ErrSignature, what)
	}
	if len(b)-1 != size {
		return nil, fmt.Errorf("%w: %s of %d bytes, want %d", ErrSignature, what, len(b)-1, size)
	}
	return b[1:], nil
}
