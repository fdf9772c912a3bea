// Package nodestore keeps a node's state on disk with bbolt: the data of
// the particles in flight, so that a node restarted mid-particle merges
// what arrives with what it had, and a record of when each expires, so
// that a restarted node still forgets them on time.
package nodestore

import (
	"encoding/binary"
	"errors"
	"fmt"
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

// Store is a node.Store in a bbolt file.
type Store struct {
	db *bolt.DB
}

// Open opens (or creates) the store at path.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("nodestore: open %s: %w", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("nodestore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{dataBucket, deadlineBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("nodestore: init %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Load returns the data saved under key, or nil.
func (s *Store) Load(key string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(dataBucket).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// Save stores data under key.
func (s *Store) Save(key string, data []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(dataBucket).Put([]byte(key), data)
	})
}

// SetDeadline records when the particle under key expires, in Unix
// milliseconds.
func (s *Store) SetDeadline(key string, deadline uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(deadlineBucket).Put([]byte(key), binary.BigEndian.AppendUint64(nil, deadline))
	})
}

// Delete forgets key.
func (s *Store) Delete(key string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
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
	err := s.db.Update(func(tx *bolt.Tx) error {
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

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }
