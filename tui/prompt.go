package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// promptKind is what a one-line prompt in the header asks for.
type promptKind uint8

const (
	promptSave promptKind = iota + 1
	promptBreak
	promptAttach
	promptDeploy
)

// prompt asks for one line in the header: enter submits, esc cancels.
type prompt struct {
	kind  promptKind
	input textinput.Model
	peer  peer.ID // the node a deploy prompt is for
}

func (m *Model) openPrompt(k promptKind, label, value string) tea.Cmd {
	in := textinput.New()
	in.Prompt = label
	in.SetValue(value)
	in.CursorEnd()
	in.SetWidth(max(m.w-len(label)-2, 10))
	m.prompt = &prompt{kind: k, input: in}
	return m.prompt.input.Focus()
}

// promptKey handles a key while a prompt is open.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	p := m.prompt
	switch msg.String() {
	case "esc":
		m.prompt = nil
		return nil
	case "enter":
		m.prompt = nil
		return m.submit(p.kind, p.peer, strings.TrimSpace(p.input.Value()))
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (m *Model) submit(k promptKind, peerOf peer.ID, value string) tea.Cmd {
	switch k {
	case promptSave:
		if value == "" {
			m.setStatus("not saved: no file name", true)
			return nil
		}
		return m.saveRecording(value)
	case promptBreak:
		b, clear, err := parseBreakpoint(value)
		switch {
		case err != nil:
			m.setStatus("breakpoint: "+err.Error(), true)
			return nil
		case clear:
			return m.debugAct(func(d session.Debugger) (string, error) {
				n := len(d.Breakpoints())
				d.SetBreakpoints(nil)
				return fmt.Sprintf("%d breakpoints cleared", n), nil
			})
		}
		return m.toggleBreakpoint(b, describeBreakpoint(b))
	case promptAttach:
		return m.attach(value)
	case promptDeploy:
		return m.deploy(peerOf, value)
	}
	return nil
}

// openDeployPrompt asks which module to deploy on node.
func (m *Model) openDeployPrompt(node peer.ID) tea.Cmd {
	if m.opts.Controller == nil {
		m.setStatus("this session cannot deploy", true)
		return nil
	}
	cmd := m.openPrompt(promptDeploy, "deploy on "+m.ctx.Name(node)+" ([ID=]MODULE.wasm or Config.toml): ", "")
	m.prompt.peer = node
	return cmd
}

// deploy loads the module at "[ID=]PATH" on a node; the service id
// defaults to the file's name without its extension.
func (m *Model) deploy(node peer.ID, value string) tea.Cmd {
	c, ctx := m.opts.Controller, m.run
	id, path, named := strings.Cut(value, "=")
	if !named {
		path = value
		id = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if c == nil || path == "" || id == "" {
		m.setStatus("not deployed: want ID=PATH or PATH of a .wasm or Config.toml", true)
		return nil
	}
	name := m.ctx.Name(node)
	m.setStatus("deploying "+id+" on "+name+"…", false)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err := c.Deploy(ctx, node, id, path)
		return actionDoneMsg{what: "deployed " + id + " on " + name, failed: "deploy " + id + " on " + name, err: err}
	}
}

// attachedMsg is a session opened on a remote node, or why it was not.
type attachedMsg struct {
	addr    string
	session session.Session
	err     error
}

// attach opens a session on the node at addr with Options.Attach.
func (m *Model) attach(addr string) tea.Cmd {
	if addr == "" {
		m.setStatus("not attached: no address", true)
		return nil
	}
	open, ctx := m.opts.Attach, m.run
	m.setStatus("attaching to "+addr+"…", false)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		s, err := open(ctx, addr)
		return attachedMsg{addr: addr, session: s, err: err}
	}
}

// attached switches the workbench to a session opened on a remote node:
// its peers, its trace and its relay for runs. The session it replaces
// stays open, owned by whoever opened it; the workbench closes the
// sessions it opened itself.
func (m *Model) attached(msg attachedMsg) tea.Cmd {
	if msg.err != nil {
		m.setStatus("attach "+msg.addr+": "+msg.err.Error(), true)
		return nil
	}
	m.owned = append(m.owned, msg.session)
	m.bridge.Close()
	m.debug.close()
	m.opts.Session, m.opts.Controller, m.opts.Title = msg.session, nil, "attached to "+msg.addr
	m.debug = newDebugState(nil)
	if d, ok := msg.session.(session.Debugger); ok {
		m.debug = newDebugState(d)
	}
	m.store = m.newStore()
	m.bridge = NewBridge(m.run, msg.session.Events(), m.opts.Frame, 8192)
	m.resetPanes()
	m.setStatus("attached to "+msg.addr, false)
	return tea.Batch(m.bridge.Wait(1), m.fetchPeers(), m.readDebugger(), m.watchDebugger())
}

// promptView draws the open prompt for the header.
func (m *Model) promptView() string {
	return ui.Fit(m.prompt.input.View(), m.w)
}
