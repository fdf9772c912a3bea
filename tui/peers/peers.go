// Package peers is the workbench pane that lists the network's peers with
// their status and connections, and adds, kills and restarts local nodes.
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
)

// ActionMsg asks the workbench to change the network.
type ActionMsg struct {
	Action Action
	Peer   peer.ID
}

// Model is the peers pane.
type Model struct {
	ctx     *ui.Context
	peers   []session.PeerInfo
	err     error
	cur     ui.Cursor
	focused bool
	// control is false when the session cannot change the network.
	control bool
	w, h    int
}

// New returns an empty peers pane; control enables add, kill and restart.
func New(c *ui.Context, control bool) *Model { return &Model{ctx: c, control: control} }

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
	lines := []string{st.Muted.Render(fmt.Sprintf("%-7s %-6s %-5s %5s  %-12s %s", "name", "role", "state", "conns", "id", "services"))}
	if m.err != nil {
		lines = append(lines, st.Error.Render(m.err.Error()))
	}
	// The last line names the workbench's own peer, which a node must
	// allow (--allow-inspect) before the workbench can attach to it.
	var self []string
	if id := string(m.ctx.Self); id != "" {
		self = m.labelled("you attach as ", id)
	}
	// The selected peer's id in full, which the id column shortens.
	var full []string
	if sel := m.selected(); sel != nil {
		full = m.labelled(sel.Name+" is ", string(sel.ID))
	}
	self = append(full, self...)
	room := m.h - len(lines) - len(self)
	end := min(m.cur.Offset+room, len(m.peers))
	for i := m.cur.Offset; i < end; i++ {
		p := m.peers[i]
		state := st.Good.Render("up   ")
		if !p.Up {
			state = st.Error.Render("down ")
		}
		row := fmt.Sprintf("%-7s %-6s %s %5d  %-12s %s", p.Name, p.Role, state, p.Connections, p.ID.ShortString(), strings.Join(p.Services, ", "))
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
	if !m.control {
		return []key.Binding{m.ctx.Keys.List.Up, m.ctx.Keys.List.Down, km.Copy}
	}
	return []key.Binding{km.Add, km.Kill, km.Restart, km.Deploy, km.Copy}
}

// FullHelp lists the pane's keys in columns.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// SetSize sets the content size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.cur.SetLen(len(m.peers), m.listHeight()) }

// listHeight is the rows left for peers: the pane minus the column
// names and the line naming the workbench's own peer.
func (m *Model) listHeight() int {
	h := m.h - 1
	if sel := m.selected(); sel != nil {
		h -= len(m.labelled(sel.Name+" is ", string(sel.ID)))
	}
	if m.ctx.Self != "" {
		h -= len(m.labelled("you attach as ", string(m.ctx.Self)))
	}
	return max(h, 1)
}

// Focus gives the pane the keyboard.
func (m *Model) Focus() { m.focused = true }

// Blur takes it away.
func (m *Model) Blur() { m.focused = false }
