package memnet

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aquarium-p2p/aquarium/core/internal/minheap"
)

// KadSim is a network of Kademlia peers in virtual time: how discovery
// scales to more peers than a process can host as nodes. Each peer has a
// routing table of k-buckets over the XOR distance of its key, joins by
// looking itself up through a peer already in, and finds others with
// iterative lookups of Alpha queries in flight, as the nodes' Kademlia
// does. Messages take a link's latency, a query to a dead peer costs a
// timeout, and every delay is an event on one queue ordered by virtual
// time, so ten thousand peers and their lookups run in well under a
// second of real time, the same way for the same seed.
type KadSim struct {
	cfg   KadConfig
	rng   *rand.Rand
	peers []*kadPeer
	clock clock
}

// KadConfig configures a KadSim.
type KadConfig struct {
	// Peers is how many peers join; default 1,000.
	Peers int
	// K is the bucket size, and how many peers a query answers with;
	// default 20.
	K int
	// Alpha is how many queries a lookup keeps in flight; default 3.
	Alpha int
	// Beta ends a lookup once the Beta closest peers it heard of have
	// answered; default 3.
	Beta int
	// Latency is the one-way delay of a message; default 10 to 100 ms,
	// drawn anew for every message.
	Latency func(*rand.Rand) time.Duration
	// Timeout is how long a query to a dead peer waits; default 1 s.
	Timeout time.Duration
	// Seed makes the keys, the order of joins and the latencies.
	Seed uint64
}

// kadPeer is one peer: its key and its routing table, peers by index.
type kadPeer struct {
	key     [32]byte
	buckets [257][]int32 // by the length of the prefix shared with key
	up      bool
}

// NewKadSim makes cfg.Peers peers and joins them one after another,
// each through a peer chosen at random among those already in.
func NewKadSim(cfg KadConfig) *KadSim {
	if cfg.Peers <= 0 {
		cfg.Peers = 1000
	}
	if cfg.K <= 0 {
		cfg.K = 20
	}
	if cfg.Alpha <= 0 {
		cfg.Alpha = 3
	}
	if cfg.Beta <= 0 {
		cfg.Beta = 3
	}
	if cfg.Latency == nil {
		cfg.Latency = func(r *rand.Rand) time.Duration {
			return 10*time.Millisecond + time.Duration(r.Int64N(int64(90*time.Millisecond)))
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Second
	}
	s := &KadSim{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6b6164))}
	s.peers = make([]*kadPeer, cfg.Peers)
	for i := range s.peers {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], cfg.Seed)
		binary.BigEndian.PutUint64(b[8:], uint64(i))
		s.peers[i] = &kadPeer{key: sha256.Sum256(b[:]), up: true}
	}
	for i := 1; i < len(s.peers); i++ {
		s.join(int32(i), int32(s.rng.IntN(i)))
	}
	return s
}

// Peers returns how many peers the simulation has.
func (s *KadSim) Peers() int { return len(s.peers) }

// Now returns the virtual time the simulation has run.
func (s *KadSim) Now() time.Duration { return s.clock.now }

// Kill takes peer i down: it answers nothing, and the others learn so
// only when their queries to it time out.
func (s *KadSim) Kill(i int) { s.peers[i].up = false }

// Up reports whether peer i is up.
func (s *KadSim) Up(i int) bool { return s.peers[i].up }

// RoutingTableSize returns how many peers i's routing table holds.
func (s *KadSim) RoutingTableSize(i int) int {
	n := 0
	for _, b := range s.peers[i].buckets {
		n += len(b)
	}
	return n
}

// join adds peer i to the network through peer boot: i learns of boot,
// then looks itself up.
func (s *KadSim) join(i, boot int32) {
	s.add(i, boot)
	l := s.lookup(i, s.peers[i].key, -1)
	s.clock.run(func() bool { return l.done })
}

// Lookup is the outcome of one lookup.
type Lookup struct {
	// Found says the target was heard of.
	Found bool
	// Hops is how many queries, one after another, led to the target:
	// 1 when a peer the searcher knew named it, 0 when the searcher knew
	// it already.
	Hops int
	// Queries is how many peers the lookup asked.
	Queries int
	// Took is the lookup's virtual time.
	Took time.Duration
}

// FindPeer looks target up from peer from, as a node does before it
// sends a particle to a peer it has no address for, and returns once
// the lookup ends.
func (s *KadSim) FindPeer(from, target int) Lookup {
	start := s.clock.now
	l := s.lookup(int32(from), s.peers[target].key, int32(target))
	s.clock.run(func() bool { return l.done })
	return Lookup{Found: l.hops >= 0, Hops: l.hops, Queries: l.queries, Took: s.clock.now - start}
}

// bucketOf returns the bucket of p's routing table that a peer with key
// belongs in: the length of the prefix the keys share.
func bucketOf(p *kadPeer, key [32]byte) int {
	for i := range key {
		if x := p.key[i] ^ key[i]; x != 0 {
			return i*8 + bits.LeadingZeros8(x)
		}
	}
	return 256
}

// add puts peer q in p's routing table, unless it is there or its
// bucket is full: Kademlia keeps the peers it has known longest, which
// are the likeliest to stay.
func (s *KadSim) add(p, q int32) {
	if p == q {
		return
	}
	pp := s.peers[p]
	b := &pp.buckets[bucketOf(pp, s.peers[q].key)]
	if len(*b) >= s.cfg.K || slices.Contains(*b, q) {
		return
	}
	*b = append(*b, q)
}

// remove takes q out of p's routing table, as a node drops a peer that
// did not answer.
func (s *KadSim) remove(p, q int32) {
	pp := s.peers[p]
	b := &pp.buckets[bucketOf(pp, s.peers[q].key)]
	if i := slices.Index(*b, q); i >= 0 {
		*b = slices.Delete(*b, i, i+1)
	}
}

// closest returns the K peers of p's routing table closest to key.
func (s *KadSim) closest(p int32, key [32]byte) []int32 {
	var all []int32
	for _, b := range s.peers[p].buckets {
		all = append(all, b...)
	}
	slices.SortFunc(all, func(a, b int32) int { return s.compare(key, a, b) })
	return all[:min(len(all), s.cfg.K)]
}

// compare orders peers a and b by their XOR distance to key.
func (s *KadSim) compare(key [32]byte, a, b int32) int {
	ka, kb := &s.peers[a].key, &s.peers[b].key
	for i := range key {
		if c := cmp.Compare(ka[i]^key[i], kb[i]^key[i]); c != 0 {
			return c
		}
	}
	return 0
}

// lookup is one iterative lookup in flight.
type lookup struct {
	s       *KadSim
	from    int32
	key     [32]byte
	target  int32 // -1 when looking for the peers closest to key
	heard   []int32
	depth   map[int32]int // how many queries, one after another, named each peer
	state   map[int32]byte
	flight  int
	queries int
	hops    int // -1 until the target is heard of
	done    bool
}

// The states of a peer a lookup heard of.
const (
	heard byte = iota
	waiting
	queried
	failed
)

// lookup starts a lookup from peer from for key, which ends once the
// target is heard of, or once the Beta closest peers heard of have
// answered, or when no one is left to ask.
func (s *KadSim) lookup(from int32, key [32]byte, target int32) *lookup {
	l := &lookup{s: s, from: from, key: key, target: target, depth: map[int32]int{}, state: map[int32]byte{}, hops: -1}
	if target == from {
		l.hops, l.done = 0, true
		return l
	}
	l.hear(s.closest(from, key), 0)
	l.step()
	return l
}

// hear adds peers that a query at depth named.
func (l *lookup) hear(peers []int32, depth int) {
	for _, q := range peers {
		if q == l.from {
			continue
		}
		if _, ok := l.state[q]; ok {
			continue
		}
		l.state[q], l.depth[q] = heard, depth+1
		l.heard = append(l.heard, q)
		if q == l.target && l.hops < 0 {
			l.hops = depth
		}
	}
	slices.SortFunc(l.heard, func(a, b int32) int { return l.s.compare(l.key, a, b) })
}

// step ends the lookup or sends more queries.
func (l *lookup) step() {
	if l.done {
		return
	}
	if l.hops >= 0 {
		l.done = true
		return
	}
	// Done once the Beta closest peers that have not failed answered.
	settled, n := true, 0
	for _, q := range l.heard {
		if l.state[q] == failed {
			continue
		}
		if l.state[q] != queried {
			settled = false
			break
		}
		if n++; n == l.s.cfg.Beta {
			break
		}
	}
	if settled && (n > 0 || l.flight == 0) {
		l.done = true
		return
	}
	for _, q := range l.heard {
		if l.flight >= l.s.cfg.Alpha {
			break
		}
		if l.state[q] == heard {
			l.query(q)
		}
	}
	if l.flight == 0 {
		l.done = true // no one left to ask
	}
}

// query asks peer q for the peers it knows closest to the key.
func (l *lookup) query(q int32) {
	s := l.s
	l.state[q] = waiting
	l.flight++
	l.queries++
	if !s.peers[q].up {
		s.clock.after(s.cfg.Timeout, func() {
			l.flight--
			l.state[q] = failed
			s.remove(l.from, q)
			l.step()
		})
		return
	}
	there := s.cfg.Latency(s.rng)
	s.clock.after(there, func() {
		// The peer asked learns of the one asking, and answers.
		s.add(q, l.from)
		answer := s.closest(q, l.key)
		s.clock.after(s.cfg.Latency(s.rng), func() {
			l.flight--
			l.state[q] = queried
			s.add(l.from, q)
			l.hear(answer, l.depth[q])
			l.step()
		})
	})
}

// clock is virtual time: the events waiting, in the order they are due.
type clock struct {
	now    time.Duration
	seq    uint64
	events minheap.Heap[event]
}

type event struct {
	at  time.Duration
	seq uint64 // events due at once run in the order they were made
	fn  func()
}

// Less orders events by when they are due, then as they were made.
func (e event) Less(o event) bool {
	return e.at < o.at || e.at == o.at && e.seq < o.seq
}

// after runs fn once d of virtual time has passed.
func (c *clock) after(d time.Duration, fn func()) {
	c.seq++
	c.events.Push(event{at: c.now + d, seq: c.seq, fn: fn})
}

// run runs events, in time order, until done reports true or none is
// left.
func (c *clock) run(done func() bool) {
	for !done() && c.events.Len() > 0 {
		e := c.events.Pop()
		c.now = e.at
		e.fn()
	}
}

// Delivery is the outcome of sending one particle.
type Delivery struct {
	// Delivered says the particle reached its peer.
	Delivered bool
	// Lookup is the lookup the sender made first; zero when its routing
	// table held the peer.
	Lookup Lookup
	// Took is the virtual time from sending to arrival.
	Took time.Duration
}

// Send sends a particle from peer from to peer to, as a node does:
// straight there when from's routing table holds to, otherwise once a
// lookup has found it. The particle is lost when no lookup finds to, or
// when to is down.
func (s *KadSim) Send(from, to int) Delivery {
	start := s.clock.now
	var d Delivery
	if !s.knows(int32(from), int32(to)) {
		if d.Lookup = s.FindPeer(from, to); !d.Lookup.Found {
			return d
		}
	}
	if !s.peers[to].up {
		return d
	}
	arrived := false
	s.clock.after(s.cfg.Latency(s.rng), func() { arrived = true })
	s.clock.run(func() bool { return arrived })
	d.Delivered, d.Took = true, s.clock.now-start
	return d
}

// knows reports whether p's routing table holds q.
func (s *KadSim) knows(p, q int32) bool {
	pp := s.peers[p]
	return p == q || slices.Contains(pp.buckets[bucketOf(pp, s.peers[q].key)], q)
}
