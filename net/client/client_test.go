package client

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/net/nodehost"
)

func key(seed byte) peer.PrivateKey {
	k, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	return k
}

// TestDialRunsThroughTheRelay dials a node as relay and runs a function
// that visits it and comes back.
func TestDialRunsThroughTheRelay(t *testing.T) {
	relay, err := nodehost.Start(nodehost.Config{Key: key(1), Network: "client-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	addr := relay.Addrs()[0].String() + "/p2p/" + string(relay.ID())
	s, err := Dial(ctx, addr, key(2), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Relay() != relay.ID() {
		t.Errorf("relay %s, want %s", s.Relay(), relay.ID())
	}
	peers, err := s.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(peers) != 2 || peers[0].Role != session.RoleRelay || !peers[0].Up || peers[1].Role != session.RoleClient || peers[1].ID != peer.IDOf(key(2)) {
		t.Errorf("peers = %+v", peers)
	}
	res, err := s.Run(ctx, session.Call{Script: `(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (call -relay- ("op" "identity") ["hi"] r)
 )
 (call %init_peer_id% ("callbackSrv" "response") [r])
)`, Results: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Values) != 1 || string(res.Values[0]) != `"hi"` {
		t.Errorf("values = %s, want [\"hi\"]", res.Values)
	}
	if s.Events().Last() == 0 {
		t.Error("the client logged no event")
	}
}

func TestDialRefusesABadAddress(t *testing.T) {
	if _, err := Dial(context.Background(), "/ip4/127.0.0.1/tcp/1", key(2), Config{}); err == nil {
		t.Error("dialled an address without a peer id")
	}
}
