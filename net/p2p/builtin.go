package p2p

import (
	"context"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Builtins returns the host as the builtins' view of the network, for
// peer.is_connected, peer.connect, peer.get_contact and kad.neighborhood.
func (h *Host) Builtins() builtin.Network { return builtinNetwork{h} }

type builtinNetwork struct{ h *Host }

func (b builtinNetwork) IsConnected(_ context.Context, id peer.ID) bool { return b.h.Connected(id) }

func (b builtinNetwork) Connect(ctx context.Context, id peer.ID, addrs []string) bool {
	pid, err := lpeer.Decode(string(id))
	if err != nil {
		return false
	}
	info := lpeer.AddrInfo{ID: pid}
	for _, a := range addrs {
		if m, err := ma.NewMultiaddr(a); err == nil {
			info.Addrs = append(info.Addrs, m)
		}
	}
	if len(info.Addrs) == 0 {
		if err := b.h.find(ctx, pid); err != nil {
			return false
		}
	}
	ctx, cancel := context.WithTimeout(ctx, StreamTimeout)
	defer cancel()
	return b.h.host.Connect(ctx, info) == nil
}

func (b builtinNetwork) Contact(_ context.Context, id peer.ID) (builtin.Contact, bool) {
	pid, err := lpeer.Decode(string(id))
	if err != nil {
		return builtin.Contact{}, false
	}
	addrs := b.h.host.Peerstore().Addrs(pid)
	if len(addrs) == 0 {
		return builtin.Contact{}, false
	}
	c := builtin.Contact{PeerID: string(id)}
	for _, a := range addrs {
		c.Addresses = append(c.Addresses, a.String())
	}
	return c, true
}

func (b builtinNetwork) Neighborhood(_ context.Context, key []byte, count int) []peer.ID {
	return b.h.Neighborhood(key, count)
}
