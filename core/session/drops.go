package session

import (
	"errors"
	"fmt"
	"sync"

	"github.com/aquarium-p2p/aquarium/core/trace"
)

// ErrUnreachable is the error of a particle that a peer on its path could
// not send on: its next peer was gone, or the client's relay connection
// closed. The caller learns it as soon as the drop is known, here or
// reported by the peer that dropped it, not when the TTL runs out.
var ErrUnreachable = errors.New("could not reach its next peer")

// watchDrops watches the log, from seq from on, for a drop of the
// particle as unroutable, and sends the error it makes to found. stop
// ends the watch and waits for it.
func watchDrops(events *trace.Log, from uint64, particleID string, found chan<- error) (stop func()) {
	sub := events.Subscribe()
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer sub.Close()
		next := from
		for {
			evs, _ := events.Since(next, 1024)
			for _, e := range evs {
				next = e.Seq + 1
				if e.Particle == particleID && e.Kind == trace.Dropped && e.Reason == trace.Unroutable {
					found <- fmt.Errorf("particle %s %w: %s", particleID, ErrUnreachable, e)
					return
				}
			}
			if len(evs) > 0 {
				continue
			}
			select {
			case <-sub.C():
			case <-quit:
				return
			}
		}
	})
	return func() {
		close(quit)
		wg.Wait()
	}
}
