package p2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/net/wire"
	"github.com/google/go-cmp/cmp"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

type arrival struct {
	from peer.ID
	p    *particle.Particle
}

func newHost(t *testing.T, seed byte, addrs ...string) (*Host, chan arrival) {
	t.Helper()
	key, err := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan arrival, 4)
	h, err := New(Config{Key: key, ListenAddrs: addrs}, func(_ context.Context, from peer.ID, p *particle.Particle) {
		got <- arrival{from, p}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, got
}

func signedParticle(t *testing.T, seed byte) *particle.Particle {
	t.Helper()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	p := particle.New("p-1", peer.IDOf(key), "(null)", time.UnixMilli(1_700_000_000_000), time.Minute)
	p.Data = []byte("data")
	if err := p.Sign(key); err != nil {
		t.Fatal(err)
	}
	return p
}

func addrWith(t *testing.T, h *Host, part string) string {
	t.Helper()
	for _, a := range h.Addrs() {
		if strings.Contains(a.String(), part) {
			return a.String()
		}
	}
	t.Fatalf("host has no %s address among %v", part, h.Addrs())
	return ""
}

func TestSendOverEachTransport(t *testing.T) {
	for _, transport := range []string{"/tcp/", "/ws/", "/quic-v1/"} {
		t.Run(transport, func(t *testing.T) {
			a, _ := newHost(t, 1)
			b, got := newHost(t, 2)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			id, err := a.Connect(ctx, addrWith(t, b, transport))
			if err != nil {
				t.Fatal(err)
			}
			if id != b.ID() || !a.Connected(b.ID()) {
				t.Fatalf("connected to %s (%v), want %s", id, a.Connected(b.ID()), b.ID())
			}
			want := signedParticle(t, 1)
			if err := a.Send(ctx, b.ID(), want); err != nil {
				t.Fatal(err)
			}
			select {
			case arr := <-got:
				if arr.from != a.ID() {
					t.Errorf("from %s, want %s", arr.from, a.ID())
				}
				if d := cmp.Diff(want, arr.p); d != "" {
					t.Errorf("particle (-sent +received):\n%s", d)
				}
				if err := arr.p.Verify(); err != nil {
					t.Error(err)
				}
			case <-ctx.Done():
				t.Fatal("particle did not arrive")
			}
		})
	}
}

// TestIDsAgreeWithLibp2p checks core/peer's pure-Go ids against go-libp2p's.
func TestIDsAgreeWithLibp2p(t *testing.T) {
	ed, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{9}, 32))
	secp, _ := peer.Secp256k1FromBytes(bytes.Repeat([]byte{9}, 32))
	for _, key := range []peer.PrivateKey{ed, secp} {
		sk, err := libp2pKey(key)
		if err != nil {
			t.Fatal(err)
		}
		id, err := lpeer.IDFromPrivateKey(sk)
		if err != nil {
			t.Fatal(err)
		}
		if id.String() != string(peer.IDOf(key)) {
			t.Errorf("%s: libp2p id %s, ours %s", key.Public().Type(), id, peer.IDOf(key))
		}
	}
}

func TestSendToUnknownPeer(t *testing.T) {
	a, _ := newHost(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := a.Send(ctx, "12D3KooWJankP2PcEDYCZDdJ26JsU8BMRfdGWyGqbtFiWyoKVtmx", signedParticle(t, 1))
	if !errors.Is(err, ErrNotReachable) {
		t.Errorf("Send = %v, want ErrNotReachable", err)
	}
}

func TestMalformedFrameIsReported(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{5}, 32))
	bad := make(chan error, 1)
	b, err := New(Config{Key: key, Malformed: func(_ peer.ID, err error) { bad <- err }},
		func(context.Context, peer.ID, *particle.Particle) { t.Error("handler called for a malformed frame") })
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a, _ := newHost(t, 6)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, addrWith(t, b, "/tcp/")); err != nil {
		t.Fatal(err)
	}
	pid, _ := lpeer.Decode(string(b.ID()))
	s, err := a.Libp2p().NewStream(ctx, pid, protocol.ID(wire.ProtocolID))
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]byte{3, 'b', 'a', 'd'})
	s.Close()
	select {
	case err := <-bad:
		if !strings.Contains(err.Error(), "codec prefix") {
			t.Errorf("malformed error = %v", err)
		}
	case <-ctx.Done():
		t.Fatal("malformed frame not reported")
	}
}

// TestKademliaDiscovery starts three hosts on one network: a and c know
// only b, yet once a has joined it reaches c by its id alone.
func TestKademliaDiscovery(t *testing.T) {
	start := func(seed byte) (*Host, chan arrival) {
		key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
		got := make(chan arrival, 1)
		h, err := New(Config{Key: key, Network: "test", ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}},
			func(_ context.Context, from peer.ID, p *particle.Particle) { got <- arrival{from, p} })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h, got
	}
	a, _ := start(11)
	b, _ := start(12)
	c, gotC := start(13)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	boot := []string{b.Addrs()[0].String()}
	if err := c.Bootstrap(ctx, boot); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(ctx, c.ID(), signedParticle(t, 11)); !errors.Is(err, ErrNotReachable) {
		t.Fatalf("before joining, a reached c: %v", err)
	}
	if err := a.Bootstrap(ctx, boot); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(ctx, c.ID(), signedParticle(t, 11)); err != nil {
		t.Fatalf("send through discovery: %v", err)
	}
	select {
	case arr := <-gotC:
		if arr.from != a.ID() {
			t.Errorf("from %s", arr.from)
		}
	case <-ctx.Done():
		t.Fatal("particle did not arrive")
	}
	if n := b.Neighborhood([]byte("key"), 20); len(n) != 2 {
		t.Errorf("b's neighborhood has %d peers, want a and c", len(n))
	}
}

// TestAnnouncedFrameLengthIsNotTrusted opens streams that each announce
// the largest frame and send 12 bytes: the host must hold memory for what
// came, not for what was announced, and must refuse a frame over its
// limit before reading it.
func TestAnnouncedFrameLengthIsNotTrusted(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{7}, 32))
	const streams = 20
	bad := make(chan error, streams+1)
	b, err := New(Config{Key: key, MaxParticleSize: 1 << 20, Malformed: func(_ peer.ID, err error) { bad <- err }},
		func(context.Context, peer.ID, *particle.Particle) { t.Error("handler called for a truncated frame") })
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a, _ := newHost(t, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, addrWith(t, b, "/tcp/")); err != nil {
		t.Fatal(err)
	}
	pid, _ := lpeer.Decode(string(b.ID()))
	send := func(announced uint64) {
		s, err := a.Libp2p().NewStream(ctx, pid, protocol.ID(wire.ProtocolID))
		if err != nil {
			t.Fatal(err)
		}
		frame := binary.AppendUvarint(nil, announced)
		frame = append(frame, wire.Marshal(signedParticle(t, 8))[:12]...)
		if _, err := s.Write(frame); err != nil {
			t.Fatal(err)
		}
		_ = s.CloseWrite()
	}
	await := func(want string) {
		select {
		case err := <-bad:
			if !strings.Contains(err.Error(), want) {
				t.Errorf("malformed frame error = %v, want %q", err, want)
			}
		case <-ctx.Done():
			t.Fatal("malformed frame not reported")
		}
	}

	send(1<<20 + 1)
	await("frame too large")

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range streams {
		send(1 << 20)
	}
	for range streams {
		await("12 of 1048576 bytes")
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("%d streams announcing 1 MiB and sending 12 bytes made the hosts allocate %d bytes, want under 8 MiB", streams, got)
	}
}

// TestDisconnectedIsHeard closes a peer's host, as a crash would: the
// other side hears at once that it is gone.
func TestDisconnectedIsHeard(t *testing.T) {
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{9}, 32))
	gone := make(chan peer.ID, 4)
	a, err := New(Config{Key: key, Disconnected: func(id peer.ID) { gone <- id }},
		func(context.Context, peer.ID, *particle.Particle) {})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	bkey, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{10}, 32))
	b, err := New(Config{Key: bkey}, func(context.Context, peer.ID, *particle.Particle) {})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, addrWith(t, b, "/tcp/")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	select {
	case id := <-gone:
		if id != b.ID() {
			t.Errorf("Disconnected(%s), want %s", id, b.ID())
		}
	case <-ctx.Done():
		t.Fatal("the closed peer was not reported gone")
	}
	if a.Connected(b.ID()) {
		t.Error("a still counts the closed peer as connected")
	}
}

// TestPortIsNotShared starts a second host on the first's TCP port: it
// must fail rather than share the port through SO_REUSEPORT and take
// half the first's connections.
func TestPortIsNotShared(t *testing.T) {
	h, _ := newHost(t, 1, "/ip4/127.0.0.1/tcp/0")
	addr := strings.TrimSuffix(addrWith(t, h, "/tcp/"), "/p2p/"+h.host.ID().String())
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{2}, 32))
	h2, err := New(Config{Key: key, ListenAddrs: []string{addr}}, func(context.Context, peer.ID, *particle.Particle) {})
	if err == nil {
		h2.Close()
		t.Fatalf("a second host listens on %s too", addr)
	}
}

// A peer that dials a host's first address gets plain TCP, whatever order
// the transports were listed or came up in: the benchmarks and the local
// network's clients and bootstraps depend on the same transport each time.
func TestAddrsListPlainTCPFirst(t *testing.T) {
	for i := range 4 {
		h, _ := newHost(t, byte(20+i), "/ip4/127.0.0.1/tcp/0/ws", "/ip4/127.0.0.1/tcp/0")
		addrs := h.Addrs()
		if len(addrs) != 2 {
			t.Fatalf("addrs %v, want a TCP and a WebSocket one", addrs)
		}
		if s := addrs[0].String(); strings.Contains(s, "/ws") || !strings.Contains(addrs[1].String(), "/ws") {
			t.Fatalf("addrs %v: want plain TCP first, then WebSocket", addrs)
		}
	}
}
