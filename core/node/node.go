// Package node is a peer: it receives particles, checks them, runs their
// scripts with the AIR interpreter, executes the service calls addressed
// to it, and sends the particles on.
//
// State is kept per particle in an actor keyed by the particle's
// signature, not its id, so a peer that reuses an id cannot meddle with
// another particle. The actor serialises everything that happens to its
// particle on this peer: arrivals from other peers and the results of the
// service calls it started. Calls run concurrently, outside the actor, so
// a slow call (peer.timeout, say) never holds up other particles, nor
// other branches of the same one.
//
// Every stage emits a trace event, and every way a particle can be lost
// (an expired TTL, a bad signature, an unreachable peer, a full queue) is
// an event with a reason: nothing is dropped silently.
package node

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// Transport carries particles to other peers.
type Transport interface {
	Send(ctx context.Context, to peer.ID, p *particle.Particle) error
}

// Reporter is a Transport that can also tell a peer about a drop: the
// node tells a particle's initiator when it cannot send the particle on,
// so the initiator learns why instead of waiting out the TTL.
type Reporter interface {
	Report(ctx context.Context, to peer.ID, drop trace.Event) error
}

// Services finds services other than the builtins: deployed Marine
// services, looked up by id or alias.
type Services interface {
	Lookup(service, function string) (builtin.Func, bool)
}

// Config configures a Node. Key and Transport are required.
type Config struct {
	Key       peer.PrivateKey
	Transport Transport
	// Store keeps each particle's data between hops; default in memory.
	Store Store
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Events receives trace events; default a log of 10,000 events.
	Events *trace.Log
	// Builtins are the builtin services; default builtin.New with this
	// peer's key, clock and no network.
	Builtins *builtin.Set
	// Services are the deployed services; may be nil.
	Services Services
	// Scope, if set, serves the calls that neither the builtins nor the
	// deployed services take, per particle, and hears when a particle
	// completes here: how a client (see core/session) provides the
	// services a function expects of its caller and learns that a
	// function without results is done. Nil costs nothing.
	Scope Scope
	// Workers bounds how many particles are interpreted at once; default
	// 4. QueueSize bounds the particles that arrived and wait for a
	// worker, and apart from them those whose call results wait for one;
	// default 1024.
	Workers, QueueSize int
	// CallWorkers bounds the calls of builtins and scoped services running
	// at once; default 64. ServiceWorkers bounds the calls of deployed
	// services apart from them, so that builtins never wait behind Wasm;
	// default 64.
	CallWorkers, ServiceWorkers int
	// CallTimeout bounds each call of a deployed service; default 10 s.
	// Every call, of any service, also ends with its particle's TTL.
	CallTimeout time.Duration
	// MaxClockSkew is how far ahead of this peer's clock a particle's
	// timestamp may be; a particle further ahead is dropped, so that no
	// peer can pin state here until a far deadline. Default 1 minute;
	// negative turns the check off.
	MaxClockSkew time.Duration
	// Limits bound each interpretation's steps, values and data (see
	// avm.Limits); zero fields take core/avm's defaults.
	Limits avm.Limits
	Logger *slog.Logger
	// Gate, if set, sees every interpretation before it runs and may hold
	// it back: how a debugger pauses the network and steps it. Nil costs
	// nothing.
	Gate Gate
	// Recorder, if set, hears of every interpretation once it has run,
	// with its inputs and outcome: how a debugger records a particle's
	// history. Nil costs nothing.
	Recorder Recorder
	// Interpreter runs the scripts; default core/avm (NativeInterpreter).
	Interpreter Interpreter
	// Scripts caches the parsed scripts of core/avm's runs; default one
	// of the node's own, of DefaultScriptsBudget. Nodes of one process
	// may share one.
	Scripts *avm.Scripts
}

// DefaultScriptsBudget is how much script text a node's cache of parsed
// scripts holds by default: the scripts of a few hundred functions.
const DefaultScriptsBudget = 1 << 20

// Scope is what a client adds to its node: services that answer the
// calls of one particle only, and word of a particle's completion.
type Scope interface {
	// Lookup finds a function that serves particleID only.
	Lookup(particleID, service, function string) (builtin.Func, bool)
	// Completed tells that particleID's whole script has completed on
	// this node. It must not block.
	Completed(particleID string)
}

// Interpretation is one run of the interpreter on a node: its inputs and,
// once it has run, its outcome. Everything avm.Run was given is here but
// the node's key, so the run can be repeated by whoever holds the key.
type Interpretation struct {
	Peer peer.ID
	// Particle gives the script and the parameters; its Data is not an
	// input (Current is).
	Particle *particle.Particle
	// Prev is the data this peer kept from its last run.
	Prev []byte
	// Current is the data that arrived, nil when only call results did.
	Current []byte
	Results map[uint32]avm.CallResult
	// LazySign is the run's avm.Params.LazySign: what it signed depends
	// on it.
	LazySign bool
	// Outcome, Started and Duration are set once the run is done.
	Outcome  avm.Outcome
	Started  time.Time
	Duration time.Duration
}

// Gate holds interpretations back. Enter blocks until in may run; it
// returns an error only when ctx ends, and the node, which is stopping,
// abandons the run. It must not change in.
type Gate interface {
	Enter(ctx context.Context, in *Interpretation) error
}

// Recorder hears of interpretations that ran. Record must not block for
// long, nor change in: it runs on the particle's actor.
type Recorder interface {
	Record(in *Interpretation)
}

// Node is one peer.
type Node struct {
	cfg   Config
	id    peer.ID
	key   ed25519.PrivateKey // cfg.Key expanded once; expansion costs as much as a signature
	queue chan *particle.Particle
	// ready holds actors that call results have come back to, for the
	// workers to interpret: so Workers bounds these interpretations too,
	// and they run on stacks grown to what the interpreter needs, where a
	// call's fresh goroutine would grow its own for every result.
	ready chan *actor
	calls chan struct{} // semaphore for running calls
	// serviceCalls is the semaphore for calls of deployed services.
	serviceCalls chan struct{}
	// interp, once set, replaces cfg.Interpreter (SetInterpreter).
	interp atomic.Pointer[interpreterBox]
	// tasks counts the sends and calls in flight, which run on goroutines
	// of their own: Run waits for them before it returns.
	tasks sync.WaitGroup

	loops loops

	mu      sync.Mutex
	actors  map[string]*actor
	running bool
}

// New returns a node; Start it to process particles.
func New(cfg Config) (*Node, error) {
	if cfg.Key == nil || cfg.Transport == nil {
		return nil, errors.New("node: Key and Transport are required")
	}
	if cfg.Key.Public().Type() != peer.Ed25519 {
		return nil, fmt.Errorf("node: the interpreter signs with Ed25519; got a %s key", cfg.Key.Public().Type())
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Events == nil {
		cfg.Events = trace.NewLog(10_000)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 1024
	}
	if cfg.CallWorkers <= 0 {
		cfg.CallWorkers = 64
	}
	if cfg.ServiceWorkers <= 0 {
		cfg.ServiceWorkers = 64
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.Scripts == nil {
		cfg.Scripts = avm.NewScripts(DefaultScriptsBudget)
	}
	if cfg.MaxClockSkew == 0 {
		cfg.MaxClockSkew = DefaultMaxClockSkew
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Interpreter == nil {
		cfg.Interpreter = NativeInterpreter{}
	}
	id := peer.IDOf(cfg.Key)
	if cfg.Builtins == nil {
		cfg.Builtins = builtin.New(builtin.Env{Host: id, Key: cfg.Key, Now: cfg.Now})
	}
	return &Node{
		cfg:          cfg,
		id:           id,
		key:          ed25519.NewKeyFromSeed(cfg.Key.Raw()),
		queue:        make(chan *particle.Particle, cfg.QueueSize),
		ready:        make(chan *actor, cfg.QueueSize),
		calls:        make(chan struct{}, cfg.CallWorkers),
		serviceCalls: make(chan struct{}, cfg.ServiceWorkers),
		actors:       map[string]*actor{},
	}, nil
}

// ID returns the node's peer id.
func (n *Node) ID() peer.ID { return n.id }

// Events returns the node's trace log.
func (n *Node) Events() *trace.Log { return n.cfg.Events }

// Interpreter returns the name of the interpreter the node runs scripts
// with.
func (n *Node) Interpreter() string { return n.interpreter().Name() }

// Now reads the node's clock: the time a particle this node starts is
// stamped with.
func (n *Node) Now() time.Time { return n.cfg.Now() }

// Run processes particles until ctx ends, and returns once every
// goroutine it started, and every send and call, has returned too. The
// workers and the reaper run only while there is work (see loops).
func (n *Node) Run(ctx context.Context) error {
	n.mu.Lock()
	if n.running {
		n.mu.Unlock()
		return errors.New("node: already running")
	}
	n.running = true
	n.mu.Unlock()

	n.loops.start(ctx)
	_, persistent := n.cfg.Store.(Expirer)
	if persistent || len(n.queue) > 0 {
		n.wake()
	}
	<-ctx.Done()
	n.loops.stop()
	// Only the workers start tasks, and they have stopped.
	n.tasks.Wait()
	return ctx.Err()
}

// Deliver hands the node a particle that arrived from peer from (or from
// itself). It never blocks: when the queue is full the particle is dropped
// with an event.
func (n *Node) Deliver(from peer.ID, p *particle.Particle) {
	n.emit(trace.Event{Kind: trace.Received, Particle: p.ID, From: from, DataSize: len(p.Data)})
	select {
	case n.queue <- p:
		n.wake()
	default:
		n.emit(trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: trace.Overloaded,
			Err: fmt.Sprintf("queue of %d particles is full", cap(n.queue))})
	}
}

// Initiate signs p, a particle this node starts, with the node's key and
// delivers it to the node itself, as a client starts the particles it
// runs. The node made the signature, so the particle needs no check on
// arrival: an Ed25519 verification saved on every particle a client
// starts. p's init peer must be this node.
func (n *Node) Initiate(p *particle.Particle) error {
	if err := p.Sign(n.cfg.Key); err != nil {
		return err
	}
	n.actorFor(storeKey(p), p)
	n.Deliver(n.id, p)
	return nil
}

// Reported records a drop that peer from reported about a particle this
// node started.
func (n *Node) Reported(from peer.ID, drop trace.Event) {
	drop.Kind, drop.Peer, drop.Seq = trace.Dropped, from, 0
	if drop.Time.IsZero() {
		drop.Time = n.cfg.Now()
	}
	n.cfg.Events.Append(drop)
}

// emit records an event at this node.
func (n *Node) emit(e trace.Event) {
	e.Peer = n.id
	if e.Time.IsZero() {
		e.Time = n.cfg.Now()
	}
	n.cfg.Events.Append(e)
}

// reap forgets particles whose TTL has run out, until ctx ends or the
// node holds none.
func (n *Node) reap(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := n.cfg.Now()
			n.expire(now)
			if e, ok := n.cfg.Store.(Expirer); ok {
				if _, err := e.Expire(now); err != nil {
					n.cfg.Logger.Warn("expire stored particles", "err", err)
				}
			}
			if n.reaperDone() {
				return
			}
		}
	}
}

// expire removes the actors and data of particles that have expired at
// now.
func (n *Node) expire(now time.Time) {
	n.mu.Lock()
	var dead []*actor
	for key, a := range n.actors {
		if a.expired(now) {
			delete(n.actors, key)
			dead = append(dead, a)
		}
	}
	n.mu.Unlock()
	for _, a := range dead {
		if err := n.cfg.Store.Delete(a.key); err != nil {
			n.cfg.Logger.Warn("delete particle data", "particle", a.particleID, "err", err)
		}
		if a.active() {
			n.emit(trace.Event{Kind: trace.Expired, Particle: a.particleID})
		}
	}
}
