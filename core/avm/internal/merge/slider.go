package merge

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

// slider reads a window of a trace: at most window states from pos on.
type slider struct {
	trace  []data.State
	pos    uint32
	window uint32
	seen   uint32
}

func newSlider(trace []data.State) slider {
	return slider{trace: trace, window: uint32(len(trace))}
}

func (s *slider) len() uint32 { return uint32(len(s.trace)) }

// next returns the next state of the window, or nil when it is exhausted.
func (s *slider) next() data.State {
	if s.seen >= s.window || s.pos >= s.len() {
		return nil
	}
	st := s.trace[s.pos]
	s.pos++
	s.seen++
	return st
}

// peek returns the state next would return, without taking it.
func (s *slider) peek() data.State {
	if s.seen >= s.window || s.pos >= s.len() {
		return nil
	}
	return s.trace[s.pos]
}

// remaining is the number of states left in the window.
func (s *slider) remaining() uint32 { return s.window - s.seen }

func (s *slider) setWindow(n uint32) error {
	if s.len()-s.pos < n {
		return fmt.Errorf("subtrace of %d states at position %d does not fit in a trace of %d states", n, s.pos, s.len())
	}
	s.window, s.seen = n, 0
	return nil
}

func (s *slider) setPosWindow(pos, n uint32) error {
	if n != 0 && (uint64(pos)+uint64(n) > uint64(s.len())) {
		return fmt.Errorf("subtrace of %d states at position %d does not fit in a trace of %d states", n, pos, s.len())
	}
	s.pos, s.window, s.seen = pos, n, 0
	return nil
}

// at returns the state at an absolute position.
func (s *slider) at(pos uint32) (data.State, bool) {
	if pos >= s.len() {
		return nil, false
	}
	return s.trace[pos], true
}

// frame is a slider position to restore after a par branch or a fold.
type frame struct {
	pos, window uint32
}

func (s *slider) restore(f frame) {
	// The frame was checked when computed; it only ever shrinks the window.
	_ = s.setPosWindow(f.pos, f.window)
}

// after returns the frame that skips n states past the current position,
// leaving what remains of the window.
func (s *slider) after(n uint32) (frame, error) {
	rem := s.remaining()
	if n > rem {
		return frame{}, fmt.Errorf("a subtrace of %d states is longer than the %d states left in its window", n, rem)
	}
	return frame{pos: s.pos + n, window: rem - n}, nil
}
