package trace

import "sync"

// Log is a bounded, in-memory record of events. Producers never block:
// when the log is full the oldest events are evicted, and a reader that
// falls behind learns how many it missed. Readers are told that events up
// to some sequence number exist, and read the window they want to show;
// they never receive the events themselves through a channel, so a slow
// reader costs nothing.
type Log struct {
	mu sync.RWMutex
	// ring holds event Seq at (Seq-1) % capacity. It grows as events
	// come, up to capacity: most logs (a node's on a network of many)
	// hold far fewer events than they may, and a full ring of 10,000
	// events is megabytes.
	ring     []Event
	capacity int
	next     uint64 // Seq of the next event; the first event is 1
	subs     map[*Subscription]struct{}
}

// NewLog returns a log that keeps the last capacity events.
func NewLog(capacity int) *Log {
	if capacity < 1 {
		capacity = 1
	}
	return &Log{capacity: capacity, next: 1, subs: make(map[*Subscription]struct{})}
}

// slot is where event seq is, or goes, in the ring.
func (l *Log) slot(seq uint64) uint64 { return (seq - 1) % uint64(l.capacity) }

// Append records e, assigning its Seq, and tells subscribers.
func (l *Log) Append(e Event) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = l.next
	if len(l.ring) < l.capacity {
		if len(l.ring) == cap(l.ring) {
			// Grown by doubling, never past the capacity.
			grown := make([]Event, len(l.ring), min(max(2*cap(l.ring), 64), l.capacity))
			copy(grown, l.ring)
			l.ring = grown
		}
		l.ring = append(l.ring, e)
	} else {
		l.ring[l.slot(e.Seq)] = e
	}
	l.next++
	for s := range l.subs {
		s.notify(e.Seq)
	}
	return e.Seq
}

// Last returns the Seq of the newest event, or 0 if there is none.
func (l *Log) Last() uint64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.next - 1
}

// first returns the Seq of the oldest event still held.
func (l *Log) first() uint64 {
	if held := uint64(l.capacity); l.next > held {
		return l.next - held
	}
	return 1
}

// Since returns up to limit events with Seq >= from, oldest first, and how
// many events from that point on have been evicted and are lost.
func (l *Log) Since(from uint64, limit int) (events []Event, missed uint64) {
	return l.AppendSince(nil, from, limit)
}

// AppendSince is Since appending to dst, for a reader that polls the
// log and can reuse one buffer: up to limit events are appended.
func (l *Log) AppendSince(dst []Event, from uint64, limit int) (events []Event, missed uint64) {
	events = dst
	limit += len(dst)
	l.mu.RLock()
	defer l.mu.RUnlock()
	if from == 0 {
		from = 1
	}
	if first := l.first(); from < first {
		missed, from = first-from, first
	}
	for seq := from; seq < l.next && len(events) < limit; seq++ {
		events = append(events, l.ring[l.slot(seq)])
	}
	return events, missed
}

// Subscribe returns a subscription that is told of new events until it is
// closed.
func (l *Log) Subscribe() *Subscription {
	s := &Subscription{c: make(chan uint64, 1), log: l}
	l.mu.Lock()
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	return s
}

// Subscription tells one reader that the log has grown.
type Subscription struct {
	c   chan uint64
	log *Log
}

// C delivers the Seq of the newest event whenever the log has grown since
// the last receive. Notifications coalesce: a reader that is busy gets one
// value, the latest, when it comes back.
func (s *Subscription) C() <-chan uint64 { return s.c }

// notify replaces any unread notification with seq. It runs under the
// log's lock, so notifications of one subscription never race each other.
func (s *Subscription) notify(seq uint64) {
	select {
	case <-s.c:
	default:
	}
	s.c <- seq
}

// Close stops notifications; C is not closed, so a reader blocked on it
// must also watch its own context.
func (s *Subscription) Close() {
	s.log.mu.Lock()
	delete(s.log.subs, s)
	s.log.mu.Unlock()
}
