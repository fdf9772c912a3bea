package devnet

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	ma "github.com/multiformats/go-multiaddr"
)

// ErrNotInMemory is returned by the fault-injection methods of a network
// that runs on real sockets.
var ErrNotInMemory = errors.New("devnet: faults can be injected only into an in-memory network (Config.Memory)")

// memory is the mocknet under an in-memory network: which peers may
// reach which, and how slowly.
type memory struct {
	mn mocknet.Mocknet

	mu      sync.Mutex
	addrs   map[lpeer.ID]ma.Multiaddr // each peer keeps its address across restarts
	cut     map[[2]lpeer.ID]bool      // pairs that may not reach each other, smaller id first
	latency time.Duration
}

func newMemory() *memory {
	return &memory{mn: mocknet.New(), addrs: map[lpeer.ID]ma.Multiaddr{}, cut: map[[2]lpeer.ID]bool{}}
}

func pair(a, b lpeer.ID) [2]lpeer.ID {
	if a > b {
		a, b = b, a
	}
	return [2]lpeer.ID{a, b}
}

// add puts a host with key on the mocknet, linked to every other peer
// but those it is cut off from. A peer added again (a restart) gets the
// address it had.
func (m *memory) add(key peer.PrivateKey) (host.Host, error) {
	if key.Public().Type() != peer.Ed25519 {
		return nil, fmt.Errorf("devnet: in-memory peers take Ed25519 keys, not %s", key.Public().Type())
	}
	sk, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(key.Raw()))
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	id, err := lpeer.IDFromPrivateKey(sk)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	addr, ok := m.addrs[id]
	if !ok {
		// Addresses from 10.0.0.0/8, in the order peers join.
		k := len(m.addrs) + 1
		addr = ma.StringCast(fmt.Sprintf("/ip4/10.%d.%d.%d/tcp/7777", k>>16&0xff, k>>8&0xff, k&0xff))
		m.addrs[id] = addr
	}
	others := m.mn.Peers()
	if ok {
		for _, other := range others {
			if other != id {
				_ = m.mn.UnlinkPeers(id, other) // links of an earlier life
			}
		}
	}
	h, err := m.mn.AddPeer(sk, addr)
	if err != nil {
		return nil, fmt.Errorf("devnet: add in-memory peer: %w", err)
	}
	for _, other := range others {
		if other == id || m.cut[pair(id, other)] {
			continue
		}
		if err := m.link(id, other); err != nil {
			h.Close()
			return nil, err
		}
	}
	return h, nil
}

// link joins two peers with the current latency. Call with mu held.
func (m *memory) link(a, b lpeer.ID) error {
	l, err := m.mn.LinkPeers(a, b)
	if err != nil {
		return fmt.Errorf("devnet: link %s and %s: %w", a, b, err)
	}
	l.SetOptions(mocknet.LinkOptions{Latency: m.latency})
	return nil
}

// crash takes a stopped peer off every link, so that dialing it fails at
// once, as dialing a crashed machine is refused.
func (m *memory) crash(id lpeer.ID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, other := range m.mn.Peers() {
		if other != id {
			_ = m.mn.UnlinkPeers(id, other) // fails only when there is no link, which is fine
		}
	}
}

// setLatency delays every message on every link, and on links made later.
func (m *memory) setLatency(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.latency = d
	m.mn.SetLinkDefaults(mocknet.LinkOptions{Latency: d})
	for _, byPeer := range m.mn.Links() {
		for _, links := range byPeer {
			for l := range links {
				l.SetOptions(mocknet.LinkOptions{Latency: d})
			}
		}
	}
}

// partition cuts a and b off from each other: their connections close
// and they cannot dial each other until heal.
func (m *memory) partition(a, b lpeer.ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cut[pair(a, b)] = true
	if len(m.mn.LinksBetweenPeers(a, b)) > 0 {
		if err := m.mn.UnlinkPeers(a, b); err != nil {
			return fmt.Errorf("devnet: partition: %w", err)
		}
	}
	if err := m.mn.DisconnectPeers(a, b); err != nil {
		return fmt.Errorf("devnet: partition: %w", err)
	}
	return nil
}

// heal undoes partition.
func (m *memory) heal(a, b lpeer.ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.cut[pair(a, b)] {
		return nil
	}
	delete(m.cut, pair(a, b))
	return m.link(a, b)
}

func (m *memory) close() error { return m.mn.Close() }

// SetLatency delays every message between the peers of an in-memory
// network by d, one way.
func (n *Network) SetLatency(d time.Duration) error {
	if n.mem == nil {
		return ErrNotInMemory
	}
	n.mem.setLatency(d)
	return nil
}

// Partition cuts peers a and b (nodes or clients) off from each other
// until Heal: their connection closes and neither can dial the other.
// Particles between them are then dropped as unroutable, or go round
// through other peers when routing allows.
func (n *Network) Partition(a, b peer.ID) error {
	if n.mem == nil {
		return ErrNotInMemory
	}
	la, lb, err := libp2pIDs(a, b)
	if err != nil {
		return err
	}
	return n.mem.partition(la, lb)
}

// Heal lets a and b reach each other again after Partition.
func (n *Network) Heal(a, b peer.ID) error {
	if n.mem == nil {
		return ErrNotInMemory
	}
	la, lb, err := libp2pIDs(a, b)
	if err != nil {
		return err
	}
	return n.mem.heal(la, lb)
}

func libp2pIDs(a, b peer.ID) (lpeer.ID, lpeer.ID, error) {
	la, err := lpeer.Decode(string(a))
	if err != nil {
		return "", "", fmt.Errorf("devnet: %w", err)
	}
	lb, err := lpeer.Decode(string(b))
	if err != nil {
		return "", "", fmt.Errorf("devnet: %w", err)
	}
	return la, lb, nil
}
