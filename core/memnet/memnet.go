// Package memnet is an in-memory network for the tests of core, as
// go-libp2p's mocknet is for libp2p: it carries particles between the
// peers of one process as a node.Transport does between hosts, with the
// faults of a real network under the test's control. A link can be slow
// (latency) or lossy, two peers can be partitioned, and a peer can be
// killed and revived. Losses are drawn from a seeded source, so a run
// that failed can be run again as it was.
//
// The deliveries the network delays wait, in the order they are due, on
// one goroutine it owns, which runs only while some are on their way:
// Close stops it and waits.
//
// Sim is the same network one level down, for the tests of the
// interpreter and of what records it: peers that run a particle's script
// with core/avm one interpretation at a time, on the caller's goroutine,
// in an order a seed can pick.
package memnet

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/internal/minheap"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Receiver takes the particles that reach a peer: a node.Node, or a
// session.Client.
type Receiver interface {
	Deliver(from peer.ID, p *particle.Particle)
}

// Reporter takes the drops other peers report about the particles it
// started: a node.Node, or a session.Client.
type Reporter interface {
	Reported(from peer.ID, drop trace.Event)
}

// Link is how particles travel from one peer to another.
type Link struct {
	// Latency delays every particle.
	Latency time.Duration
	// Loss is the chance, from 0 to 1, that a particle is lost on the
	// way, silently, as a real network loses it.
	Loss float64
}

// ErrClosed is the error of a send on a closed network.
var ErrClosed = errors.New("memnet: network closed")

// Network connects peers in memory.
type Network struct {
	stop   chan struct{}
	wakeup chan struct{}  // a delivery sooner than the scheduler waits for
	wg     sync.WaitGroup // the scheduler

	// due are the delayed deliveries, the soonest first; scheduling
	// says the scheduler runs. Both are guarded by mu.
	due        minheap.Heap[later]
	seq        uint64
	scheduling bool

	mu     sync.Mutex
	peers  map[peer.ID]Receiver
	down   map[peer.ID]bool
	cut    map[pair]bool
	links  map[pair]Link
	link   Link // of every pair without a link of its own
	rng    *rand.Rand
	closed bool
}

// pair is a direction from one peer to another.
type pair struct{ from, to peer.ID }

// Option configures a Network.
type Option func(*Network)

// WithSeed seeds the source of losses; the default seed is 1.
func WithSeed(seed uint64) Option {
	return func(n *Network) { n.rng = rand.New(rand.NewPCG(seed, seed)) }
}

// WithLink makes l the link between every two peers that have no link
// of their own (SetLink).
func WithLink(l Link) Option { return func(n *Network) { n.link = l } }

// New returns an empty network.
func New(opts ...Option) *Network {
	n := &Network{
		stop: make(chan struct{}), wakeup: make(chan struct{}, 1), peers: map[peer.ID]Receiver{}, down: map[peer.ID]bool{},
		cut: map[pair]bool{}, links: map[pair]Link{}, rng: rand.New(rand.NewPCG(1, 1)),
	}
	for _, o := range opts {
		o(n)
	}
	return n
}

// Add connects peer id, whose particles r takes, and returns its
// transport. A peer added again replaces the first, as a restarted peer
// with the same key does.
func (n *Network) Add(id peer.ID, r Receiver) Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.peers[id] = r
	delete(n.down, id)
	return Transport{net: n, from: id}
}

// Transport returns the transport of peer id: what its node sends with.
func (n *Network) Transport(id peer.ID) Transport { return Transport{net: n, from: id} }

// SetLink sets the link from one peer to another; one way only.
func (n *Network) SetLink(from, to peer.ID, l Link) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.links[pair{from, to}] = l
}

// Partition cuts a and b apart, both ways: a send between them fails.
func (n *Network) Partition(a, b peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cut[pair{a, b}], n.cut[pair{b, a}] = true, true
}

// Heal joins a and b again.
func (n *Network) Heal(a, b peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.cut, pair{a, b})
	delete(n.cut, pair{b, a})
}

// Kill takes peer id down, as a crash does: it neither sends nor
// receives, and the particles on their way to it are lost.
func (n *Network) Kill(id peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.down[id] = true
}

// Revive brings a killed peer back.
func (n *Network) Revive(id peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.down, id)
}

// Close stops the deliveries still on their way, waits for them, and
// fails every send from now on.
func (n *Network) Close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	close(n.stop)
	n.mu.Unlock()
	n.wg.Wait()
}

// route decides the fate of a particle from one peer to another: the
// receiver and the link's latency, lost when the particle is lost on
// the way, or why it cannot be sent.
func (n *Network) route(from, to peer.ID) (r Receiver, latency time.Duration, lost bool, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.closed:
		return nil, 0, false, ErrClosed
	case n.down[from]:
		return nil, 0, false, fmt.Errorf("memnet: %s is down", from)
	case n.cut[pair{from, to}]:
		return nil, 0, false, fmt.Errorf("memnet: %s has no connection with %s", from, to)
	}
	r, ok := n.peers[to]
	if !ok || n.down[to] {
		return nil, 0, false, fmt.Errorf("memnet: no route to %s", to)
	}
	l, ok := n.links[pair{from, to}]
	if !ok {
		l = n.link
	}
	lost = l.Loss > 0 && n.rng.Float64() < l.Loss
	return r, l.Latency, lost, nil
}

// later is a particle on its way to a receiver, due at a time.
type later struct {
	at       time.Time
	seq      uint64 // deliveries due at once go in the order they were sent
	r        Receiver
	from, to peer.ID
	p        *particle.Particle
}

// Less orders deliveries by when they are due, then as they were sent.
func (l later) Less(o later) bool {
	return l.at.Before(o.at) || l.at.Equal(o.at) && l.seq < o.seq
}

// delay puts p on its way to r, due after latency, and makes sure the
// scheduler runs. A thousand particles on their way wait on one timer,
// not a goroutine and a timer each.
func (n *Network) delay(r Receiver, from, to peer.ID, p *particle.Particle, latency time.Duration) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return ErrClosed
	}
	n.seq++
	n.due.Push(later{at: time.Now().Add(latency), seq: n.seq, r: r, from: from, to: to, p: p})
	if !n.scheduling {
		n.scheduling = true
		n.wg.Go(n.schedule)
		return nil
	}
	select {
	case n.wakeup <- struct{}{}:
	default: // the scheduler is told already
	}
	return nil
}

// schedule hands each delayed particle to its receiver when it is due,
// unless the receiver went down meanwhile, until none is left or the
// network closes.
func (n *Network) schedule() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		n.mu.Lock()
		if n.closed || n.due.Len() == 0 {
			n.scheduling = false
			n.mu.Unlock()
			return
		}
		if wait := time.Until(n.due.Min().at); wait > 0 {
			n.mu.Unlock()
			t.Reset(wait)
			select {
			case <-t.C:
			case <-n.wakeup:
			case <-n.stop:
				return
			}
			continue
		}
		d := n.due.Pop()
		up := !n.down[d.to] && n.peers[d.to] == d.r
		n.mu.Unlock()
		if up {
			d.r.Deliver(d.from, d.p)
		}
	}
}

// Transport is one peer's side of the network; it is a node.Transport.
type Transport struct {
	net  *Network
	from peer.ID
}

// Send carries a copy of p to peer to. Without latency the receiver has
// it when Send returns.
func (t Transport) Send(_ context.Context, to peer.ID, p *particle.Particle) error {
	r, latency, lost, err := t.net.route(t.from, to)
	if err != nil || lost {
		return err
	}
	q := *p
	if latency == 0 {
		r.Deliver(t.from, &q)
		return nil
	}
	return t.net.delay(r, t.from, to, &q, latency)
}

// Report tells peer to about a drop, as a node tells a particle's
// initiator (node.Reporter). It fails, and is lost, as a particle sent
// to the peer would be, but it is not delayed; a receiver that is not a
// Reporter ignores it.
func (t Transport) Report(_ context.Context, to peer.ID, drop trace.Event) error {
	r, _, lost, err := t.net.route(t.from, to)
	if err != nil || lost {
		return err
	}
	if rep, ok := r.(Reporter); ok {
		rep.Reported(t.from, drop)
	}
	return nil
}

// Peer is a peer of a test: a name to print, and a key made from it, so
// that the same name is the same peer in every run.
type Peer struct {
	Name string
	ID   peer.ID
	Key  peer.PrivateKey
}

// NewPeer returns the peer called name.
func NewPeer(name string) Peer {
	seed := sha256.Sum256([]byte("aquarium test peer " + name))
	key, err := peer.Ed25519FromSeed(seed[:])
	if err != nil {
		panic(err) // a 32-byte seed always makes a key
	}
	return Peer{Name: name, ID: peer.IDOf(key), Key: key}
}
