package p2p

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// ReportProtocol carries drop reports: a peer that cannot send a particle
// on tells the particle's initiator why, where it still has a connection
// to it. The reference network drops such particles silently.
const ReportProtocol protocol.ID = "/aquarium/report/1.0.0"

// maxReportSize bounds one report; reports are a courtesy, not a channel.
const maxReportSize = 8 << 10

type report struct {
	Particle string `json:"particle"`
	To       string `json:"to"`
	Reason   uint8  `json:"reason"`
	Err      string `json:"err"`
	Time     int64  `json:"time_ms"`
}

// Report tells peer to about a drop, if it is connected: reports are not
// worth a dial.
func (h *Host) Report(ctx context.Context, to peer.ID, drop trace.Event) error {
	pid, err := lpeer.Decode(string(to))
	if err != nil {
		return err
	}
	if h.host.Network().Connectedness(pid) != network.Connected {
		return fmt.Errorf("%w: %s: not connected", ErrNotReachable, to)
	}
	ctx, cancel := context.WithTimeout(ctx, StreamTimeout)
	defer cancel()
	s, err := h.host.NewStream(network.WithNoDial(ctx, "reports never dial"), pid, ReportProtocol)
	if err != nil {
		return err
	}
	defer s.Close()
	msg := report{Particle: drop.Particle, To: string(drop.To), Reason: uint8(drop.Reason), Err: truncate(drop.Err, 1024), Time: drop.Time.UnixMilli()}
	return json.NewEncoder(s).Encode(msg)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// serveReports hands received reports to handle.
func (h *Host) serveReports(handle func(from peer.ID, drop trace.Event)) {
	h.host.SetStreamHandler(ReportProtocol, func(s network.Stream) {
		defer s.Close()
		_ = s.SetReadDeadline(time.Now().Add(StreamTimeout))
		var msg report
		if err := json.NewDecoder(io.LimitReader(s, maxReportSize)).Decode(&msg); err != nil {
			_ = s.Reset()
			return
		}
		handle(peer.ID(s.Conn().RemotePeer().String()), trace.Event{
			Kind: trace.Dropped, Particle: msg.Particle, To: peer.ID(msg.To), Reason: trace.Reason(msg.Reason),
			Err: "reported: " + msg.Err, Time: time.UnixMilli(msg.Time),
		})
	})
}
