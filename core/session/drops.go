package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/trace"
)

// ErrUnreachable is the error of a particle that a peer on its path could
// not send on: its next peer was gone, or the client's relay connection
// closed. The caller learns it as soon as the drop is known, here or
// reported by the peer that dropped it, not when the TTL runs out.
var ErrUnreachable = errors.New("could not reach its next peer")

// watchDrops reads the client's log from seq from until ctx ends, and
// tells each run of a drop of its particle as unroutable. One reader
// serves every run: a reader per run read every run's events, a cost that
// grew with the square of the runs in flight.
func (c *Client) watchDrops(ctx context.Context, events *trace.Log, from uint64) {
	sub := events.Subscribe()
	defer sub.Close()
	next := from
	var evs []trace.Event
	for {
		evs, _ = events.AppendSince(evs[:0], next, 1024)
		for _, e := range evs {
			next = e.Seq + 1
			if e.Kind != trace.Dropped || e.Reason != trace.Unroutable {
				continue
			}
			if r := c.run(e.Particle); r != nil {
				r.drop(fmt.Errorf("particle %s %w: %s", e.Particle, ErrUnreachable, e))
			}
		}
		if len(evs) > 0 {
			continue
		}
		select {
		case <-sub.C():
		case <-ctx.Done():
			return
		}
	}
}
