// Package inspect serves and uses the inspection protocol
// /aquarium/inspect/1.0.0, through which a workbench attaches to a node
// running elsewhere: the node's identity and addresses, the peers it is
// connected to, its services and modules, and the trace events of the
// particles passing through it, its recent history first, then live.
//
// A node serves the protocol only to the peers it was told to allow;
// every other peer gets an error that says so, and nothing else.
//
// Each request is one stream: the client writes one JSON object, the
// server answers with JSON objects, one per line, and for "events" keeps
// writing until the client closes the stream.
package inspect

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	msmux "github.com/multiformats/go-multistream"
)

// Protocol is the inspection protocol's id.
const Protocol protocol.ID = "/aquarium/inspect/1.0.0"

const (
	// maxRequest bounds a request; requests are small.
	maxRequest = 4 << 10
	// maxReply bounds one reply line a client reads.
	maxReply = 16 << 20
	// writeTimeout bounds writing one reply: a client that stops reading
	// loses its stream rather than holding the server.
	writeTimeout = 10 * time.Second
	// batch is how many events the server reads from the log at once.
	batch = 512
)

// Info describes the inspected node.
type Info struct {
	PeerID  peer.ID  `json:"peer_id"`
	Addrs   []string `json:"addrs"`
	Version string   `json:"version"`
	// Connected are the peers it has open connections to.
	Connected []peer.ID `json:"connected"`
	// RoutingTable is the size of its Kademlia routing table.
	RoutingTable int                   `json:"routing_table"`
	Services     []builtin.ServiceInfo `json:"services"`
	Modules      []builtin.Module      `json:"modules"`
	// FirstEvent and LastEvent bound the history of events it holds.
	FirstEvent uint64 `json:"first_event"`
	LastEvent  uint64 `json:"last_event"`
}

type request struct {
	Op   string `json:"op"` // "info" or "events"
	From uint64 `json:"from,omitempty"`
}

type reply struct {
	Error string `json:"error,omitempty"`
	// Refused marks the error of a peer that is not allowed.
	Refused bool         `json:"refused,omitempty"`
	Info    *Info        `json:"info,omitempty"`
	Event   *trace.Event `json:"event,omitempty"`
	Missed  uint64       `json:"missed,omitempty"`
}

// Config configures what a node serves.
type Config struct {
	// Allowed are the peers that may inspect the node. Empty allows none.
	Allowed []peer.ID
	// Events is the node's trace.
	Events *trace.Log
	// Info describes the node, without services, modules and history,
	// which the server adds.
	Info func() Info
	// Deployer lists the node's services and modules; may be nil.
	Deployer builtin.Deployer
	Logger   *slog.Logger
}

// Serve answers the inspection protocol on h until h closes.
func Serve(h host.Host, cfg Config) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h.SetStreamHandler(Protocol, func(s network.Stream) { serve(s, cfg) })
}

func serve(s network.Stream, cfg Config) {
	defer s.Close()
	from := peer.ID(s.Conn().RemotePeer().String())
	w := &replyWriter{s: s, enc: json.NewEncoder(s)}
	if !slices.Contains(cfg.Allowed, from) {
		cfg.Logger.Warn("inspection refused", "peer", from)
		_ = w.write(reply{Refused: true, Error: fmt.Sprintf("peer %s may not inspect this node: start the node with --allow-inspect %s to allow it", from, from)})
		return
	}
	_ = s.SetReadDeadline(time.Now().Add(writeTimeout))
	req, err := readRequest(s)
	if err != nil {
		_ = w.write(reply{Error: err.Error()})
		return
	}
	_ = s.SetReadDeadline(time.Time{})
	switch req.Op {
	case "info":
		info := describe(cfg)
		_ = w.write(reply{Info: &info})
	case "events":
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		// The client closes its side when it stops following.
		wg.Go(func() {
			_, _ = io.Copy(io.Discard, s)
			cancel()
		})
		if err := follow(ctx, cfg.Events, req.From, w); err != nil {
			cfg.Logger.Debug("inspection stream ended", "peer", from, "err", err)
		}
		cancel()
		// Closing the read side ends the copy if the client is still
		// there.
		_ = s.CloseRead()
		wg.Wait()
	}
}

// readRequest reads the one request a stream carries.
func readRequest(r io.Reader) (request, error) {
	var req request
	if err := json.NewDecoder(io.LimitReader(r, maxRequest)).Decode(&req); err != nil {
		return req, fmt.Errorf("bad request: %w", err)
	}
	if req.Op != "info" && req.Op != "events" {
		return req, fmt.Errorf("unknown request %q: want info or events", req.Op)
	}
	return req, nil
}

func describe(cfg Config) Info {
	var info Info
	if cfg.Info != nil {
		info = cfg.Info()
	}
	if cfg.Deployer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		info.Services, _ = cfg.Deployer.Services(ctx)
		info.Modules, _ = cfg.Deployer.Modules(ctx)
	}
	if cfg.Events != nil {
		info.LastEvent = cfg.Events.Last()
		if evs, _ := cfg.Events.Since(0, 1); len(evs) > 0 {
			info.FirstEvent = evs[0].Seq
		}
	}
	return info
}

// follow writes the events from seq from on, then each new one, until ctx
// ends or a write fails.
func follow(ctx context.Context, log *trace.Log, from uint64, w *replyWriter) error {
	if log == nil {
		return w.write(reply{Error: "this node keeps no events"})
	}
	sub := log.Subscribe()
	defer sub.Close()
	next := from
	for {
		evs, missed := log.Since(next, batch)
		if missed > 0 {
			if err := w.write(reply{Missed: missed}); err != nil {
				return err
			}
		}
		for i := range evs {
			if err := w.write(reply{Event: &evs[i]}); err != nil {
				return err
			}
			next = evs[i].Seq + 1
		}
		if len(evs) == batch {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-sub.C():
		}
	}
}

type replyWriter struct {
	s   network.Stream
	enc *json.Encoder
}

func (w *replyWriter) write(r reply) error {
	_ = w.s.SetWriteDeadline(time.Now().Add(writeTimeout))
	return w.enc.Encode(r)
}

var (
	// ErrRefused means the node does not allow this peer to inspect it.
	ErrRefused = errors.New("inspection refused")
	// ErrNotServed means the node serves no inspection at all.
	ErrNotServed = errors.New("inspection not served")
)

// Client asks a node about itself over the inspection protocol.
type Client struct {
	h      host.Host
	target lpeer.ID
	id     peer.ID
}

// NewClient returns a client of node id, which h is connected to or knows
// the addresses of.
func NewClient(h host.Host, id peer.ID) (*Client, error) {
	pid, err := lpeer.Decode(string(id))
	if err != nil {
		return nil, fmt.Errorf("inspect: peer id %q: %w", id, err)
	}
	return &Client{h: h, target: pid, id: id}, nil
}

// open sends a request and returns a reader of the replies.
func (c *Client) open(ctx context.Context, req request) (network.Stream, *json.Decoder, error) {
	s, err := c.h.NewStream(ctx, c.target, Protocol)
	var unsupported msmux.ErrNotSupported[protocol.ID]
	if errors.As(err, &unsupported) {
		return nil, nil, fmt.Errorf("%w: %s does not serve %s: start it with --allow-inspect", ErrNotServed, c.id, Protocol)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("inspect %s: %w", c.id, err)
	}
	if err := json.NewEncoder(s).Encode(req); err != nil {
		_ = s.Reset()
		return nil, nil, fmt.Errorf("inspect %s: %w", c.id, err)
	}
	return s, json.NewDecoder(bufio.NewReader(io.LimitReader(s, maxReply))), nil
}

// next reads one reply, turning an error reply into an error.
func (c *Client) next(dec *json.Decoder) (reply, error) {
	var r reply
	if err := dec.Decode(&r); err != nil {
		return r, fmt.Errorf("inspect %s: %w", c.id, err)
	}
	if r.Error != "" {
		if r.Refused {
			return r, fmt.Errorf("%w by %s: %s", ErrRefused, c.id, r.Error)
		}
		return r, fmt.Errorf("inspect %s: %s", c.id, r.Error)
	}
	return r, nil
}

// Info asks the node to describe itself.
func (c *Client) Info(ctx context.Context) (Info, error) {
	s, dec, err := c.open(ctx, request{Op: "info"})
	if err != nil {
		return Info{}, err
	}
	defer s.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = s.SetReadDeadline(deadline)
	}
	r, err := c.next(dec)
	if err != nil {
		return Info{}, err
	}
	if r.Info == nil {
		return Info{}, fmt.Errorf("inspect %s: the answer holds no info", c.id)
	}
	return *r.Info, nil
}

// Follow hands f the node's events from seq from on (0: the oldest it
// holds), then every new one, until ctx ends or the stream breaks. missed
// is how many events the node evicted before they could be sent.
func (c *Client) Follow(ctx context.Context, from uint64, f func(e trace.Event, missed uint64)) error {
	s, dec, err := c.open(ctx, request{Op: "events", From: from})
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = s.Reset() })
	defer stop()
	defer s.Close()
	for {
		r, err := c.next(dec)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if r.Event != nil {
			f(*r.Event, r.Missed)
		} else if r.Missed > 0 {
			f(trace.Event{}, r.Missed)
		}
	}
}
