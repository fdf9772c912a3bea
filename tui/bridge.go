package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Bridge turns a session's trace log into batched messages: it waits for
// the log to grow, lets one frame's worth of events gather, and reads
// them in one go, so a burst of thousands of events costs the UI one
// update, not thousands.
type Bridge struct {
	ctx   context.Context
	log   *trace.Log
	sub   *trace.Subscription
	frame time.Duration
	batch int
}

// NewBridge subscribes to log. Close it when the program ends.
func NewBridge(ctx context.Context, log *trace.Log, frame time.Duration, batch int) *Bridge {
	return &Bridge{ctx: ctx, log: log, sub: log.Subscribe(), frame: frame, batch: max(batch, 1)}
}

// Close ends the subscription.
func (b *Bridge) Close() { b.sub.Close() }

// Wait returns a command that delivers the events from seq from on, as one
// ui.EventsMsg, once there are some. It returns nil when the bridge's
// context ends.
func (b *Bridge) Wait(from uint64) tea.Cmd {
	return func() tea.Msg {
		if b.log.Last() < from {
			select {
			case <-b.ctx.Done():
				return nil
			case <-b.sub.C():
			}
		}
		if b.frame > 0 {
			t := time.NewTimer(b.frame)
			select {
			case <-b.ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		evs, missed := b.log.Since(from, b.batch)
		next := from + missed
		if len(evs) > 0 {
			next = evs[len(evs)-1].Seq + 1
		}
		return ui.EventsMsg{Events: evs, Next: next, Missed: missed}
	}
}
