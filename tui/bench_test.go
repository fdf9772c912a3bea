package tui

import (
	"fmt"
	"testing"

	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// loaded returns a 120x40 workbench whose trace holds n events from n/11
// particles, focused on the trace.
func loaded(b *testing.B, n int) *Model {
	m, s := newTestModel(b, 120, 40, "testdata/hello.aqua")
	for i := 0; s.Events().Last() < uint64(n); i++ {
		s.emit(fmt.Sprintf("particle-%05d", i), "12D3KooWclient", fakeID(i%3))
	}
	evs, missed := s.Events().Since(1, n)
	m.Update(ui.EventsMsg{Events: evs, Next: uint64(n) + 1, Missed: missed})
	m.Focus(TracePane)
	m.Render()
	return m
}

// BenchmarkKeypress10k is one keypress in the trace with 10,000 events:
// Update and the full View, as Bubble Tea runs them per message.
func BenchmarkKeypress10k(b *testing.B) {
	m := loaded(b, 10_000)
	keys := []string{"up", "down"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Update(keyMsg(keys[i%2]))
		m.View()
	}
}

// BenchmarkScroll10k pages through 10,000 events, so most rows are
// rendered for the first time.
func BenchmarkScroll10k(b *testing.B) {
	m := loaded(b, 10_000)
	press(m, "g")
	b.ResetTimer()
	for b.Loop() {
		m.Update(keyMsg("pgdown"))
		m.View()
	}
}

// BenchmarkEventsBatch is one frame's batch of 1,000 events arriving with
// 10,000 already held, then a render.
func BenchmarkEventsBatch(b *testing.B) {
	m, s := newTestModel(b, 120, 40, "testdata/hello.aqua")
	for i := 0; s.Events().Last() < 10_000; i++ {
		s.emit(fmt.Sprintf("old-%05d", i), "12D3KooWclient", fakeID(0))
	}
	evs, _ := s.Events().Since(1, 10_000)
	m.Update(ui.EventsMsg{Events: evs, Next: 10_001})
	m.Update(ui.FilterMsg{})
	batch, _ := s.Events().Since(1, 1000)
	b.ResetTimer()
	for b.Loop() {
		m.Update(ui.EventsMsg{Events: batch, Next: 1})
		m.View()
	}
}
