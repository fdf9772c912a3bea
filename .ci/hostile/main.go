// Command hostile sends a node the raw inputs .ci/hostile-node.sh needs
// and the command line cannot make: frames whose length lies, particles
// from the future, and an op.identity round trip timed from the wire.
//
//	hostile key FILE                  write a fresh key (base64 Ed25519 seed), print its peer id
//	hostile identity ADDR             time op.identity on the node at ADDR and back, in ms: the
//	                                  median of five round trips, so that one scheduling hiccup
//	                                  of a shared machine is not taken for the node's
//	hostile frames ADDR N HOLD        open N streams that announce 100 MiB and send 12 bytes, hold them HOLD
//	hostile future ADDR KEY           send a particle timestamped a year ahead; fail if it is answered
//	hostile claims ADDR KEY N         send N frames of 60 bytes whose fields claim 3 GB, and N signed
//	                                  particles whose data claims 3 GB of inner data
//	hostile deep ADDR KEY             send a frame with an unknown field, and a signed particle whose
//	                                  data has an unknown key, each nesting 30 million arrays deep
//	hostile soak ADDR HTTP SERVICE S  for S seconds, good traffic (op.identity round trips from four
//	                                  clients, calls of SERVICE's answer()) beside hostile (garbage
//	                                  frames, lying lengths, future timestamps, bad signatures,
//	                                  oversized particles); fail if a good request fails or the
//	                                  node's goroutines or RSS, read from HTTP's /metrics, grow
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/net/p2p"
	"github.com/aquarium-p2p/aquarium/net/wire"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: hostile key|identity|frames|future|claims|deep|soak ARGS")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch {
	case args[0] == "key" && len(args) == 2:
		key, err := peer.GenerateEd25519(rand.Reader)
		if err != nil {
			return err
		}
		if err := os.WriteFile(args[1], []byte(base64.StdEncoding.EncodeToString(key.Raw())+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Println(peer.IDOf(key))
		return nil
	case args[0] == "identity" && len(args) == 2:
		return identity(ctx, args[1])
	case args[0] == "frames" && len(args) == 4:
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		hold, err := time.ParseDuration(args[3])
		if err != nil {
			return err
		}
		return frames(ctx, args[1], n, hold)
	case args[0] == "future" && len(args) == 3:
		return future(ctx, args[1], args[2])
	case args[0] == "claims" && len(args) == 4:
		n, err := strconv.Atoi(args[3])
		if err != nil {
			return err
		}
		return claims(ctx, args[1], args[2], n)
	case args[0] == "deep" && len(args) == 3:
		return deep(ctx, args[1], args[2])
	case args[0] == "soak" && len(args) == 5:
		secs, err := strconv.Atoi(args[4])
		if err != nil || secs < 3 {
			return fmt.Errorf("soak: %q is not a number of seconds, at least 3", args[4])
		}
		return soak(context.Background(), args[1], args[2], args[3], time.Duration(secs)*time.Second)
	}
	return fmt.Errorf("unknown command %q", strings.Join(args, " "))
}

func readKey(path string) (peer.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, err
	}
	return peer.Ed25519FromSeed(seed)
}

// keyedClient is client with the key in keyFile, which it returns too.
func keyedClient(ctx context.Context, addr, keyFile string) (peer.PrivateKey, *p2p.Host, peer.ID, chan *particle.Particle, error) {
	key, err := readKey(keyFile)
	if err != nil {
		return nil, nil, "", nil, err
	}
	h, node, got, err := client(ctx, addr, key)
	return key, h, node, got, err
}

// client connects a host with key to the node at addr; arrivals go to got.
func client(ctx context.Context, addr string, key peer.PrivateKey) (*p2p.Host, peer.ID, chan *particle.Particle, error) {
	if key == nil {
		k, err := peer.GenerateEd25519(rand.Reader)
		if err != nil {
			return nil, "", nil, err
		}
		key = k
	}
	got := make(chan *particle.Particle, 16)
	h, err := p2p.New(p2p.Config{Key: key, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}},
		func(_ context.Context, _ peer.ID, p *particle.Particle) {
			select {
			case got <- p:
			default:
			}
		})
	if err != nil {
		return nil, "", nil, err
	}
	node, err := h.Connect(ctx, addr)
	if err != nil {
		h.Close()
		return nil, "", nil, err
	}
	return h, node, got, nil
}

// roundTrip is a particle that calls op.identity on the node and comes
// back to its initiator, who need not interpret it to see it arrive.
func roundTrip(key peer.PrivateKey, node peer.ID, at time.Time) (*particle.Particle, error) {
	script := fmt.Sprintf(`(seq (call %q ("op" "identity") ["hostile"] r) (call %%init_peer_id%% ("op" "noop") []))`, node)
	var id [8]byte
	_, _ = rand.Read(id[:])
	p := particle.New(fmt.Sprintf("hostile-%x", id), peer.IDOf(key), script, at, 10*time.Second)
	return p, p.Sign(key)
}

func identity(ctx context.Context, addr string) error {
	key, err := peer.GenerateEd25519(rand.Reader)
	if err != nil {
		return err
	}
	h, node, got, err := client(ctx, addr, key)
	if err != nil {
		return err
	}
	defer h.Close()
	var trips []time.Duration
	for range 5 {
		took, err := trip(ctx, h, node, key, got)
		if err != nil {
			return err
		}
		trips = append(trips, took)
	}
	slices.Sort(trips)
	fmt.Printf("%.1f\n", float64(trips[len(trips)/2].Microseconds())/1000)
	return nil
}

// trip sends one op.identity round trip and waits for it to come back.
func trip(ctx context.Context, h *p2p.Host, node peer.ID, key peer.PrivateKey, got <-chan *particle.Particle) (time.Duration, error) {
	p, err := roundTrip(key, node, time.Now())
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := h.Send(ctx, node, p); err != nil {
		return 0, err
	}
	wait := time.NewTimer(5 * time.Second)
	defer wait.Stop()
	for {
		select {
		case back := <-got:
			if back.ID == p.ID {
				return time.Since(start), nil
			}
		case <-wait.C:
			return 0, fmt.Errorf("op.identity: no answer in 5 s")
		}
	}
}

func frames(ctx context.Context, addr string, n int, hold time.Duration) error {
	h, node, _, err := client(ctx, addr, nil)
	if err != nil {
		return err
	}
	defer h.Close()
	frame := binary.AppendUvarint(nil, wire.MaxFrameSize)
	frame = append(frame, bytes.Repeat([]byte{0x81}, 12)...)
	for i := range n {
		s, err := particleStream(ctx, h, node)
		if err != nil {
			return fmt.Errorf("stream %d: %w", i, err)
		}
		defer s.Close()
		if _, err := s.Write(frame); err != nil {
			return fmt.Errorf("stream %d: %w", i, err)
		}
	}
	time.Sleep(hold) // the streams stay open, their frames unfinished
	return nil
}

// claims sends n frames whose byte fields claim 3 GB and hold a few
// bytes, and n particles, signed and otherwise good, whose data is an
// envelope that claims 3 GB of inner data.
func claims(ctx context.Context, addr, keyFile string, n int) error {
	const claim = 3 << 30
	// A msgpack map of one entry: the key, then a bin32 or str32 header
	// claiming 3 GB, then a few bytes.
	entry := func(key string, code byte) []byte {
		b := []byte{0x81, 0xa0 | byte(len(key))}
		b = append(b, key...)
		b = append(b, code)
		b = binary.BigEndian.AppendUint32(b, claim)
		return append(b, "a few bytes"...)
	}
	var bodies, data [][]byte
	for i := range n {
		bodies = append(bodies, entry([]string{"data", "signature", "script"}[i%3], []byte{0xc6, 0xc6, 0xdb}[i%3]))
		data = append(data, entry("inner_data", 0xc6))
	}
	return sendHostile(ctx, addr, keyFile, bodies, data)
}

// deep sends a frame with a field unknown to the node whose value is
// 30 million one-element arrays, each inside the last, and a signed
// particle whose data envelope has a key like that. A decoder that skips
// unknown values by recursion exhausts the Go stack on either: a fatal
// error, not a panic a node could recover from.
func deep(ctx context.Context, addr, keyFile string) error {
	entry := append([]byte("\x81\xa5extra"), bytes.Repeat([]byte{0x91}, 30<<20)...)
	entry = append(entry, 0x01)
	return sendHostile(ctx, addr, keyFile, [][]byte{entry}, [][]byte{entry})
}

// particleStream opens a stream of the particle protocol to node, for
// bytes no well-behaved host would write.
func particleStream(ctx context.Context, h *p2p.Host, node peer.ID) (network.Stream, error) {
	pid, err := lpeer.Decode(string(node))
	if err != nil {
		return nil, err
	}
	return h.Libp2p().NewStream(ctx, pid, protocol.ID(wire.ProtocolID))
}

// sendHostile sends the node at addr each of bodies as a particle
// message (a frame of the msgpack codec), and for each of data a
// particle signed with the key in keyFile, otherwise good, that carries
// it. The node drops them all, as it should.
func sendHostile(ctx context.Context, addr, keyFile string, bodies, data [][]byte) error {
	key, h, node, _, err := keyedClient(ctx, addr, keyFile)
	if err != nil {
		return err
	}
	defer h.Close()
	for i, body := range bodies {
		s, err := particleStream(ctx, h, node)
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		body = append([]byte{0x81, 0x04}, body...)
		_, err = s.Write(append(binary.AppendUvarint(nil, uint64(len(body))), body...))
		_ = s.Close()
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
	}
	for _, d := range data {
		p, err := roundTrip(key, node, time.Now())
		if err != nil {
			return err
		}
		p.Data = d
		_ = h.Send(ctx, node, p) // the node's drop may reset the stream
	}
	return nil
}

func future(ctx context.Context, addr, keyFile string) error {
	key, h, node, got, err := keyedClient(ctx, addr, keyFile)
	if err != nil {
		return err
	}
	defer h.Close()
	p, err := roundTrip(key, node, time.Now().AddDate(1, 0, 0))
	if err != nil {
		return err
	}
	if err := h.Send(ctx, node, p); err != nil {
		return err
	}
	select {
	case <-got:
		return fmt.Errorf("the node ran a particle timestamped a year ahead")
	case <-time.After(2 * time.Second):
		return nil
	}
}
