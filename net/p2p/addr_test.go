package p2p

import (
	"strconv"
	"strings"
	"testing"

	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

const testPeerID = "12D3KooWJY7v4cD2bxiSzisarex1FaiDhWAH8Q9N6Z8aSDW84AZQ"

func TestParsePeerAddr(t *testing.T) {
	for _, tc := range []struct {
		in    string
		addr  string // the transport part, when it parses
		wantE string // a part of the error, when it does not
	}{
		{in: "/ip4/127.0.0.1/tcp/7777/p2p/" + testPeerID, addr: "/ip4/127.0.0.1/tcp/7777"},
		{in: "/ip4/127.0.0.1/tcp/9999/ws/p2p/" + testPeerID, addr: "/ip4/127.0.0.1/tcp/9999/ws"},
		{in: "/dns4/node.example/tcp/7777/p2p/" + testPeerID, addr: "/dns4/node.example/tcp/7777"},
		{in: "/p2p/" + testPeerID},
		{in: "", wantE: "empty"},
		{in: "  ", wantE: "empty"},
		{in: "127.0.0.1:7777", wantE: "starts with /"},
		{in: "/", wantE: `"/"`},
		{in: "/ip4/127.0.0.1/tcp/7777", wantE: "does not end in /p2p/<peer id>"},
		{in: "/ip4/127.0.0.1/tcp/7777/p2p/" + testPeerID + "/ws", wantE: "does not end in /p2p/<peer id>"},
		{in: "/ip4/300.0.0.1/tcp/7777/p2p/" + testPeerID, wantE: "300.0.0.1"},
		{in: "/ip4/127.0.0.1/tcp/77777/p2p/" + testPeerID, wantE: "77777"},
		{in: "/ipx/127.0.0.1/tcp/7777/p2p/" + testPeerID, wantE: "ipx"},
		{in: "/ip4/127.0.0.1/tcp/7777/p2p/12D3Koo", wantE: "12D3Koo"},
	} {
		info, err := ParsePeerAddr(tc.in)
		if tc.wantE != "" {
			if err == nil {
				t.Errorf("ParsePeerAddr(%q) = %v, want an error", tc.in, info)
			} else if !strings.Contains(err.Error(), tc.wantE) {
				t.Errorf("ParsePeerAddr(%q): %v, want it to say %q", tc.in, err, tc.wantE)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePeerAddr(%q): %v", tc.in, err)
			continue
		}
		if info.ID.String() != testPeerID {
			t.Errorf("ParsePeerAddr(%q).ID = %s, want %s", tc.in, info.ID, testPeerID)
		}
		var got string
		if len(info.Addrs) == 1 {
			got = info.Addrs[0].String()
		}
		if got != tc.addr || len(info.Addrs) > 1 {
			t.Errorf("ParsePeerAddr(%q).Addrs = %v, want [%s]", tc.in, info.Addrs, tc.addr)
		}
	}
}

func TestParseListenAddr(t *testing.T) {
	for _, ok := range []string{"/ip4/0.0.0.0/tcp/7777", "/ip4/0.0.0.0/tcp/9999/ws", "/ip6/::/udp/0/quic-v1"} {
		if _, err := ParseListenAddr(ok); err != nil {
			t.Errorf("ParseListenAddr(%q): %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"":                      "empty",
		"0.0.0.0:7777":          "starts with /",
		"/ip4/0.0.0.0/tcp/port": "port",
		"/ip4/0.0.0.0/tcp/7777/p2p/" + testPeerID: "names a peer id",
	} {
		if _, err := ParseListenAddr(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseListenAddr(%q): %v, want an error that says %q", in, err, want)
		}
	}
}

func TestListenTarget(t *testing.T) {
	for _, tc := range []struct {
		in, network, hostport string
		ok                    bool
	}{
		{"/ip4/0.0.0.0/tcp/7777", "tcp", "0.0.0.0:7777", true},
		{"/ip4/127.0.0.1/tcp/9999/ws", "tcp", "127.0.0.1:9999", true},
		{"/ip6/::1/udp/7777/quic-v1", "udp", "[::1]:7777", true},
		{"/ip4/0.0.0.0/tcp/0", "", "", false},
		{"/dns4/localhost/tcp/7777", "", "", false},
		{"/ip4/0.0.0.0", "", "", false},
		{"/ip4/0.0.0.0/tcp/77777", "", "", false},
		{"garbage", "", "", false},
	} {
		network, hostport, ok := ListenTarget(tc.in)
		if network != tc.network || hostport != tc.hostport || ok != tc.ok {
			t.Errorf("ListenTarget(%q) = %q, %q, %v, want %q, %q, %v", tc.in, network, hostport, ok, tc.network, tc.hostport, tc.ok)
		}
	}
}

// FuzzParsePeerAddr checks that no address makes ParsePeerAddr panic,
// that an error quotes the address it is about (or says it is empty), and
// that an address it accepts comes back the same from its parts: printed
// and read again, it names the same peer at the same transport address.
func FuzzParsePeerAddr(f *testing.F) {
	for _, s := range []string{
		"/ip4/127.0.0.1/tcp/7777/p2p/" + testPeerID,
		"/ip4/127.0.0.1/tcp/9999/ws/p2p/" + testPeerID,
		"/ip6/::1/udp/7777/quic-v1/p2p/" + testPeerID,
		"/dns/node.example/tcp/443/wss/p2p/" + testPeerID,
		"/p2p/" + testPeerID,
		"/ip4/127.0.0.1/tcp/7777",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ParsePeerAddr(s)
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, "empty") && !strings.Contains(msg, strconv.Quote(s)) {
				t.Fatalf("ParsePeerAddr(%q): error %q does not quote the address", s, msg)
			}
			return
		}
		addrs, err := lpeer.AddrInfoToP2pAddrs(info)
		if err != nil || len(addrs) != 1 {
			t.Fatalf("ParsePeerAddr(%q) = %v, which does not print: %v", s, info, err)
		}
		again, err := ParsePeerAddr(addrs[0].String())
		if err != nil {
			t.Fatalf("ParsePeerAddr(%q) printed as %q, which does not parse: %v", s, addrs[0], err)
		}
		if again.ID != info.ID || len(again.Addrs) != len(info.Addrs) ||
			len(info.Addrs) == 1 && !again.Addrs[0].Equal(info.Addrs[0]) {
			t.Fatalf("ParsePeerAddr(%q) = %v, but its printed form %q reads as %v", s, info, addrs[0], again)
		}
	})
}

// FuzzParseListenAddr checks ParseListenAddr and ListenTarget on any
// address: no panic, errors that quote the address, accepted addresses
// that read back the same, and a listen target only for an address that
// parses.
func FuzzParseListenAddr(f *testing.F) {
	for _, s := range []string{
		"/ip4/0.0.0.0/tcp/7777",
		"/ip4/0.0.0.0/tcp/9999/ws",
		"/ip6/::/udp/0/quic-v1",
		"/ip4/127.0.0.1/tcp/0",
		"/ip4/0.0.0.0/tcp/7777/p2p/" + testPeerID,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		network, hostport, ok := ListenTarget(s)
		m, err := ParseListenAddr(s)
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, "empty") && !strings.Contains(msg, strconv.Quote(s)) {
				t.Fatalf("ParseListenAddr(%q): error %q does not quote the address", s, msg)
			}
			if ok {
				if _, perr := ma.NewMultiaddr(s); perr != nil {
					t.Fatalf("ListenTarget(%q) = %s %s for an address that does not parse", s, network, hostport)
				}
			}
			return
		}
		again, err := ParseListenAddr(m.String())
		if err != nil || !again.Equal(m) {
			t.Fatalf("ParseListenAddr(%q) = %s, which reads back as %v, %v", s, m, again, err)
		}
		if ok && (network != "tcp" && network != "udp" || hostport == "") {
			t.Fatalf("ListenTarget(%q) = %q, %q", s, network, hostport)
		}
	})
}
