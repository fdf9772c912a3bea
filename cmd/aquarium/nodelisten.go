package main

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	netp2p "github.com/aquarium-p2p/aquarium/net/p2p"
)

// checkPortsFree fails when a TCP or UDP port the node is to listen on
// is taken. libp2p starts when any of its addresses listens, so a port
// held by another process would be skipped without a word, or shared
// with it where the other set SO_REUSEPORT.
func checkPortsFree(addrs []string) error {
	for _, a := range addrs {
		network, hostport, ok := netp2p.ListenTarget(a)
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
