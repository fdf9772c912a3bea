package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// fakeController records what the workbench asks of the network.
type fakeController struct {
	deployed []string
	fail     error
}

func (c *fakeController) AddNode(context.Context) (peer.ID, error)   { return fakeID(9), nil }
func (c *fakeController) StopNode(context.Context, peer.ID) error    { return nil }
func (c *fakeController) RestartNode(context.Context, peer.ID) error { return nil }
func (c *fakeController) Deploy(_ context.Context, node peer.ID, id, path string) error {
	c.deployed = append(c.deployed, string(node)+" "+id+" "+path)
	return c.fail
}

// runCmd runs a command and feeds what it returns back to the model, as
// the program would.
func runCmd(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if msg := cmd(); msg != nil {
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				runCmd(m, c)
			}
			return
		}
		m.Update(msg)
	}
}

func TestDeployFromPeers(t *testing.T) {
	s := newFakeSession(3)
	ctl := &fakeController{}
	m := New(t.Context(), Options{Session: s, Controller: ctl, Compile: compile, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	ps, _ := s.Peers(context.Background())
	m.Update(ui.PeersMsg{Peers: ps})

	press(m, "alt+4", "down") // peers pane, second peer
	_, cmd := m.Update(keyMsg("d"))
	runCmd(m, cmd)
	if m.prompt == nil || m.prompt.kind != promptDeploy {
		t.Fatal("d in the peers pane did not open the deploy prompt")
	}
	for _, r := range "greeting=/mods/greeting.wasm" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd = m.Update(keyMsg("enter"))
	runCmd(m, cmd)
	if len(ctl.deployed) != 1 || ctl.deployed[0] != string(ps[1].ID)+" greeting /mods/greeting.wasm" {
		t.Fatalf("deployed %q", ctl.deployed)
	}

	// Without an id, the file name names the service; errors are shown.
	ctl.fail = errors.New("no such file")
	_, cmd = m.Update(keyMsg("d"))
	runCmd(m, cmd)
	for _, r := range "/mods/kv.wasm" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	_, cmd = m.Update(keyMsg("enter"))
	runCmd(m, cmd)
	if len(ctl.deployed) != 2 || ctl.deployed[1] != string(ps[1].ID)+" kv /mods/kv.wasm" {
		t.Fatalf("deployed %q", ctl.deployed)
	}
	// It says it failed, not that it deployed.
	if want := "could not deploy kv on node1: no such file"; !m.statusErr || m.status != want {
		t.Errorf("a failed deploy left status %q (error %v), want %q", m.status, m.statusErr, want)
	}
}

func TestPeersShowServices(t *testing.T) {
	s := newFakeSession(2)
	m := New(t.Context(), Options{Session: s, Controller: &fakeController{}, Compile: compile, Title: "test network"})
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	ps, _ := s.Peers(context.Background())
	ps[1].Services = []string{"greeting", "kv"}
	m.Update(ui.PeersMsg{Peers: ps})
	press(m, "alt+4")
	if view := m.peers.View(); !strings.Contains(view, "greeting") {
		t.Errorf("peers pane does not list the node's services:\n%s", view)
	}
}
