// Package keys is the workbench's one keymap: every binding, grouped by
// where it applies, so help text and matching use the same values.
package keys

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the workbench.
type KeyMap struct {
	Global Global
	List   List
	Editor Editor
	Peers  Peers
	Trace  Trace
	Debug  Debug
}

// Global bindings work in every pane.
type Global struct {
	Quit, NextPane, PrevPane, Help key.Binding
	// QuitKey quits too where q types nothing: outside the editor, the
	// form and the prompts. Both ask first if there are unsaved changes.
	QuitKey key.Binding
	// Pane focuses a pane directly: Pane[0] is alt+1.
	Pane    [8]key.Binding
	Run     key.Binding
	Save    key.Binding
	NextErr key.Binding
	// Zoom gives the focused pane the whole screen, and back.
	Zoom key.Binding
	// Messages opens the log of every status message.
	Messages key.Binding
}

// List bindings move a cursor through rows.
type List struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Select key.Binding
}

// Editor bindings, beyond typing.
type Editor struct {
	NextTab, PrevTab, Leave key.Binding
	Undo, Redo              key.Binding
	// Copy copies the selection; without one, ctrl+c is Quit.
	Copy, Cut, Paste key.Binding
	// Select extends the selection with the cursor (shift with a
	// movement key); SelectAll selects the whole file.
	Select, SelectAll key.Binding
	Find, GoTo        key.Binding
}

// Peers bindings control the local network; Copy copies the selected
// peer's id to the terminal's clipboard, CopyAddr the address a
// js-client app connects to it with; Interpreter switches the selected
// node between the native interpreter and avm.wasm.
type Peers struct {
	Add, Kill, Restart, Deploy key.Binding
	Copy, CopyAddr             key.Binding
	Interpreter                key.Binding
}

// Trace bindings filter and follow the timeline.
type Trace struct {
	Filter, ClearFilter, Follow key.Binding
}

// Debug bindings step the network and move through its recording. They
// work in every pane, the editor too, so they are control keys.
type Debug struct {
	// Pause pauses a running network and continues a paused one (to the
	// next breakpoint, if one matches).
	Pause key.Binding
	// Step runs the next held interpretation.
	Step key.Binding
	// StepOver steps until the calls the current hop asked for have come
	// back to its peer: alt+n, beside step, or f10 as in most debuggers.
	StepOver key.Binding
	// Back and Forward move through the current particle's hops.
	Back, Forward key.Binding
	// Break toggles a breakpoint on what the focused pane has selected:
	// the AIR line, the peer, the service call; elsewhere it asks.
	Break key.Binding
	// SaveRec saves the recording to a file.
	SaveRec key.Binding
	// Attach opens a session on a remote node.
	Attach key.Binding
}

// Default returns the default keymap.
func Default() *KeyMap {
	km := &KeyMap{
		Global: Global{
			Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
			NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
			PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev pane")),
			Help:     key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
			Run:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "run")),
			Save:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
			NextErr:  key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "next error")),
			QuitKey:  key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
			Zoom:     key.NewBinding(key.WithKeys("alt+z", "f11"), key.WithHelp("alt+z", "zoom pane")),
			Messages: key.NewBinding(key.WithKeys("alt+m", "f12"), key.WithHelp("alt+m", "messages")),
		},
		List: List{
			Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
			PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
			Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
			Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
			Select:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
		},
		Editor: Editor{
			NextTab: key.NewBinding(key.WithKeys("ctrl+pgdown", "alt+right"), key.WithHelp("alt+→", "next file")),
			PrevTab: key.NewBinding(key.WithKeys("ctrl+pgup", "alt+left"), key.WithHelp("alt+←", "prev file")),
			Leave:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave editor")),
			Undo:    key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "undo")),
			Redo:    key.NewBinding(key.WithKeys("ctrl+y", "ctrl+shift+z"), key.WithHelp("ctrl+y", "redo")),
			Copy:    key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "copy selection")),
			Cut:     key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "cut (line)")),
			Paste:   key.NewBinding(key.WithKeys("ctrl+v"), key.WithHelp("ctrl+v", "paste")),
			Select: key.NewBinding(key.WithKeys("shift+up", "shift+down", "shift+left", "shift+right",
				"shift+home", "shift+end", "shift+pgup", "shift+pgdown", "ctrl+shift+home", "ctrl+shift+end"),
				key.WithHelp("shift+↑↓←→", "select")),
			SelectAll: key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "select all")),
			Find:      key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "find")),
			GoTo:      key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to line")),
		},
		Peers: Peers{
			Add:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add node")),
			Kill:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "kill")),
			Restart:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
			Deploy:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deploy module")),
			Copy:        key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
			CopyAddr:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy js-client address")),
			Interpreter: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "native/avm.wasm")),
		},
		Trace: Trace{
			Filter:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter particle")),
			ClearFilter: key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "all particles")),
			Follow:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "follow")),
		},
		Debug: Debug{
			Pause:    key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "pause/continue")),
			Step:     key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "step")),
			StepOver: key.NewBinding(key.WithKeys("alt+n", "f10"), key.WithHelp("alt+n", "step over calls")),
			Back:     key.NewBinding(key.WithKeys("ctrl+left", "alt+,"), key.WithHelp("ctrl+←", "hop back")),
			Forward:  key.NewBinding(key.WithKeys("ctrl+right", "alt+."), key.WithHelp("ctrl+→", "hop forward")),
			Break:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "breakpoint")),
			SaveRec:  key.NewBinding(key.WithKeys("ctrl+w"), key.WithHelp("ctrl+w", "save recording")),
			Attach:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "attach")),
		},
	}
	for i := range km.Global.Pane {
		n := string(rune('1' + i))
		km.Global.Pane[i] = key.NewBinding(key.WithKeys("alt+"+n, "f"+string(rune('2'+i))), key.WithHelp("alt+"+n, "pane "+n))
	}
	return km
}
