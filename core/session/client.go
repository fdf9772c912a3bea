package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/internal/minheap"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Client is the peer functions run from: a node of its own that reaches
// the network through a relay. It signs the particles it starts, stamps
// them with its node's clock, serves each the services its function
// expects of its caller (and only that particle), and tells when the
// function is done. Every front end runs functions through one.
type Client struct {
	node  *node.Node
	relay peer.ID
	conn  io.Closer
	// followClock: see ClientConfig.FollowClock.
	followClock bool

	cancel context.CancelFunc
	done   chan struct{} // closed when the node has stopped
	// watching is the reader of the node's log that tells runs of their
	// drops; Close waits for it.
	watching sync.WaitGroup
	once     sync.Once
	err      error // of closing conn

	mu   sync.Mutex
	runs map[string]*run // by particle id, until the particle expires
	// expiry orders the runs by deadline, so that forgetting the expired
	// ones costs what they are, not what all runs are.
	expiry minheap.Heap[deadline]
}

// deadline is when the particle of a run expires.
type deadline struct {
	at time.Time
	id string
}

// Less orders deadlines by time.
func (d deadline) Less(o deadline) bool { return d.at.Before(o.at) }

// ErrClosed is the error of a run whose client was closed before the
// function was done.
var ErrClosed = errors.New("session: client closed")

// ClientConfig configures a Client.
type ClientConfig struct {
	// Node configures the client's node; its Key and Transport are
	// required. Its Scope is the client's own.
	Node node.Config
	// Relay is the node the client reaches the network through: the
	// relay of the calls that name none.
	Relay peer.ID
	// Conn, if set, is the client's connection to the network, closed
	// once the node has stopped.
	Conn io.Closer
	// FollowClock makes a run wait for its particle's TTL on the node's
	// clock (Node.Now) rather than the wall clock, as a local network
	// under a debugger needs: its clock stands still while it is paused.
	FollowClock bool
}

// run is one function running: the services its particle is given and
// how it ends.
type run struct {
	services map[string]builtin.Service
	results  int       // how many values the function returns
	deadline time.Time // the particle's, on the client's clock
	done     chan outcome
	// dropped hears of the first drop of the particle as unroutable.
	dropped chan error
}

// drop tells the run its particle was dropped; the first drop counts.
func (r *run) drop(err error) {
	select {
	case r.dropped <- err:
	default:
	}
}

// finish ends the run with o; the first outcome wins.
func (r *run) finish(o outcome) {
	select {
	case r.done <- o:
	default:
	}
}

// NewClient starts a client's node; Close stops it.
func NewClient(cfg ClientConfig) (*Client, error) {
	c := &Client{relay: cfg.Relay, conn: cfg.Conn, followClock: cfg.FollowClock, done: make(chan struct{}), runs: map[string]*run{}}
	cfg.Node.Scope = scope{c}
	nd, err := node.New(cfg.Node)
	if err != nil {
		return nil, err
	}
	c.node = nd
	// The node lives as long as the client: Close ends it and waits.
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() {
		defer close(c.done)
		_ = nd.Run(ctx)
	}()
	// The reader starts from the log's end as it is now, not when its
	// goroutine first runs: a run may drop its particle before that.
	from := nd.Events().Last() + 1
	c.watching.Go(func() { c.watchDrops(ctx, nd.Events(), from) })
	return c, nil
}

// ID returns the client's peer id.
func (c *Client) ID() peer.ID { return c.node.ID() }

// Relay returns the id of the client's relay.
func (c *Client) Relay() peer.ID { return c.relay }

// Interpreter names the interpreter that runs the client's scripts.
func (c *Client) Interpreter() string { return c.node.Interpreter() }

// Events returns the log the client's node writes its events to.
func (c *Client) Events() *trace.Log { return c.node.Events() }

// Deliver hands the client a particle that arrived from peer from: how
// its transport passes particles in.
func (c *Client) Deliver(from peer.ID, p *particle.Particle) { c.node.Deliver(from, p) }

// Reported records a drop that peer from reported about a particle the
// client started.
func (c *Client) Reported(from peer.ID, drop trace.Event) { c.node.Reported(from, drop) }

// PeerGone tells the client that its connection to peer id has closed:
// every particle it waits for is dropped, with an event, at once rather
// than when its TTL runs out (see node.Node.PeerGone).
func (c *Client) PeerGone(id peer.ID) { c.node.PeerGone(id) }

// Up reports whether the client runs: it has not been closed.
func (c *Client) Up() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// Close stops the client's node, waits for it, and closes its
// connection. It may be called more than once.
func (c *Client) Close() error {
	c.once.Do(func() {
		c.cancel()
		<-c.done
		c.watching.Wait()
		c.mu.Lock()
		clear(c.runs)
		c.mu.Unlock()
		if c.conn != nil {
			c.err = c.conn.Close()
		}
	})
	return c.err
}

// Run starts call, signed by the client, and waits for its result. A
// function without results (Call.Results is 0) finishes when the client
// has nothing left to do for it.
func (c *Client) Run(ctx context.Context, call Call) (*Result, error) {
	if call.TTL <= 0 {
		call.TTL = 15 * time.Second
	}
	if call.ParticleID == "" {
		call.ParticleID = NewParticleID()
	}
	if call.Relay == "" {
		call.Relay = c.relay
	}
	now := c.node.Now()
	p := particle.New(call.ParticleID, c.ID(), call.Script, now, call.TTL)
	r := &run{results: call.Results, deadline: now.Add(call.TTL), done: make(chan outcome, 1), dropped: make(chan error, 1)}
	r.services = scopedServices(call, p.ID, r.finish)
	c.start(p.ID, r, now)

	events := c.Events()
	from := events.Last() + 1
	// A drop on the particle's way, here or reported by another peer,
	// ends the wait at once when nothing else can complete the particle.
	alone := singleThreaded(call.Script)

	// The client signs the particle, and so need not verify it.
	if err := c.node.Initiate(p); err != nil {
		return nil, err
	}
	deadline := time.NewTimer(call.TTL)
	defer deadline.Stop()
	var dropErr error
	for {
		select {
		case o := <-r.done:
			return o.res, o.err
		case err := <-r.dropped:
			if alone {
				return nil, err
			}
			// Another branch of a par may still complete the
			// particle, or a timeout race take its fallback: wait,
			// and name the drop if nothing comes.
			dropErr = err
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.done:
			return nil, ErrClosed
		case <-deadline.C:
			// With FollowClock the deadline is on the client's clock,
			// which stands still while a debugger holds the network
			// paused: wait out what is left of it.
			if left := r.deadline.Sub(c.node.Now()); c.followClock && left > 0 {
				deadline.Reset(left)
				continue
			}
			if dropErr != nil {
				return nil, fmt.Errorf("%w; nothing else completed it within its TTL of %s", dropErr, call.TTL)
			}
			return nil, timeoutError(p, call.TTL, lastSeen(events, from, p.ID))
		}
	}
}

// singleThreaded reports whether a script runs on one peer at a time: it
// has no par, so each interpretation sends the particle to one peer at
// most, and a particle dropped on its way has nothing left that could
// complete it. A script that does not parse counts as not.
func singleThreaded(script string) bool {
	root, err := air.Parse(script)
	if err != nil {
		return false
	}
	// An explicit stack: a script's nesting may be deep.
	stack := []air.Instr{root}
	for len(stack) > 0 {
		in := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch in := in.(type) {
		case *air.Par:
			return false
		case *air.Seq:
			stack = append(stack, in.Left, in.Right)
		case *air.Xor:
			stack = append(stack, in.Left, in.Right)
		case *air.Fold:
			stack = append(stack, in.Body)
			if in.Last != nil {
				stack = append(stack, in.Last)
			}
		case *air.New:
			stack = append(stack, in.Body)
		case *air.Match:
			stack = append(stack, in.Body)
		}
	}
	return true
}

// start records run r of particle id, and forgets the runs whose
// particles have expired by now. A run's services outlive its result
// until its particle expires, as a late call of the script still finds
// them.
func (c *Client) start(id string, r *run, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.expiry.Len() > 0 && !now.Before(c.expiry.Min().at) {
		d := c.expiry.Pop()
		// A particle id run again has a later deadline of its own.
		if old, ok := c.runs[d.id]; ok && !now.Before(old.deadline) {
			delete(c.runs, d.id)
		}
	}
	c.runs[id] = r
	c.expiry.Push(deadline{at: r.deadline, id: id})
}

func (c *Client) run(id string) *run {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[id]
}

// scope is the client as its node's Scope.
type scope struct{ c *Client }

func (s scope) Lookup(particleID, service, function string) (builtin.Func, bool) {
	r := s.c.run(particleID)
	if r == nil {
		return nil, false
	}
	f, ok := r.services[service][function]
	return f, ok
}

func (s scope) Completed(particleID string) {
	if r := s.c.run(particleID); r != nil && r.results == 0 {
		r.finish(outcome{res: &Result{ParticleID: particleID}})
	}
}
