package nodestore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// A node reads its store back when it restarts, from a file that may be
// truncated or damaged. This file checks the two meta pages bbolt reads
// on opening, and turns the faults of reading the rest into errors.

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
	freelist uint64 // the freelist's page
	txid     uint64
}

// checkHeader reads the two meta pages of the bbolt file f of size bytes,
// as bbolt does when it opens the file read-only, and checks what bbolt
// would follow without looking: that one of them is valid and that its
// page size is one bbolt writes and fits the file twice.
func checkHeader(f io.ReaderAt, size int64) error {
	if size < 2*minPageSize {
		return corrupt("the file is %d bytes, too short for the two meta pages", size)
	}
	var reasons []string
	first, err := readMeta(f, 0)
	if err == nil {
		err = checkPageSize(first, size)
	}
	if err == nil {
		return nil
	}
	reasons = append(reasons, "meta 0: "+err.Error())
	// bbolt reads the second meta one page in, of the system's page size
	// when the first is unreadable.
	second, err := readMeta(f, int64(os.Getpagesize()))
	if err == nil {
		err = checkPageSize(second, size)
	}
	if err == nil {
		return nil
	}
	reasons = append(reasons, "meta 1: "+err.Error())
	return corrupt("no valid meta page (%s)", strings.Join(reasons, "; "))
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
