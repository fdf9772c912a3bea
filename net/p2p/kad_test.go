package p2p

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	kb "github.com/libp2p/go-libp2p-kbucket"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	ma "github.com/multiformats/go-multiaddr"
)

// TestJoinAsksFewPeers joins one peer to forty others, in memory,
// through one of them. It must come to know the peers nearest to it and
// be known by those it asked, having opened far fewer connections than
// the twenty or so of a lookup with kad-dht's follow-up.
func TestJoinAsksFewPeers(t *testing.T) {
	const others = 40
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	hosts := make([]*Host, others+1)
	for i := range hosts {
		key, err := peer.Ed25519FromSeed(bytes.Repeat([]byte{byte(100 + i)}, 32))
		if err != nil {
			t.Fatal(err)
		}
		sk, err := libp2pKey(key)
		if err != nil {
			t.Fatal(err)
		}
		lh, err := mn.AddPeer(sk, ma.StringCast(fmt.Sprintf("/ip4/10.0.0.%d/tcp/7777", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		if hosts[i], err = Wrap(lh, Config{Network: "test", Local: true}, func(context.Context, peer.ID, *particle.Particle) {}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { hosts[i].Close() })
	}
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	boot := []string{hosts[0].Addrs()[0].String()}
	for _, h := range hosts[1:others] {
		if err := h.Bootstrap(ctx, boot); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range hosts[:others] {
		for _, id := range h.Libp2p().Network().Peers() {
			_ = h.Libp2p().Network().ClosePeer(id)
		}
	}

	joining := hosts[others]
	if err := joining.Bootstrap(ctx, boot); err != nil {
		t.Fatal(err)
	}
	// A lookup that asked each of the twenty nearest would be connected
	// to twenty; this one asks the bootstrap peer and a few at a time
	// until the three nearest have answered, five to eleven in all.
	asked := joining.Libp2p().Network().Peers()
	if len(asked) > 12 {
		t.Errorf("joining opened connections to %d peers", len(asked))
	}
	self := joining.Libp2p().ID()
	for _, id := range asked {
		for _, h := range hosts {
			if h.Libp2p().ID() == id && !slices.Contains(h.Neighborhood(nil, others+1), joining.ID()) {
				t.Errorf("%s, asked, does not know the joining peer", id)
			}
		}
	}
	var ids []lpeer.ID
	for _, h := range hosts[:others] {
		ids = append(ids, h.Libp2p().ID())
	}
	slices.SortFunc(ids, func(a, b lpeer.ID) int {
		if kb.Closer(a, b, string(self)) {
			return -1
		}
		return 1
	})
	known := joining.Neighborhood(nil, others)
	for rank, id := range ids[:5] {
		if !slices.Contains(known, peer.ID(id.String())) {
			t.Errorf("the joining peer does not know the peer %d nearest to it", rank+1)
		}
	}
}
