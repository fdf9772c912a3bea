package p2p

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	libp2pping "github.com/libp2p/go-libp2p/p2p/protocol/ping"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// silentLink forwards TCP connections to a target until it is cut; from
// then on it reads what either side sends and delivers none of it,
// holding the connections open: a link that stopped delivering, which is
// what a pulled cable or a lost route is to the peers at either end.
// Set to reset instead, it answers what arrives by resetting the
// connection: what a host that has forgotten the connection (it restarted,
// or closed it while the link was down) answers.
type silentLink struct {
	ln     net.Listener
	target string
	cut    atomic.Bool
	reset  atomic.Bool
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

// newSilentLink listens on loopback for connections to forward to
// target, a host:port, until the test ends.
func newSilentLink(t *testing.T, target string) *silentLink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &silentLink{ln: ln, target: target}
	l.wg.Add(1)
	go l.accept()
	t.Cleanup(l.close)
	return l
}

func (l *silentLink) accept() {
	defer l.wg.Done()
	for {
		in, err := l.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", l.target)
		if err != nil {
			in.Close()
			continue
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			in.Close()
			out.Close()
			return
		}
		l.conns = append(l.conns, in, out)
		l.wg.Add(2)
		l.mu.Unlock()
		go l.forward(out, in)
		go l.forward(in, out)
	}
}

// forward copies from src to dst while the link is up, swallows what
// src sends once it is cut, and resets both once it is set to.
func (l *silentLink) forward(dst, src net.Conn) {
	defer l.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && l.reset.Load() {
			for _, c := range []net.Conn{src, dst} {
				_ = c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}
			return
		}
		if n > 0 && !l.cut.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (l *silentLink) close() {
	l.ln.Close()
	l.mu.Lock()
	l.closed = true
	for _, c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
}

// tcpTarget returns h's TCP listen address as host:port.
func tcpTarget(t *testing.T, h *Host) string {
	t.Helper()
	for _, a := range h.Libp2p().Addrs() {
		if target, ok := strings.CutPrefix(a.String(), "/ip4/127.0.0.1/tcp/"); ok && !strings.Contains(target, "/") {
			return "127.0.0.1:" + target
		}
	}
	t.Fatalf("host has no TCP address among %v", h.Libp2p().Addrs())
	return ""
}

// TestSendOverACutLinkFails sends over a connection whose link has
// stopped delivering: TCP sees nothing wrong, so only the missing answer
// can tell, and Send must say the peer is unreachable, and close the
// connection, rather than count the particle delivered.
func TestSendOverACutLinkFails(t *testing.T) {
	a, _ := newHost(t, 1)
	b, got := newHost(t, 2, "/ip4/127.0.0.1/tcp/0")
	link := newSilentLink(t, tcpTarget(t, b))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, "/ip4/127.0.0.1/tcp/"+strings.TrimPrefix(link.ln.Addr().String(), "127.0.0.1:")+"/p2p/"+string(b.ID())); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(ctx, b.ID(), signedParticle(t, 1)); err != nil {
		t.Fatalf("Send while the link delivers: %v", err)
	}
	<-got
	link.cut.Store(true)
	err := a.Send(ctx, b.ID(), signedParticle(t, 1))
	if !errors.Is(err, ErrNotReachable) {
		t.Fatalf("Send over the cut link = %v, want ErrNotReachable", err)
	}
	if a.Connected(b.ID()) {
		t.Error("the connection that did not answer is still open")
	}
}

// TestSendAfterAResetDialsAgain sends over a connection the peer has
// forgotten: the write meets a reset, and Send must try once more, on a
// connection it dials, rather than lose the particle.
func TestSendAfterAResetDialsAgain(t *testing.T) {
	a, _ := newHost(t, 1)
	b, got := newHost(t, 2, "/ip4/127.0.0.1/tcp/0")
	link := newSilentLink(t, tcpTarget(t, b))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, "/ip4/127.0.0.1/tcp/"+strings.TrimPrefix(link.ln.Addr().String(), "127.0.0.1:")+"/p2p/"+string(b.ID())); err != nil {
		t.Fatal(err)
	}
	// b's own address, learnt through identify, is what a dial uses.
	a.Libp2p().Peerstore().AddAddrs(b.Libp2p().ID(), b.Libp2p().Addrs(), time.Hour)
	link.reset.Store(true)
	want := signedParticle(t, 1)
	if err := a.Send(ctx, b.ID(), want); err != nil {
		t.Fatalf("Send over a reset connection = %v, want a second try that delivers", err)
	}
	if arrived := <-got; arrived.p.ID != want.ID {
		t.Errorf("b received %s, want %s", arrived.p.ID, want.ID)
	}
}

// TestSendToABusyPeerSucceeds sends to a peer that takes its time over
// the particle, keeping the stream open: it answers the ping, so the
// particle counts as delivered. A peer that serves no ping protocol (a
// js-client app) still answers on the connection, if only to refuse it
// or reset the stream (js-client does), which is as good.
func TestSendToABusyPeerSucceeds(t *testing.T) {
	for _, ping := range []string{"served", "not served", "reset"} {
		t.Run("ping "+ping, func(t *testing.T) { sendToABusyPeer(t, ping) })
	}
}

func sendToABusyPeer(t *testing.T, ping string) {
	a, _ := newHost(t, 1)
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{2}, 32))
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	b, err := New(Config{Key: key, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}}, func(context.Context, peer.ID, *particle.Particle) {
		arrived <- struct{}{}
		<-release
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	switch ping {
	case "not served":
		b.host.RemoveStreamHandler(libp2pping.ID)
	case "reset":
		b.host.SetStreamHandler(libp2pping.ID, func(s network.Stream) { _ = s.Reset() })
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := a.Connect(ctx, addrWith(t, b, "/tcp/")); err != nil {
		t.Fatal(err)
	}
	err = a.Send(ctx, b.ID(), signedParticle(t, 1))
	close(release)
	if err != nil {
		t.Fatalf("Send to a busy peer = %v, want nil", err)
	}
	<-arrived
	if !a.Connected(b.ID()) {
		t.Error("the connection to the busy peer was closed")
	}
}

// TestIsTimeout tells a deadline that passed from the end of a stream.
func TestIsTimeout(t *testing.T) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	_ = c1.SetReadDeadline(time.Now())
	_, err := c1.Read(make([]byte, 1))
	if !isTimeout(err) {
		t.Errorf("isTimeout(%v) = false after a deadline", err)
	}
	if isTimeout(io.EOF) {
		t.Error("isTimeout(io.EOF) = true")
	}
}
