package p2p

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	msmux "github.com/multiformats/go-multistream"
)

// aliveWait bounds the ping that tells a busy peer from a dead link.
const aliveWait = 2 * time.Second

// alive pings the peer over the connection c itself, not over whichever
// connection to it the host prefers: a link that stops delivering (a
// cable pulled, a route gone) leaves TCP retrying for many minutes and
// yamux's keep-alive waiting up to 40 s, while this answers in one round
// trip or aliveWait.
func alive(ctx context.Context, c network.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, aliveWait)
	defer cancel()
	s, err := c.NewStream(ctx)
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	defer s.Reset()
	deadline, _ := ctx.Deadline()
	_ = s.SetDeadline(deadline)
	if err := msmux.SelectProtoOrFail(ping.ID, s); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	out := make([]byte, ping.PingSize)
	_, _ = rand.Read(out)
	if _, err := s.Write(out); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	in := make([]byte, ping.PingSize)
	if _, err := io.ReadFull(s, in); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if !bytes.Equal(in, out) {
		return fmt.Errorf("ping: the answer is not the ping")
	}
	return nil
}

// isTimeout reports whether err is a deadline passing, as each muxer
// words it (yamux's error is no os.ErrDeadlineExceeded).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
