package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// The inner data of the reference interpreter is an rkyv 0.7 archive,
// built with the features AquaVM 0.62 enables: `size_32` (lengths and
// relative pointers are 32 bits), `archive_be` (integers are big-endian)
// and `strict` (structs are laid out as #[repr(C)]). This file holds the
// layout rules both directions need; codec.go applies them to the types of
// the interpreter data.
//
// The rules, as rkyv's serializer applies them:
//
//   - Objects are written children first: a struct's out-of-line parts
//     (vector elements, boxed and shared values, long strings) are written
//     before the struct, in field order, and the root struct is written
//     last, so it ends the buffer.
//   - A relative pointer is a signed 32-bit offset from the pointer's own
//     position to its target; a pointer to a slice or str is followed by
//     the element count.
//   - Every object is aligned to its alignment (4 for everything here but
//     bytes, which need none); padding is zero.
//   - An enum is a u8 tag, then the variant's fields at their alignment.
//   - A String is 8 bytes: up to 7 bytes inline, followed by the length in
//     the last byte; or, for longer strings, the length (u32, big-endian)
//     and the offset of the bytes as a little-endian i32 (rkyv writes that
//     one offset little-endian whatever the features say). The sign bit of
//     the offset, the last byte's top bit, tells the two forms apart: the
//     bytes are always written before the string, so the offset is
//     negative.
//   - An Rc is a relative pointer to a value that several pointers may
//     share: the serializer writes a shared value once, at its first use.

// archiveAlign is the alignment of every archived struct of the
// interpreter data: their widest fields are 32-bit.
const archiveAlign = 4

// stringInline is how many bytes of a String fit inline.
const stringInline = 7

// builder appends an archive. Shared values (the Rc pointers of the
// reference's types) are written once per distinct content: the reference
// shares them by pointer identity, which a reader cannot tell from sharing
// by content.
type builder struct {
	// b holds the archive from base on: what comes before is room for
	// the envelope around it.
	b    []byte
	base int
	// rcStr holds where each shared str (CIDs, argument hashes) was
	// written, and rcString each shared String struct (peer ids).
	rcStr    map[string]uint32
	rcString map[string]uint32
}

// newBuilder returns a builder with room for an archive of sizeHint bytes
// holding about shared shared strs. It remembers those in rcStr, emptied,
// when that is not nil: the map of an earlier encoding of the same stores.
func newBuilder(sizeHint, shared int, rcStr map[string]uint32) *builder {
	if rcStr == nil {
		rcStr = make(map[string]uint32, shared)
	} else {
		clear(rcStr)
	}
	return &builder{
		b:        make([]byte, 0, sizeHint),
		rcStr:    rcStr,
		rcString: map[string]uint32{},
	}
}

func (w *builder) pos() uint32 { return uint32(len(w.b) - w.base) }

// align pads the buffer with zeros to the struct alignment.
func (w *builder) align() {
	for (len(w.b)-w.base)%archiveAlign != 0 {
		w.b = append(w.b, 0)
	}
}

// alloc aligns the buffer, appends n zero bytes and returns where they
// start: room for structs the caller fills in place.
func (w *builder) alloc(n int) uint32 {
	w.align()
	at := w.pos()
	w.b = append(w.b, make([]byte, n)...)
	return at
}

// raw appends unaligned bytes (a str or a byte slice) and returns where
// they start.
func (w *builder) raw(p []byte) uint32 {
	at := w.pos()
	w.b = append(w.b, p...)
	return at
}

func (w *builder) rawString(s string) uint32 {
	at := w.pos()
	w.b = append(w.b, s...)
	return at
}

// sharedStr writes the bytes of an Rc<str> the first time its content is
// seen and returns where they are.
func (w *builder) sharedStr(s string) uint32 {
	if at, ok := w.rcStr[s]; ok {
		return at
	}
	at := w.rawString(s)
	w.rcStr[s] = at
	return at
}

// sharedString writes an Rc<String>: the string's bytes when they do not
// fit inline, then the String struct; once per content.
func (w *builder) sharedString(s string) uint32 {
	if at, ok := w.rcString[s]; ok {
		return at
	}
	bytesAt := w.stringBytes(s)
	at := w.alloc(8)
	w.putString(at, s, bytesAt)
	w.rcString[s] = at
	return at
}

// stringBytes writes the out-of-line bytes of a String field, if it needs
// them, and returns where they are (0 for an inline string).
func (w *builder) stringBytes(s string) uint32 {
	if len(s) <= stringInline {
		return 0
	}
	return w.rawString(s)
}

// at returns the slice of the buffer from archive position p.
func (w *builder) at(p uint32) []byte { return w.b[w.base+int(p):] }

func (w *builder) putU32(p, v uint32) { binary.BigEndian.PutUint32(w.at(p), v) }

// putRel writes a relative pointer at at to target.
func (w *builder) putRel(at, target uint32) {
	binary.BigEndian.PutUint32(w.at(at), target-at)
}

// putTag writes an enum tag.
func (w *builder) putTag(p uint32, tag byte) { w.at(p)[0] = tag }

// putSlice writes a pointer to n elements at target (a slice, str or
// vector).
func (w *builder) putSlice(at, target uint32, n int) {
	w.putRel(at, target)
	w.putU32(at+4, uint32(n))
}

// putString writes a String struct at at, inline or pointing to bytesAt.
func (w *builder) putString(at uint32, s string, bytesAt uint32) {
	if len(s) <= stringInline {
		b := w.at(at)
		copy(b, s)
		b[stringInline] = byte(len(s))
		return
	}
	w.putU32(at, uint32(len(s)))
	binary.LittleEndian.PutUint32(w.at(at+4), bytesAt-at)
}

// ErrArchive reports an inner data archive that is malformed: a pointer
// out of bounds, a bad tag, a string that is not UTF-8, objects that
// overlap.
var ErrArchive = errors.New("malformed data archive")

// archive reads an archive. Every read is bounds-checked, and so that a
// small archive cannot make a reader do unbounded work, the bytes read
// through pointers are counted: a well-formed archive's objects do not
// overlap, except shared values, which are read once and remembered, so
// their total is at most the archive's size.
type archive struct {
	// b is the archive's own copy of the bytes it reads, and s the same
	// bytes as a string: the strings read from the archive are slices
	// of s, the byte slices (values, keys) slices of b capped at their
	// end, so that nothing appends into what follows. b is never written
	// once made, so the strings do not change.
	b []byte
	s string
	// budget is what remains of the bytes reads may still claim.
	budget int
	// strs remembers the shared str values read, by position.
	strs map[uint32]string
	// strings remembers the shared String structs read, by position.
	strings map[uint32]string
	// scratch holds the canonical text of the object whose CID is being
	// checked.
	scratch []byte
	// calls and pars are the trace's call and par states still to read.
	calls []Call
	pars  []Par
}

// newArchive makes an archive reader of a copy of b: what the data
// decoded from it holds must not change when the caller reuses b.
func newArchive(b []byte) *archive {
	b = bytes.Clone(b)
	return &archive{
		b:       b,
		s:       unsafe.String(unsafe.SliceData(b), len(b)),
		budget:  len(b),
		strs:    map[uint32]string{},
		strings: map[uint32]string{},
	}
}

func archiveErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrArchive, fmt.Sprintf(format, args...))
}

// claim charges n bytes of out-of-line reads against the budget.
func (a *archive) claim(n uint64, what string) error {
	if n > uint64(a.budget) {
		return archiveErr("%s: objects overlap or exceed the archive", what)
	}
	a.budget -= int(n)
	return nil
}

// struct checks that a struct of size bytes at at lies in the archive.
func (a *archive) fits(at uint32, size uint64, what string) error {
	if uint64(at)+size > uint64(len(a.b)) {
		return archiveErr("%s at %d: %d bytes past the end", what, at, uint64(at)+size-uint64(len(a.b)))
	}
	return nil
}

func (a *archive) u32(at uint32) uint32 { return binary.BigEndian.Uint32(a.b[at:]) }

func (a *archive) u8(at uint32) uint8 { return a.b[at] }

// rel resolves the relative pointer at at. The caller has checked that
// the pointer itself is in bounds.
func (a *archive) rel(at uint32, what string) (uint32, error) {
	t := int64(at) + int64(int32(a.u32(at)))
	if t < 0 || t > int64(len(a.b)) {
		return 0, archiveErr("%s at %d points outside the archive", what, at)
	}
	return uint32(t), nil
}

// slice resolves the pointer to n elements of size bytes at at, checks
// the elements lie in the archive and charges them. It returns where
// they start and how many there are.
func (a *archive) slice(at uint32, size uint64, what string) (uint32, int, error) {
	t, err := a.rel(at, what)
	if err != nil {
		return 0, 0, err
	}
	n := uint64(a.u32(at + 4))
	if err := a.fits(t, n*size, what); err != nil {
		return 0, 0, err
	}
	if err := a.claim(n*size, what); err != nil {
		return 0, 0, err
	}
	return t, int(n), nil
}

// bytes reads the byte slice pointed to at at.
func (a *archive) bytes(at uint32, what string) ([]byte, error) {
	t, n, err := a.slice(at, 1, what)
	if err != nil {
		return nil, err
	}
	return a.b[t : t+uint32(n) : t+uint32(n)], nil
}

// str reads a boxed str pointed to at at.
func (a *archive) str(at uint32, what string) (string, error) {
	t, n, err := a.slice(at, 1, what)
	if err != nil {
		return "", err
	}
	s := a.s[t : t+uint32(n)]
	if !utf8.ValidString(s) {
		return "", archiveErr("%s at %d is not UTF-8", what, t)
	}
	return s, nil
}

// sharedStr reads an Rc<str> pointed to at at; a value shared by several
// pointers is read and charged once.
func (a *archive) sharedStr(at uint32, what string) (string, error) {
	t, err := a.rel(at, what)
	if err != nil {
		return "", err
	}
	if s, ok := a.strs[t]; ok && len(s) == int(a.u32(at+4)) {
		return s, nil
	}
	s, err := a.str(at, what)
	if err != nil {
		return "", err
	}
	a.strs[t] = s
	return s, nil
}

// string reads a String struct at at.
func (a *archive) string(at uint32, what string) (string, error) {
	if err := a.fits(at, 8, what); err != nil {
		return "", err
	}
	last := a.b[at+stringInline]
	if last&0x80 == 0 {
		if last > stringInline {
			return "", archiveErr("%s at %d: inline length %d", what, at, last)
		}
		s := a.s[at : at+uint32(last)]
		if !utf8.ValidString(s) {
			return "", archiveErr("%s at %d is not UTF-8", what, at)
		}
		return s, nil
	}
	n := uint64(a.u32(at))
	t := int64(at) + int64(int32(binary.LittleEndian.Uint32(a.b[at+4:])))
	if t < 0 || uint64(t)+n > uint64(len(a.b)) {
		return "", archiveErr("%s at %d points outside the archive", what, at)
	}
	if err := a.claim(n, what); err != nil {
		return "", err
	}
	s := a.s[t : uint64(t)+n]
	if !utf8.ValidString(s) {
		return "", archiveErr("%s at %d is not UTF-8", what, t)
	}
	return s, nil
}

// sharedString reads an Rc<String> pointed to at at.
func (a *archive) sharedString(at uint32, what string) (string, error) {
	t, err := a.rel(at, what)
	if err != nil {
		return "", err
	}
	if s, ok := a.strings[t]; ok {
		return s, nil
	}
	if err := a.claim(8, what); err != nil {
		return "", err
	}
	s, err := a.string(t, what)
	if err != nil {
		return "", err
	}
	a.strings[t] = s
	return s, nil
}
