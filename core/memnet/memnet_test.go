package memnet

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// inbox records what reaches a peer.
type inbox struct {
	mu   sync.Mutex
	got  []string
	seen chan struct{}
}

func newInbox() *inbox { return &inbox{seen: make(chan struct{}, 100)} }

func (b *inbox) Deliver(from peer.ID, p *particle.Particle) {
	b.mu.Lock()
	b.got = append(b.got, p.ID)
	b.mu.Unlock()
	b.seen <- struct{}{}
}

func (b *inbox) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.got)
}

func send(t *testing.T, tr Transport, to peer.ID, id string) error {
	t.Helper()
	return tr.Send(context.Background(), to, particle.New(id, "", "(null)", time.UnixMilli(0), time.Minute))
}

func TestFaults(t *testing.T) {
	a, b, c := NewPeer("a"), NewPeer("b"), NewPeer("c")
	n := New()
	defer n.Close()
	ib := newInbox()
	ta := n.Add(a.ID, newInbox())
	n.Add(b.ID, ib)

	if err := send(t, ta, b.ID, "1"); err != nil || ib.count() != 1 {
		t.Fatalf("send: %v; delivered %d, want 1 at once", err, ib.count())
	}
	if err := send(t, ta, c.ID, "2"); err == nil {
		t.Error("a send to an unknown peer succeeded")
	}
	n.Partition(a.ID, b.ID)
	if err := send(t, ta, b.ID, "3"); err == nil {
		t.Error("a send across a partition succeeded")
	}
	n.Heal(a.ID, b.ID)
	n.Kill(b.ID)
	if err := send(t, ta, b.ID, "4"); err == nil {
		t.Error("a send to a killed peer succeeded")
	}
	if err := send(t, n.Transport(b.ID), a.ID, "5"); err == nil {
		t.Error("a killed peer sent")
	}
	n.Revive(b.ID)
	if err := send(t, ta, b.ID, "6"); err != nil || ib.count() != 2 {
		t.Errorf("send after revival: %v; delivered %d, want 2", err, ib.count())
	}
}

func TestLatency(t *testing.T) {
	a, b := NewPeer("a"), NewPeer("b")
	n := New(WithLink(Link{Latency: 20 * time.Millisecond}))
	defer n.Close()
	ib := newInbox()
	ta := n.Add(a.ID, newInbox())
	n.Add(b.ID, ib)
	start := time.Now()
	if err := send(t, ta, b.ID, "1"); err != nil {
		t.Fatal(err)
	}
	if ib.count() != 0 {
		t.Fatal("delivered before its latency")
	}
	<-ib.seen
	if took := time.Since(start); took < 20*time.Millisecond {
		t.Errorf("delivered after %v, want at least 20ms", took)
	}
}

// Close waits for the deliveries on their way and drops them.
func TestCloseDropsDelayed(t *testing.T) {
	a, b := NewPeer("a"), NewPeer("b")
	n := New(WithLink(Link{Latency: time.Hour}))
	ib := newInbox()
	ta := n.Add(a.ID, newInbox())
	n.Add(b.ID, ib)
	if err := send(t, ta, b.ID, "1"); err != nil {
		t.Fatal(err)
	}
	n.Close()
	if ib.count() != 0 {
		t.Error("a delayed particle was delivered after Close")
	}
	if err := send(t, ta, b.ID, "2"); err != ErrClosed {
		t.Errorf("send after Close = %v, want ErrClosed", err)
	}
}

// The same seed loses the same particles.
func TestLossIsSeeded(t *testing.T) {
	lost := func(seed uint64) []string {
		a, b := NewPeer("a"), NewPeer("b")
		n := New(WithSeed(seed))
		defer n.Close()
		n.SetLink(a.ID, b.ID, Link{Loss: 0.5})
		ib := newInbox()
		ta := n.Add(a.ID, newInbox())
		n.Add(b.ID, ib)
		for i := range 64 {
			if err := send(t, ta, b.ID, string(rune('A'+i))); err != nil {
				t.Fatal(err)
			}
		}
		return ib.got
	}
	first, again := lost(7), lost(7)
	if len(first) == 0 || len(first) == 64 {
		t.Fatalf("%d of 64 delivered at a loss of 0.5", len(first))
	}
	if string(joinIDs(first)) != string(joinIDs(again)) {
		t.Errorf("seed 7 delivered %v, then %v", first, again)
	}
}

func joinIDs(ids []string) []byte {
	var b []byte
	for _, id := range ids {
		b = append(b, id...)
		b = append(b, ',')
	}
	return b
}

// reports records the drops reported to a peer.
type reports struct {
	*inbox
	drops []trace.Event
}

func (r *reports) Reported(from peer.ID, drop trace.Event) { r.drops = append(r.drops, drop) }

func TestReport(t *testing.T) {
	a, b := NewPeer("a"), NewPeer("b")
	n := New()
	defer n.Close()
	rb := &reports{inbox: newInbox()}
	ta := n.Add(a.ID, newInbox())
	n.Add(b.ID, rb)
	if err := ta.Report(context.Background(), b.ID, trace.Event{Particle: "p", Reason: trace.Unroutable}); err != nil {
		t.Fatal(err)
	}
	if len(rb.drops) != 1 || rb.drops[0].Particle != "p" {
		t.Errorf("reported %v, want the drop of p", rb.drops)
	}
	n.Partition(a.ID, b.ID)
	if err := ta.Report(context.Background(), b.ID, trace.Event{Particle: "q"}); err == nil {
		t.Error("a report crossed a partition")
	}
}

func TestNewPeerIsStable(t *testing.T) {
	a, again, b := NewPeer("a"), NewPeer("a"), NewPeer("b")
	if a.ID != again.ID || a.ID == b.ID {
		t.Error("a peer's id does not follow from its name alone")
	}
}
