// Package peers is the workbench pane that lists the network's peers with
// their status, interpreter and connections, adds, kills and restarts
// local nodes, switches a node between the native interpreter and
// avm.wasm, and copies a node's id or js-client address.
package peers

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// Action is a change to the network the user asked for.
type Action uint8

// Actions on nodes.
const (
	Add Action = iota + 1
	Kill
	Restart
	// Deploy asks where the Marine module to deploy on the peer is.
	Deploy
	// Interpret makes the peer run its scripts with ActionMsg.Interpreter.
	Interpret
)

// The interpreters a local node can run its scripts with.
const (
	Native  = "native"
	AVMWasm = "avm.wasm"
)

// ActionMsg asks the workbench to change the network.
type ActionMsg struct {
	Action Action
	Peer   peer.ID
	// Interpreter names the interpreter of an Interpret action.
	Interpreter string
}

// Model is the peers pane.
type Model struct {
	ctx     *ui.Context
	peers   []session.PeerInfo
	err     error
	cur     ui.Cursor
	focused bool
	// control is false when the session cannot change the network;
	// interp, when its nodes cannot change their interpreter.
	control, interp bool
	w, h            int
}

// New returns an empty peers pane; control enables add, kill and
// restart, interp switching a node's interpreter.
func New(c *ui.Context, control, interp bool) *Model {
	return &Model{ctx: c, control: control, interp: interp}
}

// Update takes peer lists, and keys when focused.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.PeersMsg:
		m.err = msg.Err
		if msg.Err == nil {
			m.peers = msg.Peers
		}
		m.cur.SetLen(len(m.peers), m.listHeight())
	case tea.KeyPressMsg:
		if !m.focused {
			return nil
		}
		if m.cur.Move(msg, m.ctx.Keys.List, len(m.peers), m.listHeight()) {
			return nil
		}
		km := m.ctx.Keys.Peers
		sel := m.selected()
		if key.Matches(msg, km.Copy) && sel != nil {
			// OSC 52, as the editor copies: the terminal's clipboard.
			return tea.Batch(tea.SetClipboard(string(sel.ID)), ui.Status(fmt.Sprintf("copied %s's peer id %s", sel.Name, sel.ID)))
		}
		if key.Matches(msg, km.CopyAddr) && sel != nil {
			if sel.Connect == "" {
				name := sel.Name
				return func() tea.Msg {
					return ui.StatusMsg{Text: name + " has no address a js-client app can connect to", Err: true}
				}
			}
			return tea.Batch(tea.SetClipboard(sel.Connect), ui.Status(fmt.Sprintf("copied %s's js-client address %s", sel.Name, sel.Connect)))
		}
		if key.Matches(msg, km.Interpreter) && m.interp && sel != nil && sel.Role != session.RoleClient && sel.Up {
			next := AVMWasm
			if sel.Interpreter == AVMWasm {
				next = Native
			}
			return func() tea.Msg { return ActionMsg{Action: Interpret, Peer: sel.ID, Interpreter: next} }
		}
		if !m.control {
			return nil
		}
		switch {
		case key.Matches(msg, km.Add):
			return act(Add, "")
		case key.Matches(msg, km.Kill) && sel != nil && sel.Role != session.RoleClient:
			return act(Kill, sel.ID)
		case key.Matches(msg, km.Restart) && sel != nil && sel.Role != session.RoleClient:
			return act(Restart, sel.ID)
		case key.Matches(msg, km.Deploy) && sel != nil && sel.Role != session.RoleClient && sel.Up:
			return act(Deploy, sel.ID)
		}
	}
	return nil
}

func act(a Action, id peer.ID) tea.Cmd {
	return func() tea.Msg { return ActionMsg{Action: a, Peer: id} }
}

// Selected returns the peer under the cursor, if there is one.
func (m *Model) Selected() (session.PeerInfo, bool) {
	if p := m.selected(); p != nil {
		return *p, true
	}
	return session.PeerInfo{}, false
}

func (m *Model) selected() *session.PeerInfo {
	if m.cur.Index < len(m.peers) {
		return &m.peers[m.cur.Index]
	}
	return nil
}

// View draws one row per peer.
func (m *Model) View() string {
	st := m.ctx.Styles
	// A narrow pane leaves out the short id column: the selected peer's
	// id shows in full below the list.
	withID := m.w >= wideEnough
	cols := func(name, role, state, interp, conns, id, services string) string {
		if withID {
			return fmt.Sprintf("%-6s %-6s %s %-8s %5s  %-12s %s", name, role, state, interp, conns, id, services)
		}
		return fmt.Sprintf("%-6s %-6s %s %-8s %5s  %s", name, role, state, interp, conns, services)
	}
	lines := []string{st.Muted.Render(cols("name", "role", "state", "interp", "conns", "id", "services"))}
	if m.err != nil {
		lines = append(lines, st.Error.Render(m.err.Error()))
	}
	// The last line names the workbench's own peer, which a node must
	// allow (--allow-inspect) before the workbench can attach to it.
	var self []string
	if id := string(m.ctx.Self); id != "" {
		self = m.labelled("you attach as ", id)
	}
	self = append(m.selectedLines(), self...)
	room := m.h - len(lines) - len(self)
	end := min(m.cur.Offset+room, len(m.peers))
	for i := m.cur.Offset; i < end; i++ {
		p := m.peers[i]
		state := st.Good.Render("up   ")
		if !p.Up {
			state = st.Error.Render("down ")
		}
		interp := p.Interpreter
		if interp == "" {
			interp = "-"
		}
		row := cols(p.Name, p.Role.String(), state, interp, fmt.Sprint(p.Connections), p.ID.ShortString(), strings.Join(p.Services, ", "))
		lines = append(lines, ui.Row(row, m.w, i == m.cur.Index, m.focused, st.Selected, st.CursorLine))
	}
	if len(self) > 0 {
		for len(lines) < m.h-len(self) {
			lines = append(lines, "")
		}
		lines = append(lines, self...)
	}
	return ui.Block(lines, m.w, m.h)
}

// wideEnough is the narrowest pane that shows the id column.
const wideEnough = 64

// selectedLines show the selected peer's id in full, which the id
// column shortens, and the address a js-client app connects to it with.
func (m *Model) selectedLines() []string {
	sel := m.selected()
	if sel == nil {
		return nil
	}
	lines := m.labelled(sel.Name+" is ", string(sel.ID))
	if sel.Connect != "" {
		lines = append(lines, m.labelled("js-client: ", sel.Connect)...)
	}
	return lines
}

// labelled renders label and a peer id on one line or, when they do not
// fit side by side, the label above the id cut into lines of the pane's
// width: never shortened.
func (m *Model) labelled(label, id string) []string {
	st := m.ctx.Styles
	if len(label)+len(id) <= m.w {
		return []string{st.Muted.Render(label) + st.Text.Render(id)}
	}
	lines := []string{st.Muted.Render(strings.TrimSpace(label))}
	for w := max(m.w, 1); id != ""; {
		n := min(w, len(id))
		lines = append(lines, st.Text.Render(id[:n]))
		id = id[n:]
	}
	return lines
}

// ShortHelp lists the pane's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.ctx.Keys.Peers
	var out []key.Binding
	if !m.control {
		out = []key.Binding{m.ctx.Keys.List.Up, m.ctx.Keys.List.Down}
	} else {
		out = []key.Binding{km.Add, km.Kill, km.Restart, km.Deploy}
	}
	if m.interp {
		out = append(out, km.Interpreter)
	}
	return append(out, km.Copy, km.CopyAddr)
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.cur.SetLen(len(m.peers), m.listHeight()) }

// listHeight is the rows left for peers: the pane minus the column
// names and the line naming the workbench's own peer.
func (m *Model) listHeight() int {
	h := m.h - 1 - len(m.selectedLines())
	if m.ctx.Self != "" {
		h -= len(m.labelled("you attach as ", string(m.ctx.Self)))
	}
	return max(h, 1)
}

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
