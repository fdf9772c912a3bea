package p2p

import (
	"context"
	"fmt"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	kb "github.com/libp2p/go-libp2p-kbucket"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// KadProtocol is the Kademlia protocol of a network, as the reference node
// names it: nodes of different networks do not see each other.
func KadProtocol(network string) protocol.ID {
	return protocol.ID("/fluence/kad/" + network + "/1.0.0")
}

// startKademlia runs Kademlia for peer discovery only: no values, no
// provider records. Without refresh the routing table changes only
// through the lookups the node makes and the peers that query it.
func (h *Host) startKademlia(network string, refresh bool) error {
	opts := []dht.Option{
		dht.Mode(dht.ModeServer),
		dht.ProtocolPrefix("/fluence"),
		dht.V1ProtocolOverride(KadProtocol(network)),
		dht.DisableValues(),
		dht.DisableProviders(),
		dht.RoutingTableRefreshPeriod(time.Minute),
	}
	if h.refresh = refresh; !refresh {
		// Three queries in flight, as Kademlia has it, rather than ten:
		// a lookup then opens connections to few peers beyond those it
		// needs, and on one machine every connection is a Noise
		// handshake on the same cores.
		opts = append(opts, dht.DisableAutoRefresh(), dht.Concurrency(3))
	}
	d, err := dht.New(h.host, opts...)
	if err != nil {
		return fmt.Errorf("p2p: start kademlia: %w", err)
	}
	h.kad = d
	return nil
}

// Bootstrap connects to the bootstrap peers and fills the routing table.
// Peers that cannot be reached now are retried in the background with a
// linear back-off (5 s more each time, up to a minute), as the reference
// node does, until ctx or the host ends.
func (h *Host) Bootstrap(ctx context.Context, addrs []string) error {
	var infos []lpeer.AddrInfo
	for _, a := range addrs {
		info, err := ParsePeerAddr(a)
		if err != nil {
			return fmt.Errorf("p2p: bootstrap: %w", err)
		}
		infos = append(infos, *info)
	}
	connected := 0
	for _, info := range infos {
		if err := h.host.Connect(ctx, info); err != nil {
			h.log.Warn("bootstrap peer unreachable, will retry", "peer", info.ID, "err", err)
			go h.redial(info)
			continue
		}
		connected++
	}
	if h.kad != nil && connected > 0 {
		// Kademlia adds a peer once identify has shown it speaks the
		// protocol, a moment after the connection.
		if err := h.awaitRoutingTable(ctx); err != nil {
			return err
		}
		// Looking itself up is how a peer joins: it fills its buckets
		// nearest to itself and makes it known to the peers nearest to
		// it, now rather than at the next periodic refresh, which
		// Kademlia's own bootstrap starts in the background where there
		// is one.
		if _, err := h.kad.GetClosestPeers(ctx, string(h.host.ID())); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			h.log.Debug("self lookup", "err", err)
		}
		if h.refresh {
			if err := h.kad.Bootstrap(ctx); err != nil {
				return fmt.Errorf("p2p: kademlia bootstrap: %w", err)
			}
		}
	}
	return nil
}

// awaitRoutingTable waits until Kademlia knows at least one peer.
func (h *Host) awaitRoutingTable(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for h.kad.RoutingTable().Size() == 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("p2p: no bootstrap peer joined the routing table: %w", ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

func (h *Host) redial(info lpeer.AddrInfo) {
	for delay := 5 * time.Second; ; delay = min(delay+5*time.Second, time.Minute) {
		select {
		case <-h.ctx.Done():
			return
		case <-time.After(delay):
		}
		ctx, cancel := context.WithTimeout(h.ctx, StreamTimeout)
		err := h.host.Connect(ctx, info)
		cancel()
		if err == nil {
			if h.kad != nil {
				_ = h.kad.Bootstrap(h.ctx)
			}
			return
		}
	}
}

// find makes sure the host knows addresses for pid, asking Kademlia when
// it has none.
func (h *Host) find(ctx context.Context, pid lpeer.ID) error {
	if h.kad == nil || h.host.Network().Connectedness(pid) == network.Connected || len(h.host.Peerstore().Addrs(pid)) > 0 {
		return nil
	}
	info, err := h.kad.FindPeer(ctx, pid)
	if err != nil {
		return fmt.Errorf("kademlia could not find %s: %w", pid, err)
	}
	h.host.Peerstore().AddAddrs(pid, info.Addrs, time.Hour)
	return nil
}

// Neighborhood returns up to count peers of the routing table closest to
// key, as kad.neighborhood answers.
func (h *Host) Neighborhood(key []byte, count int) []peer.ID {
	if h.kad == nil {
		return nil
	}
	closest := h.kad.RoutingTable().NearestPeers(kb.ConvertKey(string(key)), count)
	ids := make([]peer.ID, len(closest))
	for i, p := range closest {
		ids[i] = peer.ID(p.String())
	}
	return ids
}

// RoutingTableSize returns how many peers Kademlia knows.
func (h *Host) RoutingTableSize() int {
	if h.kad == nil {
		return 0
	}
	return h.kad.RoutingTable().Size()
}
