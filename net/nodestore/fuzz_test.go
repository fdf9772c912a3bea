package nodestore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FuzzOpen opens arbitrary bytes as the store of a node restarted on its
// data directory. Opening must neither panic nor fault, must allocate no
// more than a bound proportional to the file, and must end with a store
// that works and in which every particle will expire: a damaged file is
// moved aside, not an error.
func FuzzOpen(f *testing.F) {
	f.Add(goodStore(f))
	f.Add(goodStore(f)[:1024])
	f.Add(hugeFreelist(f, goodStore(f)))
	f.Add([]byte{})
	noSyncForTests = true
	f.Cleanup(func() { noSyncForTests = false })
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(t.TempDir(), "particles.db")
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := Open(path, nil)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		// bbolt's own buffers are a few pages, at most half the file
		// each; the rest is what the file holds, copied at most twice.
		if alloc, bound := after.TotalAlloc-before.TotalAlloc, uint64(16*len(file)+4<<20); alloc > bound {
			t.Fatalf("Open of a %d-byte file allocated %d bytes, over %d", len(file), alloc, bound)
		}
		if err := s.Save("fresh", []byte("data")); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if err := s.SetDeadline("fresh", 1); err != nil {
			t.Fatalf("SetDeadline: %v", err)
		}
		if _, err := s.Expire(time.UnixMilli(1 << 62)); err != nil {
			t.Fatalf("Expire: %v", err)
		}
		err = s.db.View(func(tx *bolt.Tx) error {
			if k, _ := tx.Bucket(dataBucket).Cursor().First(); k != nil {
				return fmt.Errorf("particle %q outlives every deadline", k)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestDamagedStoreIsMovedAside opens a truncated store, one whose
// freelist claims 2^40 pages, and a file that is no store: the damaged
// ones are moved aside with the reason logged, and what can be read is
// kept. The freelist is never read, so the second is whole.
func TestDamagedStoreIsMovedAside(t *testing.T) {
	for _, tc := range []struct {
		name   string
		file   []byte
		reason string // "" if the file is not moved aside
		kept   []string
	}{
		{"truncated", goodStore(t)[:1024], "outside the file", nil},
		{"freelist count past the end", hugeFreelist(t, goodStore(t)), "", []string{"p1/sig", "p2/sig"}},
		{"not a store", bytes.Repeat([]byte("aquarium"), 1024), "no valid meta page", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "particles.db")
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			s, err := Open(path, slog.New(slog.NewTextHandler(&log, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			aside, _ := filepath.Glob(path + ".corrupt-*")
			if tc.reason == "" {
				if len(aside) != 0 || log.Len() != 0 {
					t.Errorf("a readable store was moved aside to %v; log %q", aside, log.String())
				}
			} else {
				if !strings.Contains(log.String(), "moved aside") || !strings.Contains(log.String(), tc.reason) {
					t.Errorf("log %q, want it to say the store was moved aside because %q", log.String(), tc.reason)
				}
				if len(aside) != 1 {
					t.Fatalf("files moved aside: %v, want one", aside)
				}
				if b, _ := os.ReadFile(aside[0]); !bytes.Equal(b, tc.file) {
					t.Error("the file moved aside is not the damaged one")
				}
			}
			for _, key := range []string{"p1/sig", "p2/sig"} {
				got, err := s.Load(key)
				if err != nil {
					t.Fatal(err)
				}
				if want := containsKey(tc.kept, key); want != (got != nil) {
					t.Errorf("Load(%s) = %q, want it kept: %v", key, got, want)
				}
			}
			if err := s.Save("p3/sig", []byte("data-3")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBadEntriesAreDeleted opens a store with a deadline of the wrong size
// and data without a deadline beside a good particle: the bad entries go,
// each with its reason logged, and the good particle stays.
func TestBadEntriesAreDeleted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "particles.db")
	writeStore(t, path, 0, func(data, deadlines *bolt.Bucket) {
		put(t, data, "good", "data-1")
		put(t, deadlines, "good", string(binary.BigEndian.AppendUint64(nil, 1000)))
		put(t, data, "short-deadline", "data-2")
		put(t, deadlines, "short-deadline", "abc")
		put(t, data, "no-deadline", "data-3")
	})
	var log bytes.Buffer
	s, err := Open(path, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for key, reason := range map[string]string{
		"short-deadline": "a deadline of 3 bytes, not 8",
		"no-deadline":    "particle data without a deadline",
	} {
		if !strings.Contains(log.String(), key) || !strings.Contains(log.String(), reason) {
			t.Errorf("log %q does not say %s was deleted for %q", log.String(), key, reason)
		}
		if got, _ := s.Load(key); got != nil {
			t.Errorf("Load(%s) = %q after Open, want it deleted", key, got)
		}
	}
	if got, _ := s.Load("good"); string(got) != "data-1" {
		t.Errorf("Load(good) = %q, want data-1", got)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Errorf("a store with bad entries only was moved aside: %v", aside)
	}
}

func containsKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// goodStore is the file of a store holding two particles, with pages of
// 512 bytes to keep the fuzz seeds small.
func goodStore(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.db")
	writeStore(t, path, 512, func(data, deadlines *bolt.Bucket) {
		for i, key := range []string{"p1/sig", "p2/sig"} {
			put(t, data, key, fmt.Sprintf("data-%d", i+1))
			put(t, deadlines, key, string(binary.BigEndian.AppendUint64(nil, uint64(1000*(i+1)))))
		}
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeStore writes a store file at path with raw bbolt, so that it can
// hold what Store would never write; pageSize 0 is bbolt's default.
func writeStore(t testing.TB, path string, pageSize int, fill func(data, deadlines *bolt.Bucket)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: pageSize})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		data, err := tx.CreateBucket(dataBucket)
		if err != nil {
			return err
		}
		deadlines, err := tx.CreateBucket(deadlineBucket)
		if err != nil {
			return err
		}
		fill(data, deadlines)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func put(t testing.TB, b *bolt.Bucket, k, v string) {
	t.Helper()
	if err := b.Put([]byte(k), []byte(v)); err != nil {
		t.Fatal(err)
	}
}

// hugeFreelist returns the store file with its freelist page claiming
// 2^40 free pages, a count bbolt, opening the file to write, would read
// and allocate for as it is.
func hugeFreelist(t testing.TB, file []byte) []byte {
	t.Helper()
	file = bytes.Clone(file)
	m, err := currentMeta(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	off := m.freelist * m.pageSize
	binary.NativeEndian.PutUint16(file[off+10:], 0xFFFF)
	binary.NativeEndian.PutUint64(file[off+pageHeaderSize:], 1<<40)
	return file
}

// TestRootEntryClaimingGigabytes opens a store whose root bucket's first
// entry claims a value of 64 MB: bbolt would copy it by that length
// before any read faults (4 GB for the largest claim). The store is moved
// aside, having cost what the file holds.
func TestRootEntryClaimingGigabytes(t *testing.T) {
	file := goodStore(t)
	m, err := currentMeta(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	elem := m.root*m.pageSize + pageHeaderSize
	binary.NativeEndian.PutUint32(file[elem+12:], 64<<20)
	path := filepath.Join(t.TempDir(), "particles.db")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := Open(path, slog.New(slog.NewTextHandler(&log, nil)))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.Contains(log.String(), "lies outside it") {
		t.Errorf("log %q, want the store moved aside for an entry outside its page", log.String())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("opening a %d-byte store allocated %d bytes", len(file), alloc)
	}
}
