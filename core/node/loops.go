package node

import (
	"context"
	"sync"
	"time"
)

// workerIdle is how long a worker with nothing to do waits for more
// before it ends: long enough that a particle's next hop, or its calls'
// results, find it still there with its stack grown, short enough that
// a network of a thousand idle nodes holds no workers.
const workerIdle = time.Second

// loops are the node's own goroutines: up to Config.Workers workers,
// which interpret, and the reaper, which forgets expired particles. None
// runs while the node has nothing to do; wake starts them when work
// comes, and each ends when its work is done, so an idle node costs no
// goroutine. Run waits for every one of them.
type loops struct {
	mu      sync.Mutex
	ctx     context.Context // Run's; nil before Run and once it ends
	workers int             // running
	reaping bool            // the reaper runs
	wg      sync.WaitGroup
	idle    time.Duration // workerIdle, unless a test shortens it before Run
}

// start lets wake start loops that end with ctx.
func (l *loops) start(ctx context.Context) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ctx = ctx
}

// stop makes wake start nothing more and waits for the loops running.
func (l *loops) stop() {
	l.mu.Lock()
	l.ctx = nil
	l.mu.Unlock()
	l.wg.Wait()
}

// wake makes sure a worker will take what was just queued, and that the
// reaper runs while the node may hold particles. Call it after queueing.
func (n *Node) wake() {
	l := &n.loops
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ctx == nil {
		return // not running: Run wakes the node when it starts
	}
	ctx := l.ctx
	if !l.reaping {
		l.reaping = true
		l.wg.Go(func() { n.reap(ctx) })
	}
	// A worker running takes what was queued: one that is about to end
	// looks at the queues again, under l.mu, before it does.
	if l.workers < n.cfg.Workers {
		l.workers++
		l.wg.Go(func() { n.work(ctx) })
	}
}

// work interprets what arrives, until ctx ends or nothing has come for
// workerIdle.
func (n *Node) work(ctx context.Context) {
	wait := n.loops.idle
	if wait <= 0 {
		wait = workerIdle
	}
	var idle *time.Timer
	for {
		select {
		case <-ctx.Done():
			n.workerDone(true)
			return
		case p := <-n.queue:
			n.ingest(ctx, p)
			continue
		case a := <-n.ready:
			n.drain(ctx, a)
			continue
		default:
		}
		if idle == nil {
			idle = time.NewTimer(wait)
		} else {
			idle.Reset(wait)
		}
		select {
		case <-ctx.Done():
			n.workerDone(true)
			return
		case p := <-n.queue:
			n.ingest(ctx, p)
		case a := <-n.ready:
			n.drain(ctx, a)
		case <-idle.C:
			if n.workerDone(false) {
				return
			}
		}
		idle.Stop()
	}
}

// workerDone ends a worker, and reports true, unless the node is still
// running and work was queued after the worker last looked: then the
// worker goes on.
func (n *Node) workerDone(stopping bool) bool {
	l := &n.loops
	l.mu.Lock()
	defer l.mu.Unlock()
	if !stopping && l.ctx != nil && (len(n.queue) > 0 || len(n.ready) > 0) {
		return false
	}
	l.workers--
	return true
}

// reaperDone ends the reaper, and reports true, when the node holds no
// particle and no worker may be making one; otherwise the reaper goes
// on. A store that outlives the process keeps deadlines of particles the
// node has no actors for, so its reaper never ends before the node.
func (n *Node) reaperDone() bool {
	if _, ok := n.cfg.Store.(Expirer); ok {
		return false
	}
	l := &n.loops
	l.mu.Lock()
	defer l.mu.Unlock()
	n.mu.Lock()
	empty := len(n.actors) == 0
	n.mu.Unlock()
	if !empty || l.workers > 0 || len(n.queue) > 0 || len(n.ready) > 0 {
		return false
	}
	l.reaping = false
	return true
}
