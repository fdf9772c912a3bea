package node

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// unrunnable says whether an interpretation that ended with code failed
// before the script could run, on what came with the particle: data that
// cannot be decoded, stores whose CIDs or signatures do not hold, a
// script that does not parse. Such a particle can do nothing on this
// peer, so it is dropped, with the reason, unless this peer started it:
// there the failed interpretation is the answer, which a client turns
// into the error of the function it runs, as the reference client does.
// The codes are the reference interpreter's, which core/avm returns too.
func unrunnable(code int64) (trace.Reason, bool) {
	switch code {
	case avm.CodeAIRParse, avm.CodeDataDecode, avm.CodeEnvelopeDecode, codeDataDeserialization,
		avm.CodeUnsupportedVersion, avm.CodeStoreVerification:
		return trace.Malformed, true
	case avm.CodeSignatureCheck:
		return trace.BadSignature, true
	}
	return 0, false
}

// codeDataDeserialization is avm.wasm's code for an envelope whose inner
// data does not decode; core/avm says CodeDataDecode.
const codeDataDeserialization = 4

// reportTimeout bounds telling an initiator about a drop: reports go only
// to connected peers, and are a courtesy.
const reportTimeout = 2 * time.Second

// dropUnrunnable drops a particle whose interpretation could not start,
// and tells its initiator why, as other drops are told.
func (n *Node) dropUnrunnable(ctx context.Context, p *particle.Particle, reason trace.Reason, msg string) {
	drop := trace.Event{Kind: trace.Dropped, Particle: p.ID, Reason: reason, Err: brief(msg)}
	n.emit(drop)
	r, ok := n.cfg.Transport.(Reporter)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, reportTimeout)
	defer cancel()
	if err := r.Report(ctx, p.InitPeerID, drop); err != nil {
		n.cfg.Logger.Debug("report drop to initiator", "particle", p.ID, "err", err)
	}
}

// Bounds of brief: an interpreter's error quotes the script where it
// failed to parse, and one line of a script can be the whole of it.
const (
	briefLines    = 12
	briefLineSize = 160
)

// brief shortens an error message for the trace and the logs: at most
// briefLines lines of at most briefLineSize bytes, each cut at a rune.
func brief(msg string) string {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	cut := len(lines) > briefLines
	if cut {
		lines = lines[:briefLines]
	}
	for i, l := range lines {
		if len(l) > briefLineSize {
			end := briefLineSize
			for end > 0 && !utf8.RuneStart(l[end]) {
				end--
			}
			lines[i] = l[:end] + "…"
		}
	}
	if cut {
		lines = append(lines, "…")
	}
	return strings.Join(lines, "\n")
}
