package aqua

import (
	"cmp"
	"slices"
	"sync"
)

// A Memo is where a back end keeps what it made of a Workspace's
// programs for the Workspace's later compilations, as the Workspace
// keeps checked modules: the code generator keeps the AIR of each
// exported function there, so that a warm compilation generates again
// only the functions whose source, or the source of something they
// use, changed.
//
// A key must name everything its value was made from: the Memo cannot
// tell a stale value from a fresh one. Values are shared, read only,
// by every compilation that finds them.
//
// A Memo is safe for concurrent use. It keeps at most memoEntries
// values: when it is full, the eighth of them used least recently go.
type Memo struct {
	mu      sync.Mutex
	clock   uint64
	entries map[string]*memoEntry
}

// memoEntries is how many values a Memo keeps: the exported functions
// of many programs.
const memoEntries = 4096

type memoEntry struct {
	val  any
	used uint64
}

// Memo returns the Memo of the Workspace that checked the program.
func (p *Program) Memo() *Memo { return p.memo }

// Load returns the value kept under key, if any.
func (m *Memo) Load(key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[key]
	if e == nil {
		return nil, false
	}
	m.clock++
	e.used = m.clock
	return e.val, true
}

// Store keeps val under key, in place of what the key held.
func (m *Memo) Store(key string, val any) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = map[string]*memoEntry{}
	}
	m.clock++
	m.entries[key] = &memoEntry{val: val, used: m.clock}
	if len(m.entries) <= memoEntries {
		return
	}
	// An eighth at a time, so that a full Memo sorts its entries once
	// every memoEntries/8 values, not once a value.
	byUse := make([]string, 0, len(m.entries))
	for k := range m.entries {
		byUse = append(byUse, k)
	}
	slices.SortFunc(byUse, func(a, b string) int { return cmp.Compare(m.entries[a].used, m.entries[b].used) })
	for _, k := range byUse[:len(byUse)-memoEntries*7/8] {
		delete(m.entries, k)
	}
}

// Len is how many values the Memo keeps.
func (m *Memo) Len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
