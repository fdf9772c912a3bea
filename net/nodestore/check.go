package nodestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"slices"
)

// A node reads its store back when it restarts, from a file that may be
// truncated or damaged. This file checks the two meta pages bbolt reads
// on opening and the pages of the root bucket, whose entries bbolt copies
// by the length they claim, and turns the faults of reading the rest into
// errors.

// corruptError says why a store file cannot be used as it is.
type corruptError struct{ reason string }

func (e *corruptError) Error() string { return "corrupt store: " + e.reason }

func corrupt(format string, args ...any) error {
	return &corruptError{reason: fmt.Sprintf(format, args...)}
}

// bbolt's file format (go.etcd.io/bbolt/internal/common): every page
// starts with a header, the first two pages hold a meta each.
const (
	pageHeaderSize = 16 // id uint64, flags uint16, count uint16, overflow uint32
	metaSize       = 64 // up to and with the checksum
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	minPageSize    = 512
	maxPageSize    = 1 << 20
)

// meta is what a meta page says of the file.
type meta struct {
	pageSize uint64
	root     uint64 // the root bucket's page
	freelist uint64 // the freelist's page
	txid     uint64
}

// checkHeader reads the two meta pages of the bbolt file f of size bytes,
// as bbolt does when it opens the file read-only, and checks what bbolt
// would follow without looking: that one of them is valid, that its page
// size is one bbolt writes and fits the file twice, and the pages of its
// root bucket (checkRoot).
func checkHeader(f io.ReaderAt, size int64) error {
	if size < 2*minPageSize {
		return corrupt("the file is %d bytes, too short for the two meta pages", size)
	}
	m, err := currentMeta(f, size)
	if err != nil {
		return err
	}
	return checkRoot(f, size, m)
}

func checkPageSize(m meta, size int64) error {
	ps := m.pageSize
	if ps < minPageSize || ps > maxPageSize || ps&(ps-1) != 0 {
		return fmt.Errorf("page size %d", ps)
	}
	if int64(2*ps) > size {
		return fmt.Errorf("the file is %d bytes, too short for two %d-byte meta pages", size, ps)
	}
	return nil
}

// currentMeta returns the meta page bbolt goes by: of the valid ones, the
// one of the later transaction. The second is one page in, of the size
// the first says, or of the system's when the first is unreadable.
func currentMeta(f io.ReaderAt, size int64) (meta, error) {
	first, err0 := readMeta(f, 0)
	if err0 == nil {
		err0 = checkPageSize(first, size)
	}
	at := int64(os.Getpagesize())
	if err0 == nil {
		at = int64(first.pageSize)
	}
	second, err1 := readMeta(f, at)
	if err1 == nil {
		err1 = checkPageSize(second, size)
	}
	switch {
	case err0 == nil && (err1 != nil || first.txid >= second.txid):
		return first, nil
	case err1 == nil:
		return second, nil
	}
	return meta{}, corrupt("no valid meta page (meta 0: %v; meta 1: %v)", err0, err1)
}

// Page flags and element sizes of bbolt's format.
const (
	branchPage  = 0x01
	leafPage    = 0x02
	elementSize = 16 // leaf: flags, pos, ksize, vsize; branch: pos, ksize, pgid
)

// checkRoot walks the pages of the root bucket of m, from its root page
// through its branch pages to its leaves, and checks that every element
// lies within its page and every page within the file. bbolt opens each
// entry of the root bucket as a bucket and, where the entry is not
// aligned, copies it by the length it claims: a damaged length of 4 GB
// would be 4 GB allocated before any read faults.
func checkRoot(f io.ReaderAt, size int64, m meta) error {
	ps := int64(m.pageSize)
	seen := map[uint64]bool{}
	todo := []uint64{m.root}
	var page []byte
	for len(todo) > 0 {
		id := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[id] {
			return corrupt("the root bucket's pages loop back to page %d", id)
		}
		seen[id] = true
		if id < 2 || id >= uint64(size/ps) {
			return corrupt("the root bucket points to page %d, outside the file's %d pages", id, size/ps)
		}
		var h [pageHeaderSize]byte
		if _, err := f.ReadAt(h[:], int64(id)*ps); err != nil {
			return corrupt("page %d unreadable: %v", id, err)
		}
		le := binary.NativeEndian
		flags, count, overflow := le.Uint16(h[8:]), int64(le.Uint16(h[10:])), int64(le.Uint32(h[12:]))
		extent := (overflow + 1) * ps
		if int64(id)*ps+extent > size {
			return corrupt("page %d of %d pages runs past the end of the file", id, overflow+1)
		}
		if pageHeaderSize+count*elementSize > extent {
			return corrupt("page %d: %d elements do not fit in it", id, count)
		}
		page = slices.Grow(page[:0], int(extent))[:extent]
		if _, err := f.ReadAt(page, int64(id)*ps); err != nil {
			return corrupt("page %d unreadable: %v", id, err)
		}
		for i := range count {
			at := pageHeaderSize + i*elementSize
			e := page[at:]
			switch flags {
			case branchPage:
				if at+int64(le.Uint32(e[0:]))+int64(le.Uint32(e[4:])) > extent {
					return corrupt("page %d: branch element %d lies outside it", id, i)
				}
				todo = append(todo, le.Uint64(e[8:]))
			case leafPage:
				if at+int64(le.Uint32(e[4:]))+int64(le.Uint32(e[8:]))+int64(le.Uint32(e[12:])) > extent {
					return corrupt("page %d: entry %d of the root bucket lies outside it", id, i)
				}
			default:
				return corrupt("page %d of the root bucket is neither a branch nor a leaf (flags %#x)", id, flags)
			}
		}
	}
	return nil
}

// readMeta reads and validates the meta page at off.
func readMeta(f io.ReaderAt, off int64) (meta, error) {
	var b [pageHeaderSize + metaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return meta{}, fmt.Errorf("unreadable: %w", err)
	}
	m := b[pageHeaderSize:]
	le := binary.NativeEndian // bbolt writes the host's byte order
	switch {
	case le.Uint32(m[0:]) != boltMagic:
		return meta{}, errors.New("not a bbolt meta page")
	case le.Uint32(m[4:]) != boltVersion:
		return meta{}, fmt.Errorf("version %d, want %d", le.Uint32(m[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return meta{}, errors.New("checksum mismatch")
	}
	return meta{
		pageSize: uint64(le.Uint32(m[8:])),
		root:     le.Uint64(m[16:]),
		freelist: le.Uint64(m[32:]),
		txid:     le.Uint64(m[48:]),
	}, nil
}

// guard runs fn with memory faults turned into panics, as the runtime
// allows for memory-mapped files, and returns any panic as an error: a
// fault in bbolt's reading of a damaged file then fails this call rather
// than the process.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = corrupt("reading it failed: %v", r)
		}
	}()
	return fn()
}
