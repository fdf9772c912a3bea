package marine

import (
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// budget is a memory allocator shared by the modules of a service, so
// that their linear memories together stay under the service's limit, as
// the reference's store-wide limiter does. The initial memory of a module
// is always granted (the service checks it before instantiating); a later
// grow past the limit is refused, which makes memory.grow return -1.
type budget struct {
	mu      sync.Mutex
	limit   uint64 // 0: no limit
	used    uint64
	refused uint64 // size of the last refused grow, 0 if none since reset
}

func (b *budget) Allocate(capacity, maxBytes uint64) experimental.LinearMemory {
	return &linearMemory{budget: b, max: maxBytes}
}

// remaining returns the bytes still available, and whether there is a
// limit at all.
func (b *budget) remaining() (uint64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit == 0 {
		return 0, false
	}
	if b.used >= b.limit {
		return 0, true
	}
	return b.limit - b.used, true
}

// takeRefusal reports and clears a refused grow.
func (b *budget) takeRefusal() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.refused
	b.refused = 0
	return r
}

func (b *budget) usedBytes() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

type linearMemory struct {
	budget  *budget
	max     uint64
	buf     []byte
	started bool // the initial allocation happened
}

func (m *linearMemory) Reallocate(size uint64) []byte {
	b := m.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	initial := !m.started
	m.started = true
	cur := uint64(len(m.buf))
	if size <= cur {
		return m.buf[:size]
	}
	delta := size - cur
	if !initial && b.limit != 0 && b.used+delta > b.limit {
		b.refused = delta
		return nil
	}
	b.used += delta
	if size <= uint64(cap(m.buf)) {
		m.buf = m.buf[:size]
		return m.buf
	}
	// Grow geometrically to keep repeated memory.grow cheap, within max.
	c := max(size, 2*uint64(cap(m.buf)))
	if m.max > 0 && c > m.max {
		c = max(m.max, size)
	}
	buf := make([]byte, size, c)
	copy(buf, m.buf)
	m.buf = buf
	return m.buf
}

func (m *linearMemory) Free() {
	b := m.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= uint64(len(m.buf))
	m.buf = nil
}

func formatBytes(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
