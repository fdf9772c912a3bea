// Package p2p hosts an Aquarium peer on go-libp2p: TCP, WebSocket and QUIC
// transports, Noise, yamux, identify and ping, with the particle protocol
// /fluence/particle/2.0.0 of the reference node.
//
// A Host moves particles and nothing else: one particle per stream, as the
// reference node expects, handed to the Handler the embedder supplies.
// What to do with them (verify, interpret, route) is the node's business.
package p2p

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/net/wire"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pb "github.com/libp2p/go-libp2p-kad-dht/pb"
	kb "github.com/libp2p/go-libp2p-kbucket"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	ma "github.com/multiformats/go-multiaddr"
)

// StreamTimeout bounds reading or writing one particle, as the reference
// node's substream timeout does.
const StreamTimeout = 10 * time.Second

// Handler receives each particle that arrives, with the peer that sent it.
// It runs on the stream's goroutine, so it should hand the particle on
// quickly; ctx ends when the host closes.
type Handler func(ctx context.Context, from peer.ID, p *particle.Particle)

// Config configures a Host. The zero value of every field but Key has a
// sensible default.
type Config struct {
	// Key is the peer's identity; Ed25519 and secp256k1 keys are accepted.
	Key peer.PrivateKey
	// ListenAddrs are multiaddrs to listen on. Default: TCP, WebSocket and
	// QUIC on loopback with ports chosen by the system.
	ListenAddrs []string
	// UserAgent is announced through identify.
	UserAgent string
	// MaxConnections bounds open connections; the connection manager trims
	// back to three quarters of it. Default 1000.
	MaxConnections int
	// Logger receives diagnostics. Default: discard.
	Logger *slog.Logger
	// Malformed, if set, hears of every frame that could not be decoded,
	// so that the embedder can record the drop.
	Malformed func(from peer.ID, err error)
	// Reported, if set, receives the drop reports other peers send about
	// particles this peer started.
	Reported func(from peer.ID, drop trace.Event)
	// Network, if set, turns on Kademlia discovery on
	// /fluence/kad/<Network>/1.0.0 ("dar" is the reference's default).
	Network string
	// Disconnected, if set, hears of every peer the host loses its last
	// connection to, as it happens: how a client learns at once that its
	// relay is gone, rather than when its particles' TTLs run out. It
	// runs on libp2p's notification goroutine and must not block.
	Disconnected func(id peer.ID)
	// MaxParticleSize bounds the frame of one incoming particle, in bytes;
	// a stream announcing more is reset unread. Default and upper bound:
	// wire.MaxFrameSize, the reference node's limit.
	MaxParticleSize int
	// Local says the host is one of many on one machine, as the nodes of
	// the local network are: it leaves out what only matters between
	// machines (NAT detection, relays, observed-address discovery, the
	// QUIC transport unless it listens on QUIC) and Kademlia's periodic
	// refresh, each a goroutine or a burst of dials per node that a
	// hundred nodes on two cores feel. Discovery then rests on the
	// lookups each node makes when it joins (Bootstrap).
	Local bool
}

// DefaultListenAddrs listen on loopback, for development networks.
var DefaultListenAddrs = []string{
	"/ip4/127.0.0.1/tcp/0",
	"/ip4/127.0.0.1/tcp/0/ws",
	"/ip4/127.0.0.1/udp/0/quic-v1",
}

// Host is a libp2p host speaking the particle protocol.
type Host struct {
	host    host.Host
	kad     *dht.IpfsDHT // nil without a network name
	refresh bool         // Kademlia refreshes its routing table
	// kadProtocol, kadMessenger and kadTable serve the host's own
	// lookups and the peers that query it (see lookupSelf, heardFrom).
	kadProtocol  protocol.ID
	kadMessenger *pb.ProtocolMessenger
	kadTable     atomic.Pointer[kb.RoutingTable]
	id           peer.ID
	log          *slog.Logger
	malformed    func(from peer.ID, err error)
	maxFrame     int
	ctx          context.Context
	cancel       context.CancelFunc
	// readers are buffered readers for incoming streams, reused: a
	// stream carries one particle, and a fresh 4 KiB buffer for each
	// would be most of what receiving allocates.
	readers sync.Pool
}

// New starts a host. Particles that arrive go to handle.
func New(cfg Config, handle Handler) (*Host, error) {
	if cfg.Key == nil {
		return nil, errors.New("p2p: config has no key")
	}
	sk, err := libp2pKey(cfg.Key)
	if err != nil {
		return nil, err
	}
	listen := cfg.ListenAddrs
	if len(listen) == 0 {
		listen = DefaultListenAddrs
	}
	for _, a := range listen {
		if _, err := ParseListenAddr(a); err != nil {
			return nil, fmt.Errorf("p2p: listen: %w", err)
		}
	}
	maxConns := cfg.MaxConnections
	if maxConns <= 0 {
		maxConns = 1000
	}
	cm, err := connmgr.NewConnManager(maxConns*3/4, maxConns)
	if err != nil {
		return nil, fmt.Errorf("p2p: connection manager: %w", err)
	}
	// The default resource manager reports every stream it opens and
	// closes to Prometheus, whatever DisableMetrics says: a tenth of the
	// CPU a particle costs. Ours keeps the default limits and reports
	// nothing.
	limits := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&limits)
	concrete := limits.AutoScale()
	if cfg.Local {
		// The peers of a local network are its own, and a hundred of them
		// joining at once hold more connections mid-handshake than the
		// default allows one host from strangers.
		concrete = rcmgr.InfiniteLimits
	}
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(concrete), rcmgr.WithMetricsDisabled())
	if err != nil {
		return nil, fmt.Errorf("p2p: resource manager: %w", err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(sk),
		libp2p.ResourceManager(rm),
		libp2p.ListenAddrStrings(listen...),
		// A port is this host's alone: with SO_REUSEPORT, a second
		// process listening on it would take half its connections.
		libp2p.Transport(tcp.NewTCPTransport, tcp.DisableReuseport()),
		libp2p.Transport(websocket.New),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.Ping(true),
		libp2p.ConnectionManager(cm),
		// The reference node announces the particle protocol as its
		// identify protocol version.
		libp2p.ProtocolVersion(wire.ProtocolID),
		libp2p.DisableMetrics(),
	}
	if cfg.UserAgent != "" {
		opts = append(opts, libp2p.UserAgent(cfg.UserAgent))
	}
	if !cfg.Local || listensOn(listen, "/quic") {
		opts = append(opts, libp2p.Transport(quic.NewTransport))
	}
	if cfg.Local {
		opts = append(opts, libp2p.DisableRelay(), libp2p.ForceReachabilityPublic(), libp2p.DisableIdentifyAddressDiscovery(),
			libp2p.SwarmOpts(swarm.WithDialRanker(localDialRanker)))
	}
	lh, err := libp2p.New(opts...)
	if err != nil {
		_ = rm.Close()
		return nil, fmt.Errorf("p2p: start host: %w", err)
	}
	h, err := Wrap(lh, cfg, handle)
	if err != nil {
		lh.Close()
		return nil, err
	}
	return h, nil
}

// Wrap serves the particle protocol (and Kademlia, if cfg.Network is set)
// on a libp2p host made elsewhere, such as an in-memory host of
// go-libp2p's mocknet. Closing the Host closes lh. Only the Logger,
// Malformed, Reported, Network, Disconnected, MaxParticleSize and Local
// fields of cfg are used.
func Wrap(lh host.Host, cfg Config, handle Handler) (*Host, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	maxFrame := cfg.MaxParticleSize
	if maxFrame <= 0 || maxFrame > wire.MaxFrameSize {
		maxFrame = wire.MaxFrameSize
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Host{host: lh, id: peer.ID(lh.ID().String()), log: log, malformed: cfg.Malformed, maxFrame: maxFrame, ctx: ctx, cancel: cancel}
	lh.SetStreamHandler(protocol.ID(wire.ProtocolID), func(s network.Stream) { h.receive(s, handle) })
	if cfg.Disconnected != nil {
		gone := cfg.Disconnected
		lh.Network().Notify(&network.NotifyBundle{DisconnectedF: func(n network.Network, c network.Conn) {
			// A peer may hold several connections; only the last one's
			// end means it is gone.
			if n.Connectedness(c.RemotePeer()) != network.Connected {
				gone(peer.ID(c.RemotePeer().String()))
			}
		}})
	}
	if cfg.Reported != nil {
		h.serveReports(cfg.Reported)
	}
	if cfg.Network != "" {
		if err := h.startKademlia(cfg.Network, !cfg.Local); err != nil {
			cancel()
			return nil, err
		}
	}
	return h, nil
}

// localDialRanker dials a peer's addresses one at a time, plain TCP
// before WebSocket (whose framing costs more and buys nothing between
// peers on one machine), the next only once the last has failed or
// StreamTimeout has passed. Between hosts on one machine a dial answers
// at once or fails at once; the default's happy eyeballs, which dial a
// peer's second address 30 ms after its first, on busy cores start a
// second Noise handshake with the same peer, torn down as soon as the
// first completes, and with it whatever the peer had begun to send on
// it.
func localDialRanker(addrs []ma.Multiaddr) []network.AddrDelay {
	ranked := swarm.DefaultDialRanker(addrs)
	slices.SortStableFunc(ranked, func(a, b network.AddrDelay) int { return isWebSocket(a.Addr) - isWebSocket(b.Addr) })
	for i := range ranked {
		ranked[i].Delay = time.Duration(i) * StreamTimeout
	}
	return ranked
}

// isWebSocket is 1 for a WebSocket address, 0 for any other.
func isWebSocket(a ma.Multiaddr) int {
	if _, err := a.ValueForProtocol(ma.P_WS); err == nil {
		return 1
	}
	return 0
}

// listensOn reports whether any of addrs has part in it.
func listensOn(addrs []string, part string) bool {
	for _, a := range addrs {
		if strings.Contains(a, part) {
			return true
		}
	}
	return false
}

// libp2pKey converts a core key to go-libp2p's type.
func libp2pKey(k peer.PrivateKey) (crypto.PrivKey, error) {
	switch k.Public().Type() {
	case peer.Ed25519:
		return crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(k.Raw()))
	case peer.Secp256k1:
		return crypto.UnmarshalSecp256k1PrivateKey(k.Raw())
	}
	return nil, fmt.Errorf("p2p: unsupported key type %s", k.Public().Type())
}

// ID returns the host's peer id.
func (h *Host) ID() peer.ID { return h.id }

// Addrs returns the host's listen addresses with its peer id appended, the
// form other peers dial. libp2p lists them in no fixed order; these come
// plain TCP first, then WebSocket (the browser's way in, slower for a
// peer that can dial either), so that a peer dialing the first address
// gets the same transport every time.
func (h *Host) Addrs() []ma.Multiaddr {
	info := lpeer.AddrInfo{ID: h.host.ID(), Addrs: h.host.Addrs()}
	addrs, err := lpeer.AddrInfoToP2pAddrs(&info)
	if err != nil {
		return nil
	}
	isWS := func(a ma.Multiaddr) bool {
		_, err := a.ValueForProtocol(ma.P_WS)
		return err == nil
	}
	slices.SortStableFunc(addrs, func(a, b ma.Multiaddr) int {
		if wa, wb := isWS(a), isWS(b); wa != wb {
			if wa {
				return 1
			}
			return -1
		}
		return strings.Compare(a.String(), b.String())
	})
	return addrs
}

// Libp2p exposes the underlying host, for protocols layered beside
// particles (discovery, inspection).
func (h *Host) Libp2p() host.Host { return h.host }

// Connect dials a peer at a multiaddr that ends in /p2p/<id>, and returns
// its id.
func (h *Host) Connect(ctx context.Context, addr string) (peer.ID, error) {
	info, err := ParsePeerAddr(addr)
	if err != nil {
		return "", fmt.Errorf("p2p: %w", err)
	}
	if err := h.host.Connect(ctx, *info); err != nil {
		return "", fmt.Errorf("p2p: connect to %s: %w", addr, err)
	}
	return peer.ID(info.ID.String()), nil
}

// Connected reports whether there is an open connection to id.
func (h *Host) Connected(id peer.ID) bool {
	pid, err := lpeer.Decode(string(id))
	return err == nil && h.host.Network().Connectedness(pid) == network.Connected
}

// Peers returns the peers the host has open connections to.
func (h *Host) Peers() []peer.ID {
	conns := h.host.Network().Peers()
	ids := make([]peer.ID, len(conns))
	for i, p := range conns {
		ids[i] = peer.ID(p.String())
	}
	return ids
}

// ErrNotReachable means no connection to the peer could be opened.
var ErrNotReachable = errors.New("p2p: peer not reachable")

// Send delivers p to the peer to on a stream of its own, as the reference
// node expects. The peer must be connected or its addresses known.
func (h *Host) Send(ctx context.Context, to peer.ID, p *particle.Particle) error {
	pid, err := lpeer.Decode(string(to))
	if err != nil {
		return fmt.Errorf("p2p: send to %q: %w", to, err)
	}
	ctx, cancel := context.WithTimeout(ctx, StreamTimeout)
	defer cancel()
	if err := h.find(ctx, pid); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotReachable, to, err)
	}
	err = h.sendOnce(ctx, pid, to, p)
	// A connection that failed under the particle is not yet a peer that
	// is gone: a peer whose link came back after a cut, or that
	// restarted, answers on a connection of its own while the old one,
	// closed at its end, is still counted open here until a write meets
	// its reset. One more try goes over another connection; after a
	// reset, which says the peer's host is there, it may dial one, but a
	// peer that did not answer at all is not worth a dial that would only
	// time out. Particles are merged on arrival, so a second copy of one
	// the peer did read is harmless.
	switch {
	case errors.Is(err, errConnClosed):
		err = h.sendOnce(ctx, pid, to, p)
	case errors.Is(err, errNoAnswer) && h.Connected(to):
		err = h.sendOnce(network.WithNoDial(ctx, "a peer that did not answer is not redialled"), pid, to, p)
	}
	return err
}

// sendOnce delivers p to pid on a new stream.
func (h *Host) sendOnce(ctx context.Context, pid lpeer.ID, to peer.ID, p *particle.Particle) error {
	open := h.host.Network().Connectedness(pid) == network.Connected
	s, err := h.host.NewStream(ctx, pid, protocol.ID(wire.ProtocolID))
	if err != nil {
		// A connection that was open and refuses a stream at once has
		// met its end, as a write on it would have: Send may try again.
		if open && ctx.Err() == nil {
			return fmt.Errorf("%w: %s: %w when opening a stream: %w", ErrNotReachable, to, errConnClosed, err)
		}
		return fmt.Errorf("%w: %s: %w", ErrNotReachable, to, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = s.SetWriteDeadline(deadline)
	}
	if err := wire.WriteFrame(s, p); err != nil {
		_ = s.Reset()
		return sendError(s, to, p.ID, err)
	}
	// Closing the write side tells the reader the frame is complete (the
	// reference node errors on a stream left open); the reader may already
	// have closed its side, so the full close that follows can fail
	// harmlessly.
	if err := s.CloseWrite(); err != nil {
		_ = s.Reset()
		return sendError(s, to, p.ID, err)
	}
	defer s.Close()
	return awaitRead(ctx, s, to, p.ID)
}

// sendError words a failed write of particle id to to; one that failed
// because the connection closed says so, for Send to try again.
func sendError(s network.Stream, to peer.ID, id string, err error) error {
	if s.Conn().IsClosed() {
		return fmt.Errorf("%w: %s: %w while particle %s was written: %w", ErrNotReachable, to, errConnClosed, id, err)
	}
	return fmt.Errorf("p2p: send particle %s to %s: %w", id, to, err)
}

// errConnClosed and errNoAnswer say why a particle was lost on its
// connection: it closed, or it stopped answering.
var (
	errConnClosed = errors.New("the connection closed")
	errNoAnswer   = errors.New("no answer on the connection")
)

// deliveryWait bounds how long Send waits for the reader to close its
// side of the stream.
const deliveryWait = 2 * time.Second

// awaitRead waits, briefly, for the reader to close its side of the
// stream, as it does once it has read the frame. Writes to a peer that has
// just died can succeed, into a connection not yet seen closed; its end,
// before the reader closed the stream, is what says that the particle was
// lost. A reader that resets the stream (the reference node drops the
// stream it read) is taken to have read the frame. A reader that says
// nothing at all is a busy peer or a link that stopped delivering, which
// TCP does not notice for minutes: a ping on the connection tells which,
// and a connection that does not answer it is closed, so that the next
// send dials afresh.
func awaitRead(ctx context.Context, s network.Stream, to peer.ID, particleID string) error {
	_ = s.SetReadDeadline(time.Now().Add(deliveryWait))
	var b [1]byte
	_, err := s.Read(b[:])
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	if s.Conn().IsClosed() {
		return fmt.Errorf("%w: %s: %w before particle %s was read: %w", ErrNotReachable, to, errConnClosed, particleID, err)
	}
	if !isTimeout(err) {
		return nil
	}
	if err := alive(ctx, s.Conn()); err != nil {
		_ = s.Conn().Close()
		return fmt.Errorf("%w: %s: %w after particle %s was sent: %w", ErrNotReachable, to, errNoAnswer, particleID, err)
	}
	return nil
}

// receive reads the one particle a stream carries and hands it on.
func (h *Host) receive(s network.Stream, handle Handler) {
	defer s.Close()
	_ = s.SetReadDeadline(time.Now().Add(StreamTimeout))
	from := peer.ID(s.Conn().RemotePeer().String())
	r, _ := h.readers.Get().(*bufio.Reader)
	if r == nil {
		r = bufio.NewReader(nil)
	}
	// The frame's length is checked against the limit before its body is
	// read, and the body grows with what arrives: a peer that announces a
	// large particle and sends a few bytes holds a few bytes.
	r.Reset(io.LimitReader(s, int64(h.maxFrame)+binary.MaxVarintLen64))
	p, err := wire.ReadFrameLimit(r, h.maxFrame)
	r.Reset(nil)
	h.readers.Put(r)
	if err != nil {
		h.log.Warn("malformed particle frame", "from", from, "err", err)
		if h.malformed != nil {
			h.malformed(from, err)
		}
		_ = s.Reset()
		return
	}
	handle(h.ctx, from, p)
}

// Close stops the host and ends the context handlers were given.
func (h *Host) Close() error {
	h.cancel()
	if h.kad != nil {
		_ = h.kad.Close()
	}
	return h.host.Close()
}
