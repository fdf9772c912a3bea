package data

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/vmihailenco/msgpack/v5"
)

// FormatVersion is the version of the binary format Encode writes. Decode
// reads only this version.
const FormatVersion = 1

// magic opens every encoded data blob, so that a stray file or the
// reference interpreter's rkyv data is refused with a clear message.
const magic = "aquarium-avm-data"

// ErrUnsupportedVersion reports data in a format version this build cannot
// read.
var ErrUnsupportedVersion = errors.New("unsupported data format version")

// ErrNotData reports bytes that are not interpreter data at all.
var ErrNotData = errors.New("not aquarium interpreter data")

// Encode writes data in the binary format: a MessagePack array holding the
// magic string, the format version, the interpreter version, the call
// counter, the trace, the stores and the signatures. Store objects are
// written without their CIDs, sorted by CID: a reader recomputes every CID,
// so a stored object cannot claim an identifier it does not hash to, and
// equal data always encodes to equal bytes.
func Encode(d *Data) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint(d)))
	e := msgpack.GetEncoder()
	defer msgpack.PutEncoder(e)
	e.Reset(buf)
	w := writer{e: e}
	w.arrayLen(11)
	w.str(magic)
	w.uint(FormatVersion)
	w.str(d.InterpreterVersion)
	w.uint(uint64(d.LastCallID))
	w.arrayLen(len(d.Trace))
	for _, s := range d.Trace {
		w.state(s)
	}
	st := &d.Stores
	w.arrayLen(len(st.Values))
	for _, c := range sortedKeys(st.Values) {
		w.bytes(st.Values[c])
	}
	w.arrayLen(len(st.Tetraplets))
	for _, c := range sortedKeys(st.Tetraplets) {
		t := st.Tetraplets[c]
		w.arrayLen(4)
		w.str(t.PeerPK)
		w.str(t.ServiceID)
		w.str(t.FunctionName)
		w.str(t.Lens)
	}
	w.arrayLen(len(st.ServiceResults))
	for _, c := range sortedKeys(st.ServiceResults) {
		r := st.ServiceResults[c]
		w.arrayLen(3)
		w.str(string(r.ValueCID))
		w.str(string(r.ArgumentHash))
		w.str(string(r.TetrapletCID))
	}
	w.arrayLen(len(st.CanonElements))
	for _, c := range sortedKeys(st.CanonElements) {
		el := st.CanonElements[c]
		w.arrayLen(4)
		w.str(string(el.ValueCID))
		w.str(string(el.TetrapletCID))
		w.uint(uint64(el.Provenance.Kind))
		w.str(string(el.Provenance.CID))
	}
	w.arrayLen(len(st.CanonResults))
	for _, c := range sortedKeys(st.CanonResults) {
		r := st.CanonResults[c]
		w.arrayLen(2)
		w.str(string(r.TetrapletCID))
		w.arrayLen(len(r.Values))
		for _, v := range r.Values {
			w.str(string(v))
		}
	}
	w.arrayLen(len(d.Signatures))
	for _, id := range sortedKeys(d.Signatures) {
		s := d.Signatures[id]
		w.arrayLen(2)
		w.bytes(s.PublicKey)
		w.bytes(s.Sig)
	}
	if w.err != nil {
		return nil, fmt.Errorf("encode data: %w", w.err)
	}
	return buf.Bytes(), nil
}

// sizeHint guesses how many bytes d encodes to, from the sizes of its
// parts, so that Encode allocates its output once or twice rather than
// doubling it from nothing.
func sizeHint(d *Data) int {
	const cid = 64 // a CID with its header
	st := &d.Stores
	n := 64 + len(d.InterpreterVersion) + 64*len(d.Trace) +
		4*cid*len(st.Tetraplets) + 3*cid*len(st.ServiceResults) + 3*cid*len(st.CanonElements) +
		110*len(d.Signatures)
	for _, v := range st.Values {
		n += 5 + len(v)
	}
	for _, r := range st.CanonResults {
		n += cid * (1 + len(r.Values))
	}
	return n
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

const (
	tagPar uint64 = iota
	tagCall
	tagFold
	tagAp
	tagCanon
)

type writer struct {
	e   *msgpack.Encoder
	err error
}

func (w *writer) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *writer) arrayLen(n int) { w.keep(w.e.EncodeArrayLen(n)) }
func (w *writer) str(s string)   { w.keep(w.e.EncodeString(s)) }
func (w *writer) uint(u uint64)  { w.keep(w.e.EncodeUint(u)) }
func (w *writer) bytes(b []byte) { w.keep(w.e.EncodeBytes(b)) }
func (w *writer) boolean(b bool) { w.keep(w.e.EncodeBool(b)) }
func (w *writer) subtrace(s Subtrace) {
	w.uint(uint64(s.Pos))
	w.uint(uint64(s.Len))
}

func (w *writer) state(s State) {
	switch s := s.(type) {
	case *Par:
		w.arrayLen(3)
		w.uint(tagPar)
		w.uint(uint64(s.Left))
		w.uint(uint64(s.Right))
	case *Call:
		w.arrayLen(7)
		w.uint(tagCall)
		w.uint(uint64(s.Kind))
		w.str(s.Peer)
		w.boolean(s.HasID)
		w.uint(uint64(s.ID))
		w.str(string(s.CID))
		w.uint(uint64(s.Gen))
	case *Fold:
		w.arrayLen(2)
		w.uint(tagFold)
		w.arrayLen(len(s.Lore))
		for _, it := range s.Lore {
			w.arrayLen(5)
			w.uint(uint64(it.ValuePos))
			w.subtrace(it.Before)
			w.subtrace(it.After)
		}
	case *Ap:
		w.arrayLen(2)
		w.uint(tagAp)
		w.uint(uint64(s.Gen))
	case *Canon:
		w.arrayLen(4)
		w.uint(tagCanon)
		w.boolean(s.Sent)
		w.str(s.Peer)
		w.str(string(s.CID))
	default:
		w.keep(fmt.Errorf("unknown state %T", s))
	}
}

// Decode reads data written by Encode. Empty input is empty data. Decode
// checks the format and the integrity of the stores (every reference
// resolves), but not signatures: see VerifySignatures.
func Decode(b []byte) (*Data, error) {
	return decode(b, false)
}

// DecodeOwn is Decode for data this peer encoded itself, such as its
// data of a particle's last run: the data a peer already trusts without
// checking its signatures. Stored values are taken as the canonical JSON
// Encode wrote, not parsed and written again to find their CIDs; a value
// that is not canonical gets a CID no reference names, and fails as a
// missing value where it is used.
func DecodeOwn(b []byte) (*Data, error) {
	return decode(b, true)
}

func decode(b []byte, own bool) (*Data, error) {
	if len(b) == 0 {
		return New(), nil
	}
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	r := reader{r: bytes.NewReader(b), d: dec, own: own}
	dec.Reset(r.r)
	d, err := r.data()
	if err != nil {
		return nil, err
	}
	if r.r.Len() != 0 {
		return nil, fmt.Errorf("decode data: %d bytes after the end", r.r.Len())
	}
	return d, nil
}

type reader struct {
	r *bytes.Reader
	d *msgpack.Decoder
	// own says the data is this peer's: its values are canonical.
	own bool
}

// arrayLen reads an array header of exactly want elements, or of any
// length when want < 0. Every element takes at least one byte, so a
// length beyond the remaining input is refused before anything is
// allocated for it.
func (r *reader) arrayLen(what string, want int) (int, error) {
	n, err := r.d.DecodeArrayLen()
	if err != nil {
		return 0, fmt.Errorf("decode data: %s: %w", what, err)
	}
	if n < 0 {
		n = 0
	}
	if want >= 0 && n != want {
		return 0, fmt.Errorf("decode data: %s has %d fields, want %d", what, n, want)
	}
	if n > r.r.Len() {
		return 0, fmt.Errorf("decode data: %s claims %d elements but only %d bytes remain", what, n, r.r.Len())
	}
	return n, nil
}

func (r *reader) str(what string) (string, error) {
	s, err := r.d.DecodeString()
	if err != nil {
		return "", fmt.Errorf("decode data: %s: %w", what, err)
	}
	return s, nil
}

func (r *reader) bytes(what string) ([]byte, error) {
	b, err := r.d.DecodeBytes()
	if err != nil {
		return nil, fmt.Errorf("decode data: %s: %w", what, err)
	}
	return b, nil
}

func (r *reader) u32(what string) (uint32, error) {
	u, err := r.d.DecodeUint64()
	if err != nil {
		return 0, fmt.Errorf("decode data: %s: %w", what, err)
	}
	if u > 1<<32-1 {
		return 0, fmt.Errorf("decode data: %s: %d does not fit in 32 bits", what, u)
	}
	return uint32(u), nil
}

func (r *reader) boolean(what string) (bool, error) {
	v, err := r.d.DecodeBool()
	if err != nil {
		return false, fmt.Errorf("decode data: %s: %w", what, err)
	}
	return v, nil
}

func (r *reader) data() (*Data, error) {
	n, err := r.d.DecodeArrayLen()
	if err != nil || n < 2 {
		return nil, ErrNotData
	}
	if m, err := r.d.DecodeString(); err != nil || m != magic {
		return nil, ErrNotData
	}
	version, err := r.d.DecodeUint64()
	if err != nil {
		return nil, ErrNotData
	}
	if version != FormatVersion {
		return nil, fmt.Errorf("%w %d: this build reads version %d", ErrUnsupportedVersion, version, FormatVersion)
	}
	if n != 11 {
		return nil, fmt.Errorf("decode data: %d top-level fields, want 11", n)
	}
	d := New()
	if d.InterpreterVersion, err = r.str("interpreter version"); err != nil {
		return nil, err
	}
	if d.LastCallID, err = r.u32("last call id"); err != nil {
		return nil, err
	}
	if err := r.trace(d); err != nil {
		return nil, err
	}
	if err := r.stores(&d.Stores); err != nil {
		return nil, err
	}
	if err := r.signatures(d); err != nil {
		return nil, err
	}
	return d, nil
}

func (r *reader) trace(d *Data) error {
	n, err := r.arrayLen("trace", -1)
	if err != nil {
		return err
	}
	d.Trace = make([]State, 0, n)
	for i := range n {
		s, err := r.state()
		if err != nil {
			return fmt.Errorf("state %d: %w", i, err)
		}
		d.Trace = append(d.Trace, s)
	}
	return nil
}

func (r *reader) state() (State, error) {
	n, err := r.arrayLen("state", -1)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("decode data: empty state")
	}
	tag, err := r.d.DecodeUint64()
	if err != nil {
		return nil, fmt.Errorf("decode data: state tag: %w", err)
	}
	if want := stateFields(tag); want != n {
		return nil, fmt.Errorf("decode data: state with tag %d and %d fields", tag, n)
	}
	switch tag {
	case tagPar:
		var p Par
		if p.Left, err = r.u32("par left"); err != nil {
			return nil, err
		}
		if p.Right, err = r.u32("par right"); err != nil {
			return nil, err
		}
		return &p, nil
	case tagCall:
		return r.call()
	case tagFold:
		return r.fold()
	case tagAp:
		g, err := r.u32("ap generation")
		return &Ap{Gen: g}, err
	default:
		var c Canon
		if c.Sent, err = r.boolean("canon sent"); err != nil {
			return nil, err
		}
		if c.Peer, err = r.str("canon peer"); err != nil {
			return nil, err
		}
		cid, err := r.str("canon cid")
		c.CID = CID(cid)
		return &c, err
	}
}

// stateFields returns how many fields a state with tag has, or -1 for an
// unknown tag.
func stateFields(tag uint64) int {
	switch tag {
	case tagPar:
		return 3
	case tagCall:
		return 7
	case tagFold, tagAp:
		return 2
	case tagCanon:
		return 4
	}
	return -1
}

func (r *reader) call() (State, error) {
	var c Call
	kind, err := r.u32("call kind")
	if err != nil {
		return nil, err
	}
	if kind > uint32(CallFailed) {
		return nil, fmt.Errorf("decode data: unknown call kind %d", kind)
	}
	c.Kind = CallKind(kind)
	if c.Peer, err = r.str("call peer"); err != nil {
		return nil, err
	}
	if c.HasID, err = r.boolean("call has id"); err != nil {
		return nil, err
	}
	if c.ID, err = r.u32("call id"); err != nil {
		return nil, err
	}
	cid, err := r.str("call cid")
	if err != nil {
		return nil, err
	}
	c.CID = CID(cid)
	if c.Gen, err = r.u32("call generation"); err != nil {
		return nil, err
	}
	return &c, nil
}

func (r *reader) fold() (State, error) {
	n, err := r.arrayLen("fold lore", -1)
	if err != nil {
		return nil, err
	}
	f := &Fold{Lore: make([]Iteration, 0, n)}
	for range n {
		if _, err := r.arrayLen("fold iteration", 5); err != nil {
			return nil, err
		}
		var it Iteration
		for _, p := range []*uint32{&it.ValuePos, &it.Before.Pos, &it.Before.Len, &it.After.Pos, &it.After.Len} {
			if *p, err = r.u32("fold iteration"); err != nil {
				return nil, err
			}
		}
		f.Lore = append(f.Lore, it)
	}
	return f, nil
}

func (r *reader) strs(what string, n int) ([]string, error) {
	if _, err := r.arrayLen(what, n); err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		s, err := r.str(what)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func (r *reader) stores(st *Stores) error {
	n, err := r.arrayLen("value store", -1)
	if err != nil {
		return err
	}
	for range n {
		text, err := r.bytes("stored value")
		if err != nil {
			return err
		}
		if r.own {
			st.Values[ComputeCID(text)] = text
			continue
		}
		v, err := value.Parse(text)
		if err != nil {
			return fmt.Errorf("decode data: stored value: %w", err)
		}
		st.AddValue(v)
	}
	if n, err = r.arrayLen("tetraplet store", -1); err != nil {
		return err
	}
	for range n {
		f, err := r.strs("tetraplet", 4)
		if err != nil {
			return err
		}
		st.AddTetraplet(Tetraplet{PeerPK: f[0], ServiceID: f[1], FunctionName: f[2], Lens: f[3]})
	}
	if n, err = r.arrayLen("service result store", -1); err != nil {
		return err
	}
	for range n {
		f, err := r.strs("service result", 3)
		if err != nil {
			return err
		}
		st.AddServiceResult(ServiceResult{ValueCID: CID(f[0]), ArgumentHash: CID(f[1]), TetrapletCID: CID(f[2])})
	}
	if n, err = r.arrayLen("canon element store", -1); err != nil {
		return err
	}
	for range n {
		if _, err := r.arrayLen("canon element", 4); err != nil {
			return err
		}
		var el CanonElement
		var s string
		if s, err = r.str("canon element value"); err != nil {
			return err
		}
		el.ValueCID = CID(s)
		if s, err = r.str("canon element tetraplet"); err != nil {
			return err
		}
		el.TetrapletCID = CID(s)
		kind, err := r.u32("provenance")
		if err != nil {
			return err
		}
		if kind > uint32(FromCanon) {
			return fmt.Errorf("decode data: unknown provenance %d", kind)
		}
		el.Provenance.Kind = ProvenanceKind(kind)
		if s, err = r.str("provenance cid"); err != nil {
			return err
		}
		el.Provenance.CID = CID(s)
		st.AddCanonElement(el)
	}
	if n, err = r.arrayLen("canon result store", -1); err != nil {
		return err
	}
	for range n {
		if _, err := r.arrayLen("canon result", 2); err != nil {
			return err
		}
		t, err := r.str("canon result tetraplet")
		if err != nil {
			return err
		}
		m, err := r.arrayLen("canon result values", -1)
		if err != nil {
			return err
		}
		vals := make([]CID, m)
		for i := range vals {
			s, err := r.str("canon result value")
			if err != nil {
				return err
			}
			vals[i] = CID(s)
		}
		st.AddCanonResult(CanonResult{TetrapletCID: CID(t), Values: vals})
	}
	return nil
}

func (r *reader) signatures(d *Data) error {
	n, err := r.arrayLen("signatures", -1)
	if err != nil {
		return err
	}
	for range n {
		if _, err := r.arrayLen("signature", 2); err != nil {
			return err
		}
		pub, err := r.bytes("public key")
		if err != nil {
			return err
		}
		sig, err := r.bytes("signature")
		if err != nil {
			return err
		}
		if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
			return fmt.Errorf("decode data: malformed signature entry (%d-byte key, %d-byte signature)", len(pub), len(sig))
		}
		id := string(peer.IDFromPublicKey(peer.Ed25519PublicKey(pub)))
		d.Signatures[id] = Signature{PublicKey: ed25519.PublicKey(pub), Sig: sig}
	}
	return nil
}
