package p2p

import (
	"context"
	"fmt"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pb "github.com/libp2p/go-libp2p-kad-dht/pb"
	"github.com/libp2p/go-libp2p-kad-dht/qpeerset"
	kb "github.com/libp2p/go-libp2p-kbucket"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	pstore "github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/protocol/identify"
	"github.com/libp2p/go-msgio/pbio"
)

// KadProtocol is the Kademlia protocol of a network, as the reference node
// names it: nodes of different networks do not see each other.
func KadProtocol(network string) protocol.ID {
	return protocol.ID("/fluence/kad/" + network + "/1.0.0")
}

// startKademlia runs Kademlia for peer discovery only: no values, no
// provider records. Without refresh the routing table changes only
// through the lookups the node makes and the peers that query it.
func (h *Host) startKademlia(name string, refresh bool) error {
	h.kadProtocol = KadProtocol(name)
	pm, err := pb.NewProtocolMessenger(kadSender{host: h.host, proto: h.kadProtocol})
	if err != nil {
		return fmt.Errorf("p2p: start kademlia: %w", err)
	}
	h.kadMessenger = pm
	opts := []dht.Option{
		dht.Mode(dht.ModeServer),
		dht.ProtocolPrefix("/fluence"),
		dht.V1ProtocolOverride(h.kadProtocol),
		dht.DisableValues(),
		dht.DisableProviders(),
		dht.RoutingTableRefreshPeriod(time.Minute),
		dht.OnRequestHook(func(_ context.Context, s network.Stream, _ *pb.Message) {
			// Requests may come before New returns the table.
			if rt := h.kadTable.Load(); rt != nil {
				h.heardFrom(s.Conn(), rt)
			}
		}),
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
	h.kadTable.Store(d.RoutingTable())
	return nil
}

// Bootstrap connects to the bootstrap peers and looks the host up
// through them (see lookupSelf). Peers that cannot be reached now are
// retried in the background with a linear back-off (5 s more each time,
// up to a minute), as the reference node does, until ctx or the host
// ends.
func (h *Host) Bootstrap(ctx context.Context, addrs []string) error {
	var infos []lpeer.AddrInfo
	for _, a := range addrs {
		info, err := ParsePeerAddr(a)
		if err != nil {
			return fmt.Errorf("p2p: bootstrap: %w", err)
		}
		infos = append(infos, *info)
	}
	var reached []lpeer.ID
	for _, info := range infos {
		if err := h.host.Connect(ctx, info); err != nil {
			h.log.Warn("bootstrap peer unreachable, will retry", "peer", info.ID, "err", err)
			go h.redial(info)
			continue
		}
		reached = append(reached, info.ID)
	}
	if h.kad == nil || len(reached) == 0 {
		return nil
	}
	if err := h.lookupSelf(ctx, reached); err != nil {
		return err
	}
	if h.refresh {
		// Kademlia's own bootstrap refreshes every bucket in the
		// background, the farther ones included.
		if err := h.kad.Bootstrap(ctx); err != nil {
			return fmt.Errorf("p2p: kademlia bootstrap: %w", err)
		}
	}
	return nil
}

// Kademlia's parameters for lookups, as kad-dht and the reference node
// have them: k peers a bucket, α queries in flight, and a lookup ends
// once the β nearest peers it has heard of have answered.
const (
	kadK     = 20
	kadAlpha = 3
	kadBeta  = 3
)

// lookupSelf is how a peer joins: it looks up its own id, asking first
// the bootstrap peers in seeds, whatever their distance, so that they
// know it, then the peers nearest to it that it has heard of, α at a
// time, until the β nearest have answered. Every peer the answers name
// goes into its routing table as it is named, so that it knows its
// neighbours, and each peer it asked knows it (see heardFrom).
//
// That is kad-dht's lookup without what GetClosestPeers adds after it:
// a query to each of the k nearest not yet asked, which kad-dht makes to
// hold connections to where it stores values. A peer that only joins
// stores nothing there, and each of those queries is a connection, a
// Noise handshake and identify both ways: most of what a hundred peers
// joining on one machine cost.
func (h *Host) lookupSelf(ctx context.Context, seeds []lpeer.ID) error {
	self := h.host.ID()
	rt := h.kad.RoutingTable()
	peers := qpeerset.NewQueryPeerset(string(self))
	type answer struct {
		from  lpeer.ID
		peers []*lpeer.AddrInfo
		err   error
	}
	answers := make(chan answer, len(seeds)+kadAlpha)
	waiting := 0
	ask := func(p lpeer.ID) {
		peers.SetState(p, qpeerset.PeerWaiting)
		waiting++
		go func() {
			ctx, cancel := context.WithTimeout(ctx, StreamTimeout)
			defer cancel()
			found, err := h.kadMessenger.GetClosestPeers(ctx, p, self)
			answers <- answer{p, found, err}
		}()
	}
	for _, p := range seeds {
		if peers.TryAdd(p, self) {
			ask(p)
		}
	}
	for _, p := range rt.NearestPeers(kb.ConvertPeerID(self), kadK) {
		peers.TryAdd(p, self)
	}
	for {
		if !lookupDone(peers) {
			for _, p := range peers.GetClosestNInStates(max(kadAlpha-waiting, 0), qpeerset.PeerHeard) {
				ask(p)
			}
		}
		if waiting == 0 {
			break
		}
		a := <-answers
		waiting--
		if a.err != nil {
			h.log.Debug("kademlia query", "peer", a.from, "err", a.err)
			peers.SetState(a.from, qpeerset.PeerUnreachable)
			continue
		}
		peers.SetState(a.from, qpeerset.PeerQueried)
		_, _ = rt.TryAddPeer(a.from, true, true) // fails only when its bucket is full
		for _, info := range a.peers {
			if info.ID != self && len(info.Addrs) > 0 {
				peers.TryAdd(info.ID, a.from)
				h.heardOf(rt, info)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("p2p: looking itself up: %w", err)
	}
	return nil
}

// heardOf takes in a peer an answer named: into the routing table, which
// also keeps kad-dht from querying it again when the lookup connects to
// it, as kad-dht does each new connection's peer its table lacks; and
// its addresses into the peerstore, to be renewed while it stays in the
// table (kad-dht renews the addresses of the table's peers kept for
// RecentlyConnectedAddrTTL), or briefly if there is no room for it.
func (h *Host) heardOf(rt *kb.RoutingTable, info *lpeer.AddrInfo) {
	ttl := pstore.TempAddrTTL
	if _, err := rt.TryAddPeer(info.ID, false, true); err == nil { // added, or there already
		ttl = pstore.RecentlyConnectedAddrTTL
	}
	h.host.Peerstore().AddAddrs(info.ID, info.Addrs, ttl)
}

// lookupDone reports whether the β nearest peers a lookup has heard of,
// those that did not fail it, have all answered.
func lookupDone(peers *qpeerset.QueryPeerset) bool {
	for _, p := range peers.GetClosestNInStates(kadBeta, qpeerset.PeerHeard, qpeerset.PeerWaiting, qpeerset.PeerQueried) {
		if peers.GetState(p) != qpeerset.PeerQueried {
			return false
		}
	}
	return true
}

// heardFrom takes the peer at the far end of c, which sent a Kademlia
// request, into the routing table: a peer that asks is there, and a
// joining peer's lookup makes it known to those it asks before their
// answer reaches it, rather than after the identify and the query of its
// own that kad-dht makes on each new connection. A peer that identify
// has shown serves no Kademlia stays out; one identify has not yet
// described comes in, and kad-dht drops it again if identify then shows
// it serves none.
func (h *Host) heardFrom(c network.Conn, rt *kb.RoutingTable) {
	p := c.RemotePeer()
	if h.identified(c) {
		if served, _ := h.host.Peerstore().SupportsProtocols(p, h.kadProtocol); len(served) == 0 {
			return
		}
	}
	_, _ = rt.TryAddPeer(p, false, true) // fails only when its bucket is full
}

// identified reports whether identify has run on c. The peerstore alone
// cannot tell: it lists the protocols of the streams already opened to
// the peer, identify's own among them, before identify has listed the
// rest.
func (h *Host) identified(c network.Conn) bool {
	ids, ok := h.host.(interface{ IDService() identify.IDService })
	if !ok {
		return false
	}
	select {
	case <-ids.IDService().IdentifyWait(c):
		return true
	default:
		return false
	}
}

// kadSender sends the Kademlia requests of the host's own lookups, each
// on a stream of its own; the DHT keeps its own sender for its queries.
type kadSender struct {
	host  host.Host
	proto protocol.ID
}

// SendRequest sends req to p and reads the answer.
func (s kadSender) SendRequest(ctx context.Context, p lpeer.ID, req *pb.Message) (*pb.Message, error) {
	st, err := s.open(ctx, p, req)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	// In-memory streams ignore deadlines: ctx's end resets the stream.
	stop := context.AfterFunc(ctx, func() { _ = st.Reset() })
	defer stop()
	var resp pb.Message
	if err := pbio.NewDelimitedReader(st, network.MessageSizeMax).ReadMsg(&resp); err != nil {
		_ = st.Reset()
		return nil, err
	}
	return &resp, nil
}

// SendMessage sends msg to p and expects no answer.
func (s kadSender) SendMessage(ctx context.Context, p lpeer.ID, msg *pb.Message) error {
	st, err := s.open(ctx, p, msg)
	if err != nil {
		return err
	}
	return st.Close()
}

// open opens a stream to p and writes msg on it.
func (s kadSender) open(ctx context.Context, p lpeer.ID, msg *pb.Message) (network.Stream, error) {
	st, err := s.host.NewStream(ctx, p, s.proto)
	if err != nil {
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = st.SetDeadline(deadline)
	}
	if err := pbio.NewDelimitedWriter(st).WriteMsg(msg); err != nil {
		_ = st.Reset()
		return nil, err
	}
	return st, nil
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
