package node

import (
	"sync"
	"time"
)

// Store keeps each particle's interpreter data on this peer between hops,
// under a key naming the particle (its id and signature).
type Store interface {
	// Load returns the data saved under key, or nil if there is none.
	Load(key string) ([]byte, error)
	Save(key string, data []byte) error
	Delete(key string) error
}

// Expirer is a Store that keeps particles' deadlines, because it outlives
// the node process: a restarted node has no actors to reap, so the store
// forgets expired particles itself when the node asks.
type Expirer interface {
	SetDeadline(key string, deadline uint64) error
	Expire(now time.Time) (int, error)
}

// MemoryStore is a Store in memory, for tests and the local network.
type MemoryStore struct {
	mu   sync.Mutex
	data map[string][]byte
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{data: map[string][]byte{}} }

func (s *MemoryStore) Load(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data[key], nil
}

func (s *MemoryStore) Save(key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = data
	return nil
}

func (s *MemoryStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.data, key)
	return nil
}

// Len returns how many particles have data in the store.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data)
}
