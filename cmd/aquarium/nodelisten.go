package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// checkPortsFree fails when a TCP or UDP port the node is to listen on
// is taken. libp2p starts when any of its addresses listens, so a port
// held by another process would be skipped without a word, or shared
// with it where the other set SO_REUSEPORT.
func checkPortsFree(addrs []string) error {
	for _, a := range addrs {
		network, hostport, ok := listenTarget(a)
		if !ok {
			continue
		}
		var err error
		if network == "udp" {
			var c net.PacketConn
			if c, err = net.ListenPacket(network, hostport); err == nil {
				c.Close()
			}
		} else {
			var l net.Listener
			if l, err = net.Listen(network, hostport); err == nil {
				l.Close()
			}
		}
		if errors.Is(err, syscall.EADDRINUSE) {
			_, port, _ := net.SplitHostPort(hostport)
			return fmt.Errorf("--listen %s: %s port %s is in use: another process listens on it (another aquarium node?); stop it or choose another port", a, strings.ToUpper(network), port)
		}
	}
	return nil
}

// listenTarget reads /ip4/HOST/tcp/PORT[/...] or /ip6/... (udp for
// QUIC) as what net.Listen takes; ok is false for port 0 and for
// addresses of other forms, which libp2p checks itself.
func listenTarget(addr string) (network, hostport string, ok bool) {
	parts := strings.Split(addr, "/")
	if len(parts) < 5 || parts[0] != "" || (parts[1] != "ip4" && parts[1] != "ip6") {
		return "", "", false
	}
	if parts[3] != "tcp" && parts[3] != "udp" || parts[4] == "0" {
		return "", "", false
	}
	return parts[3], net.JoinHostPort(parts[2], parts[4]), true
}
