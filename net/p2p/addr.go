package p2p

import (
	"errors"
	"fmt"
	"net"
	"strings"

	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// peerAddrExample shows the form ParsePeerAddr reads, for its errors.
const peerAddrExample = "/ip4/127.0.0.1/tcp/7777/p2p/<peer id>"

// ParsePeerAddr reads the address of a peer to dial, a multiaddr ending
// in /p2p/<peer id>, as a user gives it (--relay, --bootstrap, attach) or
// a peer announces it. Its errors quote the address and say what is
// wrong with it: that it is empty, is not a multiaddr, names an unknown
// protocol or a bad value, or lacks the peer id.
func ParsePeerAddr(s string) (*lpeer.AddrInfo, error) {
	m, err := parseMultiaddr(s)
	if err != nil {
		return nil, err
	}
	rest, last := ma.SplitLast(m)
	if last == nil || last.Protocol().Code != ma.P_P2P {
		return nil, fmt.Errorf("address %q does not end in /p2p/<peer id>, as %s does", s, peerAddrExample)
	}
	id, err := lpeer.IDFromBytes(last.RawValue())
	if err != nil {
		return nil, fmt.Errorf("address %q: peer id %s: %w", s, last.Value(), err)
	}
	info := &lpeer.AddrInfo{ID: id}
	if len(rest) > 0 {
		info.Addrs = []ma.Multiaddr{rest}
	}
	return info, nil
}

// ParseListenAddr reads a multiaddr to listen on, such as
// /ip4/0.0.0.0/tcp/7777 or /ip4/0.0.0.0/tcp/9999/ws. It checks the
// syntax only: whether a transport serves the address is libp2p's to
// say when it listens.
func ParseListenAddr(s string) (ma.Multiaddr, error) {
	m, err := parseMultiaddr(s)
	if err != nil {
		return nil, err
	}
	if _, err := m.ValueForProtocol(ma.P_P2P); err == nil {
		return nil, fmt.Errorf("address %q names a peer id (/p2p/...): a listen address is the host's own, without one", s)
	}
	return m, nil
}

// ListenTarget reads a listen address of the form /ip4/HOST/tcp/PORT[/...]
// or /ip6/... (/udp/ for QUIC) as what net.Listen takes, so that a port
// in use can be reported before libp2p tries it. ok is false for port 0,
// for addresses of other forms, and for malformed ones, which
// ParseListenAddr reports.
func ListenTarget(addr string) (network, hostport string, ok bool) {
	m, err := ma.NewMultiaddr(addr)
	if err != nil || len(m) < 2 {
		return "", "", false
	}
	ip, tp := m[0], m[1]
	if c := ip.Protocol().Code; c != ma.P_IP4 && c != ma.P_IP6 {
		return "", "", false
	}
	switch tp.Protocol().Code {
	case ma.P_TCP:
		network = "tcp"
	case ma.P_UDP:
		network = "udp"
	default:
		return "", "", false
	}
	if tp.Value() == "0" {
		return "", "", false
	}
	return network, net.JoinHostPort(ip.Value(), tp.Value()), true
}

// parseMultiaddr reads s as a multiaddr, with errors that quote it and
// say what is wrong.
func parseMultiaddr(s string) (ma.Multiaddr, error) {
	switch {
	case strings.TrimSpace(s) == "":
		return nil, errors.New("the address is empty; a multiaddr looks like " + peerAddrExample)
	case !strings.HasPrefix(s, "/"):
		return nil, fmt.Errorf("address %q is not a multiaddr: a multiaddr starts with /, as in %s", s, peerAddrExample)
	}
	m, err := ma.NewMultiaddr(s)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", s, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("address %q names no protocol; a multiaddr looks like %s", s, peerAddrExample)
	}
	return m, nil
}
