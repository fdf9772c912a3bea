// Package nodestore keeps a node's state on disk with bbolt: the data of
// the particles in flight, so that a node restarted mid-particle merges
// what arrives with what it had, and a record of when each expires, so
// that a restarted node still forgets them on time.
package nodestore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

var (
	dataBucket     = []byte("particle-data")
	deadlineBucket = []byte("particle-deadline")
)

// ErrInUse is the error of a store another process has open: bbolt
// locks its file for one process at a time.
var ErrInUse = errors.New("another process has it open")

// noSyncForTests skips fsync on commits. Only FuzzOpen sets it: it opens
// thousands of stores a minute and throws them away.
var noSyncForTests bool

// Store is a node.Store in a bbolt file.
type Store struct {
	db *bolt.DB
}

// Open opens (or creates) the store at path.
//
// bbolt trusts the file it opens: it follows its page numbers and
// lengths without checking them against the file, so a damaged file makes
// it read past its mapping (a fault that kills the process), allocate
// what a length field says, or corrupt memory when it writes. So Open
// never writes to the file it finds: it reads it once, read-only, with
// faults turned into errors, and writes the particles it holds into a
// fresh file that takes its place. A file that cannot be read through
// (truncated, overwritten, damaged) is moved aside, to path.corrupt-TIME,
// and the fresh store holds what could be read before the damage. An
// entry wrong by itself (a deadline that is not 8 bytes or is past any a
// particle can have, data without a deadline, which would never expire)
// is left out. log hears of each, with the reason; nil discards it.
//
// The copy costs a read and a write of the store at each start; the
// store holds only the particles in flight.
func Open(path string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s, err := open(path, log)
	if err != nil {
		return nil, fmt.Errorf("nodestore: open %s: %w", path, err)
	}
	return s, nil
}

func open(path string, log *slog.Logger) (*Store, error) {
	kept, err := read(path, log)
	var bad *corruptError
	if errors.As(err, &bad) {
		aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().UTC().Format("20060102T150405.000"))
		if err := os.Rename(path, aside); err != nil {
			return nil, fmt.Errorf("%w; moving it aside: %v", bad, err)
		}
		log.Warn("particle store damaged: moved aside, a fresh one holds what could be read",
			"reason", bad.reason, "moved_to", aside, "particles_kept", len(kept))
	} else if err != nil {
		return nil, err
	}
	if err := rewrite(path, kept); err != nil {
		return nil, err
	}
	db, err := openBolt(path, nil)
	if err != nil {
		return nil, err
	}
	return &Store{db: db}, nil
}

// storedParticle is a particle's entries, copied out of a store file.
type storedParticle struct{ key, data, deadline []byte }

// read returns the particles of the store file at path, none if there is
// no file. An error that is a *corruptError says why the file could not
// be read through; the particles are those read before it.
func read(path string, log *slog.Logger) ([]storedParticle, error) {
	size, err := checkFile(path)
	if err != nil || size == 0 {
		return nil, err
	}
	// A read-only open maps the file and reads its meta pages, not its
	// freelist.
	db, err := openBolt(path, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	var pathErr *fs.PathError
	switch {
	case err == nil:
	case errors.Is(err, ErrInUse), errors.As(err, &pathErr):
		return nil, err
	default: // bbolt refuses the file: "file size too small", ...
		return nil, corrupt("%v", err)
	}
	defer db.Close()
	var kept []storedParticle
	err = guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			return readTx(tx, size, log, &kept)
		})
	})
	return kept, err
}

// readTx copies the particles of tx into kept, checking each entry and
// the order of the keys; size, the file's, bounds what it copies.
func readTx(tx *bolt.Tx, size int64, log *slog.Logger, kept *[]storedParticle) error {
	// Buckets can nest, and nesting can loop: a store of ours holds its
	// two buckets and nothing else.
	err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if !bytes.Equal(name, dataBucket) && !bytes.Equal(name, deadlineBucket) {
			return corrupt("a bucket %s, which this store never writes", quote(name))
		}
		return nil
	})
	if err != nil {
		return err
	}
	data, deadlines := tx.Bucket(dataBucket), tx.Bucket(deadlineBucket)
	if data == nil {
		return nil
	}
	latest := latestDeadline(time.Now())
	// Every entry is charged its length before its bytes are read: a
	// damaged page claims lengths past the file, and the file cannot
	// hold more than its size.
	budget := size
	charge := func(n int) error {
		if budget -= int64(n); budget < 0 {
			return corrupt("it holds more than its %d bytes: the pages overlap or loop", size)
		}
		return nil
	}
	c := data.Cursor()
	var prev []byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := charge(len(k) + len(v)); err != nil {
			return err
		}
		// Keys come in order, each once, unless the pages overlap or
		// loop.
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return corrupt("key %s after %s, out of order: the pages overlap or loop", quote(k), quote(prev))
		}
		prev = k
		if v == nil {
			return corrupt("a nested bucket %s, which this store never writes", quote(k))
		}
		var d []byte
		if deadlines != nil {
			d = deadlines.Get(k)
		}
		if err := charge(len(d)); err != nil {
			return err
		}
		problem := "particle data without a deadline, which would never expire"
		if d != nil {
			problem = deadlineProblem(d, latest)
		}
		if problem != "" {
			log.Warn("particle store: leaving out a bad entry", "key", quote(k), "reason", problem)
			continue
		}
		*kept = append(*kept, storedParticle{bytes.Clone(k), bytes.Clone(v), bytes.Clone(d)})
	}
	return nil
}

// quote writes a key of a damaged file for a message: quoted, and cut
// to its first 64 bytes, however long the file says it is.
func quote(b []byte) string {
	const most = 64
	if len(b) > most {
		return fmt.Sprintf("%q… (%d bytes)", b[:most], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// rewrite writes the particles into a fresh store file that replaces the
// one at path.
func rewrite(path string, kept []storedParticle) error {
	tmp := path + ".new"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	db, err := openBolt(tmp, nil)
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		data, err := tx.CreateBucket(dataBucket)
		if err != nil {
			return err
		}
		deadlines, err := tx.CreateBucket(deadlineBucket)
		if err != nil {
			return err
		}
		for _, p := range kept {
			if err := data.Put(p.key, p.data); err != nil {
				return err
			}
			if err := deadlines.Put(p.key, p.deadline); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	return os.Rename(tmp, path)
}

// latestDeadline is the latest deadline, in Unix milliseconds, that a
// particle stored by now can have: its TTL is at most 2^32 ms (49 days),
// counted from a timestamp a node accepts only slightly ahead of its
// clock, given here a day. A later one would keep its data forever.
func latestDeadline(now time.Time) uint64 {
	return uint64(max(now.UnixMilli(), 0)) + math.MaxUint32 + uint64((24 * time.Hour).Milliseconds())
}

// deadlineProblem says what is wrong with a stored deadline, "" if
// nothing is.
func deadlineProblem(v []byte, latest uint64) string {
	if len(v) != 8 {
		return fmt.Sprintf("a deadline of %d bytes, not 8", len(v))
	}
	if d := binary.BigEndian.Uint64(v); d > latest {
		return fmt.Sprintf("a deadline of %d, past any a particle can have (%d)", d, latest)
	}
	return ""
}

// checkFile returns the size of the file at path, 0 if there is none or
// it is empty, and checks the header of a file that is there.
func checkFile(path string) (int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return 0, err
	}
	return fi.Size(), checkHeader(f, fi.Size())
}

// openBolt opens the bbolt file at path, with faults in its reading
// turned into a *corruptError.
func openBolt(path string, opts *bolt.Options) (*bolt.DB, error) {
	o := bolt.Options{Timeout: time.Second}
	if opts != nil {
		o = *opts
	}
	o.NoSync = o.NoSync || noSyncForTests
	var db *bolt.DB
	err := guard(func() (err error) {
		db, err = bolt.Open(path, 0o600, &o)
		return err
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrInUse
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, corrupt("%v", err)
	}
	return db, err
}

// Load returns the data saved under key, or nil.
func (s *Store) Load(key string) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(dataBucket).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// Save stores data under key.
func (s *Store) Save(key string, data []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(dataBucket).Put([]byte(key), data)
	})
}

// SetDeadline records when the particle under key expires, in Unix
// milliseconds.
func (s *Store) SetDeadline(key string, deadline uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(deadlineBucket).Put([]byte(key), binary.BigEndian.AppendUint64(nil, deadline))
	})
}

// Delete forgets key.
func (s *Store) Delete(key string) error {
	return s.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(dataBucket).Delete([]byte(key)); err != nil {
			return err
		}
		return tx.Bucket(deadlineBucket).Delete([]byte(key))
	})
}

// Expire deletes every particle whose deadline is before now and returns
// how many it deleted.
func (s *Store) Expire(now time.Time) (int, error) {
	n := 0
	ms := uint64(max(now.UnixMilli(), 0))
	err := s.update(func(tx *bolt.Tx) error {
		data, deadlines := tx.Bucket(dataBucket), tx.Bucket(deadlineBucket)
		var dead [][]byte
		err := deadlines.ForEach(func(k, v []byte) error {
			if len(v) == 8 && binary.BigEndian.Uint64(v) < ms {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := data.Delete(k); err != nil {
				return err
			}
			if err := deadlines.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// view and update are bbolt's, with its panics (assertions about a
// damaged page) and faults returned as errors: damage that Open could not
// see fails one call rather than the node.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return guard(func() error { return s.db.View(fn) })
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	return guard(func() error { return s.db.Update(fn) })
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }
