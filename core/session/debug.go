package session

import (
	"context"
	"io"

	"github.com/aquarium-p2p/aquarium/core/debug"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Debugger is what a session over a local network can also do: pause the
// network, step it one interpretation at a time, stop at breakpoints and
// move back and forth through every hop it recorded. The interpreter is
// pure, so a recorded hop shows a particle's data at that peer exactly as
// it was, without running anything again.
//
// While the network is paused, Run does not return until the particle has
// been stepped (or continued) to its end: run it on its own goroutine.
type Debugger interface {
	// Pause holds every interpretation from now on.
	Pause()
	// Continue lets the network run until a breakpoint matches.
	Continue()
	// Paused reports whether the network is paused.
	Paused() bool
	// Pending lists the interpretations held, oldest first.
	Pending() []Pending
	// Step lets the oldest held interpretation run (waiting for one if
	// none is held yet) and makes its hop the current stop.
	Step(ctx context.Context) (Stop, error)
	// StepOver steps over the service calls the current stop's hop asked
	// for: it steps until the hop of the same particle on the same peer
	// that takes the last of their results has run (or a breakpoint
	// matches on the way) and stops there. From a hop that asked for no
	// calls it is Step.
	StepOver(ctx context.Context) (Stop, error)
	// Back and Forward move the current stop through its particle's
	// recorded hops; they report false at either end.
	Back() (Stop, bool)
	Forward() (Stop, bool)
	// Select makes recorded hop seq the current stop.
	Select(seq uint64) (Stop, bool)
	// Current returns the current stop, if there is one.
	Current() (Stop, bool)
	// SetBreakpoints replaces the breakpoints; Breakpoints lists them.
	SetBreakpoints([]Breakpoint)
	Breakpoints() []Breakpoint
	// Recording holds every hop recorded; save it with debug.Save.
	Recording() *debug.Recording
	// Subscribe tells, coalesced, of every change: paused, held,
	// stepped, stopped at a breakpoint, moved. Call cancel when done.
	Subscribe() (changes <-chan struct{}, cancel func())
}

// The debugger's values, named here so that front ends need only this
// package.
type (
	// Hop is one recorded interpretation: its inputs and outcome. Its
	// Outcome.Stops are the instructions to highlight.
	Hop = debug.Hop
	// Stop is where the debugger stands: a hop, and the breakpoint hit.
	Stop = debug.Stop
	// Breakpoint stops the network after a hop that matches it.
	Breakpoint = debug.Breakpoint
	// Pending is an interpretation a paused network holds back.
	Pending = debug.Pending
	// BreakKind says what a breakpoint matches.
	BreakKind = debug.BreakKind
	// Source is a file of the program a recording ran, saved with it.
	Source = debug.Source
)

// Breakpoint kinds.
const (
	// OnPeer stops after any hop on the breakpoint's Peer.
	OnPeer = debug.OnPeer
	// OnCall stops after a hop that asks for a call of the breakpoint's
	// Service and Function.
	OnCall = debug.OnCall
	// OnInstruction stops after a hop of the breakpoint's Script that
	// stopped at an instruction overlapping its Span.
	OnInstruction = debug.OnInstruction
	// OnError stops after a hop that failed or was given a failed call's
	// result.
	OnError = debug.OnError
)

// RenderHop writes a hop for people to read, as debug.Render does: where
// it ran, the instructions it stopped at with the variables there, its
// calls, where it sent the particle, and its data. name names peers; nil
// prints their short ids.
func RenderHop(w io.Writer, h *Hop, name func(peer.ID) string) error {
	return debug.Render(w, h, name)
}

// Position returns the line and column, from 1, of byte offset in
// script.
func Position(script string, offset int) (line, col int) { return debug.Position(script, offset) }

// SaveRecording writes hops, with the program's sources, to the file at
// path, for aquarium replay.
func SaveRecording(path string, hops []*Hop, sources []Source) error {
	return debug.SaveFile(path, hops, sources)
}

var _ Debugger = (*debug.Debugger)(nil)
