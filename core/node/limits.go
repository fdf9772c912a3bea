package node

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
)

// Defaults of Config.
const (
	// DefaultCallTimeout bounds a call of a deployed service.
	DefaultCallTimeout = 10 * time.Second
	// DefaultMaxClockSkew is how far ahead of the peer's clock a
	// particle's timestamp may be.
	DefaultMaxClockSkew = time.Minute
)

// checkTimestamp refuses a particle whose timestamp is further ahead of
// now than the node allows: its deadline, counted from that timestamp,
// would keep its state here far longer than its TTL says.
func (n *Node) checkTimestamp(p *particle.Particle, now time.Time) error {
	skew := n.cfg.MaxClockSkew
	if skew < 0 {
		return nil
	}
	nowMs := now.UnixMilli()
	if nowMs < 0 || p.Timestamp <= uint64(nowMs)+uint64(skew.Milliseconds()) {
		return nil
	}
	ahead := "centuries"
	if d := p.Timestamp - uint64(nowMs); d < uint64(math.MaxInt64/time.Millisecond) {
		ahead = (time.Duration(d) * time.Millisecond).String()
	}
	return fmt.Errorf("timestamp %d ms is %s ahead of this peer's clock (%d ms); at most %v is allowed", p.Timestamp, ahead, nowMs, skew)
}

// deployed reports whether service.function is a deployed service's
// rather than a builtin's or a scoped one's.
func (n *Node) deployed(service, function string) bool {
	if _, ok := n.cfg.Builtins.Lookup(service, function); ok || n.cfg.Services == nil {
		return false
	}
	_, ok := n.cfg.Services.Lookup(service, function)
	return ok
}

// workersFor is the semaphore a call of service.function takes: deployed
// services have workers of their own, so that a service that hogs them
// never holds up a builtin.
func (n *Node) workersFor(service, function string) chan struct{} {
	if n.deployed(service, function) {
		return n.serviceCalls
	}
	return n.calls
}

// callContext bounds a call by its particle's deadline, as the node's
// clock counts it, and a deployed service's call also by CallTimeout.
func (n *Node) callContext(ctx context.Context, p *particle.Particle, service, function string) (context.Context, context.CancelFunc) {
	limit := max(p.Remaining(n.cfg.Now()), 0)
	if n.deployed(service, function) {
		limit = min(limit, n.cfg.CallTimeout)
	}
	return context.WithTimeout(ctx, limit)
}

// Load is how busy a node is: its call workers and its queue of
// particles.
type Load struct {
	// Calls and CallWorkers: builtin and scoped calls running, of at
	// most CallWorkers.
	Calls       int `json:"calls"`
	CallWorkers int `json:"call_workers"`
	// ServiceCalls and ServiceWorkers: calls of deployed services
	// running, or waiting for their service, of at most ServiceWorkers.
	ServiceCalls   int `json:"service_calls"`
	ServiceWorkers int `json:"service_workers"`
	// Queued and QueueSize: particles that arrived and wait for a worker.
	Queued    int `json:"queued"`
	QueueSize int `json:"queue_size"`
}

// Saturated reports whether a pool or the queue is full: new calls or
// particles wait, or are dropped.
func (l Load) Saturated() bool {
	return l.Calls >= l.CallWorkers || l.ServiceCalls >= l.ServiceWorkers || l.Queued >= l.QueueSize
}

// Load reports how busy the node is.
func (n *Node) Load() Load {
	return Load{
		Calls: len(n.calls), CallWorkers: cap(n.calls),
		ServiceCalls: len(n.serviceCalls), ServiceWorkers: cap(n.serviceCalls),
		Queued: len(n.queue), QueueSize: cap(n.queue),
	}
}
