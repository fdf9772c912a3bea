package tui

import (
	"context"
	"fmt"
	"testing"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// hundredPeers returns a 160x48 workbench on a network of 100 nodes and
// a client, whose trace holds 10,000 events of particles that each
// cross the client, its relay and one of the nodes, focused on pane.
func hundredPeers(b *testing.B, pane Pane) *Model {
	m, _ := newTestModel(b, 160, 48, "testdata/hello.aqua")
	s := newFakeSession(100)
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})
	for i := 0; s.Events().Last() < 10_000; i++ {
		s.emit(fmt.Sprintf("particle-%05d", i), "12D3KooWclient", fakeID(i%100))
	}
	evs, missed := s.Events().Since(1, 10_000)
	m.Update(ui.EventsMsg{Events: evs, Next: 10_001, Missed: missed})
	m.Focus(pane)
	m.Render()
	return m
}

// BenchmarkHundredPeers is one keypress, Update and the full View, in
// the peers and the trace panes of a workbench on 100 nodes; and the
// peer list that the workbench polls arriving again.
func BenchmarkHundredPeers(b *testing.B) {
	for _, c := range []struct {
		name string
		pane Pane
	}{{"pane=peers", PeersPane}, {"pane=trace", TracePane}} {
		b.Run(c.name, func(b *testing.B) {
			m := hundredPeers(b, c.pane)
			keys := []string{"down", "up"}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				m.Update(keyMsg(keys[i%2]))
				m.View()
			}
		})
	}
	b.Run("peers-poll", func(b *testing.B) {
		m := hundredPeers(b, TracePane)
		ps, _ := newFakeSession(100).Peers(context.Background())
		b.ReportAllocs()
		for b.Loop() {
			m.Update(ui.PeersMsg{Peers: ps})
			m.View()
		}
	})
}
