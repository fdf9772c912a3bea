package p2p

import (
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
// trip or aliveWait. Any answer will do, the ping's echo or not: a peer
// that serves no ping protocol refuses it, or resets the stream (as
// js-client does), over a connection that plainly delivers. Only silence
// until aliveWait, or the connection closing, says the link is dead.
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
		return silence(c, err)
	}
	out := make([]byte, ping.PingSize)
	_, _ = rand.Read(out)
	if _, err := s.Write(out); err != nil {
		return silence(c, err)
	}
	in := make([]byte, ping.PingSize)
	if _, err := io.ReadFull(s, in); err != nil {
		return silence(c, err)
	}
	return nil
}

// silence returns the ping's error if it shows that nothing came back on
// c (a deadline passed, or c closed); nil if the peer answered, if only to
// refuse.
func silence(c network.Conn, err error) error {
	if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) || c.IsClosed() {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// isTimeout reports whether err is a deadline passing, as each muxer
// words it (yamux's error is no os.ErrDeadlineExceeded).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
