// Package ui holds what the workbench's panes share: the context passed
// to each of them, the component contract, the compiler's output as the
// panes see it, and the messages that cross panes.
package ui

import (
	"context"
	"encoding/json"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/aqua/diag"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/keys"
	"github.com/aquarium-p2p/aquarium/tui/theme"
)

// Context is shared by every pane, by pointer: styles, keys, and what the
// workbench knows of the network's peers.
type Context struct {
	Styles *theme.Styles
	Keys   *keys.KeyMap
	// Names gives peers short display names ("node0", "client").
	Names map[peer.ID]string
	// Lanes orders peers for the timeline: nodes, then the client.
	Lanes []peer.ID
	// Self is the peer the workbench attaches to remote nodes as, which
	// a node must allow; empty if it cannot attach.
	Self peer.ID
}

// Name returns the display name of id.
func (c *Context) Name(id peer.ID) string {
	if n, ok := c.Names[id]; ok {
		return n
	}
	if id == "" {
		return "-"
	}
	return id.ShortString()
}

// Component is one pane: it takes messages, draws itself at the size it
// was given, and describes its keys.
type Component interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	// View draws the pane's content, exactly width by height cells.
	View() string
	SetSize(width, height int)
	Focus()
	Blur()
}

// Source is one file's text at one edit.
type Source struct {
	Path string
	Text string
}

// Param is one parameter of an exported function.
type Param struct {
	Name string
	// Type is the parameter's Aqua type, which its argument is checked
	// against; a function-typed parameter (session.KindArrow) cannot be
	// filled from a form.
	Type session.Type
}

// Function is an exported function, compiled.
type Function struct {
	Name      string
	Signature string
	Params    []Param
	// Results is how many values the function returns.
	Results int
	// AIR is the function's script.
	AIR string
	// Line is the line of the function's declaration in the compiled
	// file; 0 for a function it imports and exports.
	Line int
}

// Build is the outcome of compiling one file.
type Build struct {
	Functions   []Function
	Diagnostics diag.List
}

// Compiler compiles one file. It runs off the UI goroutine and must not
// keep src.
type Compiler func(ctx context.Context, src Source) Build

// EventsMsg carries trace events read from the session's log since the
// last batch: one message per frame, never one per event.
type EventsMsg struct {
	Events []trace.Event
	// Next is the sequence number to read from next.
	Next uint64
	// Missed counts events evicted before they could be read.
	Missed uint64
}

// PeersMsg is a fresh list of the session's peers.
type PeersMsg struct {
	Peers []session.PeerInfo
	Err   error
}

// BuildMsg is a finished compile of the editor tab Path at Version.
type BuildMsg struct {
	Path    string
	Version int
	Build   Build
}

// RunRequest asks the workbench to run fn with args.
type RunRequest struct {
	Function Function
	Args     map[string]json.RawMessage
	// Display is the call as the user wrote it, for the history.
	Display string
}

// RunResult is a function run that ended.
type RunResult struct {
	ID         int
	Display    string
	ParticleID string
	Values     []json.RawMessage
	Err        error
	Took       time.Duration
}

// RunStartedMsg says a run has begun as particle ParticleID.
type RunStartedMsg struct {
	ID         int
	Display    string
	ParticleID string
}

// RunDoneMsg is a run's outcome.
type RunDoneMsg struct{ Result RunResult }

// Selection is what the inspector shows.
type Selection struct {
	Event  *trace.Event
	Call   *Call
	Result *RunResult
	// Hop is a recorded interpretation: the inspector shows the
	// particle's data at its peer. HopTitle names it as the AIR pane
	// does, such as "hop 2 of 8 · p-0001 at node1".
	Hop      *session.Hop
	HopTitle string
}

// DebugMsg is the debugger's state, read off the UI goroutine after it
// changed or after an action the user asked for.
type DebugMsg struct {
	Paused  bool
	Pending []session.Pending
	// Stop is where the debugger stands; Stop.Hop is nil before the
	// first step.
	Stop session.Stop
	// Hop and Hops place the stop among its particle's recorded hops,
	// from 1.
	Hop, Hops   int
	Breakpoints []session.Breakpoint
	// Recorded counts the hops the recording holds.
	Recorded int
	// Note says what the action did; Err why it failed.
	Note string
	Err  error
}

// SelectMsg changes the inspector's subject.
type SelectMsg struct{ Selection Selection }

// FilterMsg filters the trace and calls to one particle ("" for all).
type FilterMsg struct{ Particle string }

// JumpMsg moves the editor's cursor to a diagnostic's position.
type JumpMsg struct {
	Path         string
	Line, Column int
}

// StatusMsg shows a line in the status bar; Err makes it an error.
type StatusMsg struct {
	Text string
	Err  bool
}

// Call is a service call joined with its outcome.
type Call struct {
	Particle          string
	Peer              peer.ID
	CallID            uint32
	Service, Function string
	Args              string
	// Done is set once the call has finished.
	Done    bool
	Result  string
	RetCode int64
	Err     string
	Started time.Time
	Took    time.Duration
}

// Status returns a message for the status bar.
func Status(format string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: format} }
}
