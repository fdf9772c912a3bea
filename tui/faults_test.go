package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// deliver appends events to the fake session's log and hands the model
// every event it holds, as the bridge would.
func deliver(m *Model, s *fakeSession, evs ...trace.Event) {
	for _, e := range evs {
		s.log.Append(e)
	}
	all, missed := s.Events().Since(1, 1<<16)
	m.Update(ui.EventsMsg{Events: all, Next: all[len(all)-1].Seq + 1, Missed: missed})
}

// laneColumns returns, for each row of the trace pane, the cell of its
// first lane: where the time column ends.
func laneColumns(view string) []int {
	var cols []int
	for _, l := range strings.Split(ansi.Strip(view), "\n")[1:] {
		for i, r := range []rune(l) {
			if strings.ContainsRune("│◉▣◆●◀▶✓✗·", r) {
				cols = append(cols, i)
				break
			}
		}
	}
	return cols
}

func TestTraceTimesKeepLanesAligned(t *testing.T) {
	m, s := newTestModel(t, 120, 30, "testdata/hello.aqua")
	client, relay := peer.ID("12D3KooWclient"), fakeID(0)
	base := s.base
	var evs []trace.Event
	for _, d := range []time.Duration{0, 900 * time.Microsecond, 999 * time.Millisecond, 1500 * time.Millisecond,
		9999 * time.Millisecond, 12345 * time.Millisecond, 59 * time.Second, 10*time.Minute + 3*time.Second,
		3*time.Hour + 7*time.Minute, 150 * time.Hour} {
		evs = append(evs, trace.Event{Kind: trace.Interpreted, Particle: "p-long", Peer: relay, Time: base.Add(d), DataSize: 100})
	}
	evs[0].Kind, evs[0].Peer = trace.Received, client
	deliver(m, s, evs...)
	m.trace.SetFilter("p-long")
	view := m.trace.View()
	cols := laneColumns(view)
	if len(cols) != len(evs) {
		t.Fatalf("%d rows with lanes, want %d:\n%s", len(cols), len(evs), ansi.Strip(view))
	}
	for i, c := range cols {
		if c != cols[0] {
			t.Errorf("row %d starts its lanes at cell %d, row 1 at %d:\n%s", i+1, c, cols[0], ansi.Strip(view))
		}
	}
	golden.RequireEqual(t, ansi.Strip(view))
}

func TestAllParticlesShareOneClock(t *testing.T) {
	m, s := newTestModel(t, 120, 30, "testdata/hello.aqua")
	client, relay := peer.ID("12D3KooWclient"), fakeID(0)
	deliver(m, s,
		trace.Event{Kind: trace.Received, Particle: "p-first", Peer: client, Time: s.base},
		trace.Event{Kind: trace.Interpreted, Particle: "p-first", Peer: client, Time: s.base.Add(time.Millisecond)},
		trace.Event{Kind: trace.Received, Particle: "p-second", Peer: client, Time: s.base.Add(2500 * time.Millisecond)},
		trace.Event{Kind: trace.Sent, Particle: "p-second", Peer: client, To: relay, Time: s.base.Add(2600 * time.Millisecond)},
	)
	m.Update(ui.FilterMsg{})
	all := ansi.Strip(m.trace.View())
	for _, want := range []string{"+0.0ms", "+1.0ms", "+2.500s", "+2.600s"} {
		if !strings.Contains(all, want) {
			t.Errorf("all particles: no %s, each row counts from the first event:\n%s", want, all)
		}
	}
	m.Update(ui.FilterMsg{Particle: "p-second"})
	one := ansi.Strip(m.trace.View())
	for _, want := range []string{"+0.0ms", "+100.0ms"} {
		if !strings.Contains(one, want) {
			t.Errorf("one particle: no %s, its rows count from its start:\n%s", want, one)
		}
	}
	golden.RequireEqual(t, all)
}

func TestInspectorWrapsAtWords(t *testing.T) {
	m, _ := newTestModel(t, 100, 30, "testdata/hello.aqua")
	sentence := `"hello from the relay, world: every word of this result stays whole when the inspector wraps it"`
	m.Update(ui.SelectMsg{Selection: ui.Selection{Call: &ui.Call{Particle: "6991d49d-d957-4566-8190-fdf24a59f8b7",
		Peer: fakeID(0), Service: "op", Function: "concat_strings", Args: `["hello from the relay, ", "world"]`,
		Done: true, Result: sentence}}})
	view := ansi.Strip(m.inspector.View())
	text := strings.Join(strings.Fields(view), " ")
	for _, w := range strings.Fields(strings.Trim(sentence, `"`)) {
		if !strings.Contains(text, w) {
			t.Errorf("the word %q is broken:\n%s", w, view)
		}
	}
	golden.RequireEqual(t, view)
}

func TestInspectorNumbersHopsAsAIRPane(t *testing.T) {
	m, s := newReplayModel(t, 140, 40, Options{})
	// A hop numbered 78 in the whole recording, the first of its
	// particle: both panes say hop 1 of 1.
	h := *s.Recording().Hops()[2]
	h.Seq = 78
	m.Update(ui.DebugMsg{Stop: session.Stop{Hop: &h}, Hop: 1, Hops: 1})
	air := strings.SplitN(ansi.Strip(m.air.View()), "\n", 2)[0]
	m.inspector.SetSize(100, 30)
	insp := strings.SplitN(ansi.Strip(m.inspector.View()), "\n", 2)[0]
	if !strings.Contains(air, "hop 1 of 1 · particle-1 at node0") {
		t.Errorf("AIR pane title %q", air)
	}
	if !strings.HasPrefix(insp, "hop 1 of 1 · particle-1 at node0") || strings.Contains(insp, "78") {
		t.Errorf("inspector title %q, want the AIR pane's numbering", insp)
	}
}

func TestFailedRunDoesNotEndCompleted(t *testing.T) {
	for _, resultFirst := range []bool{false, true} {
		name := "events first"
		if resultFirst {
			name = "result first"
		}
		t.Run(name, func(t *testing.T) {
			m, s := newTestModel(t, 200, 40, "testdata/hello.aqua")
			fn := ui.Function{Name: "broken", Signature: "broken() -> ()", AIR: `(call %init_peer_id% ("risky" "run") [] ret)`}
			m.Update(ui.RunStartedMsg{ID: 1, Display: "broken()", ParticleID: "p-0001"})
			_, err := s.Run(context.Background(), session.Call{Script: fn.AIR, ParticleID: "p-0001"})
			done := ui.RunDoneMsg{Result: ui.RunResult{ID: 1, Display: "broken()", ParticleID: "p-0001", Err: err}}
			if resultFirst {
				m.Update(done)
			}
			evs, _ := s.Events().Since(1, 100)
			m.Update(ui.EventsMsg{Events: evs, Next: evs[len(evs)-1].Seq + 1})
			m.View() // the completed row is drawn, and cached, before the result
			if !resultFirst {
				m.Update(done)
			}
			view := ansi.Strip(m.trace.View())
			if strings.Contains(view, "✓") || !strings.Contains(view, "completed, but the run failed: ") ||
				!strings.Contains(view, "Service with id 'risky' not found") {
				t.Errorf("a failed run's trace:\n%s", view)
			}
			if !resultFirst {
				golden.RequireEqual(t, view)
			}
		})
	}
}

func TestRunFormRemembersArguments(t *testing.T) {
	m, _ := newTestModel(t, 120, 40, "testdata/hello.aqua")
	press(m, "esc", "down", "enter") // greetAll's form
	press(m, "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	for _, r := range `"Aqua"` {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd := m.Update(keyMsg("enter"))
	if _, ok := cmd().(ui.RunRequest); !ok {
		t.Fatalf("the form did not run: %s", screen(m))
	}
	press(m, "enter")
	if out := screen(m); !strings.Contains(out, `name: string = "Aqua"`) || !strings.Contains(out, "nodes: []string = nodes") {
		t.Errorf("the form forgot the last arguments:\n%s", out)
	}
	// Another function keeps its own.
	press(m, "esc", "up", "enter")
	if out := screen(m); !strings.Contains(out, `name: string = "world"`) {
		t.Errorf("hello's form took greetAll's arguments:\n%s", out)
	}
}
