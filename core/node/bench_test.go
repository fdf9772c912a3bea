package node

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/builtin"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// roundTrip is client -> relay (op.identity) -> client, the reference
// load tests' first case.
const roundTrip = `(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (call -relay- ("op" "identity") ["hi"] r)
 )
 (call %init_peer_id% ("callbackSrv" "response") [r])
)
`

// BenchmarkRoundTrip measures one client -> relay -> client particle on
// the in-memory network, interpretation included at both ends.
func BenchmarkRoundTrip(b *testing.B) {
	client, nodes, _ := network(b, 1)
	relay := nodes[0].ID()
	key, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{100}, 32))
	done := make(chan struct{}, 1)
	services := map[string]builtin.Service{
		"getDataSrv":  {"-relay-": func(context.Context, *builtin.Call) (any, error) { return string(relay), nil }},
		"callbackSrv": {"response": func(context.Context, *builtin.Call) (any, error) { done <- struct{}{}; return nil, nil }},
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		p := particle.New(fmt.Sprint("rt-", i), client.ID(), roundTrip, testClock, time.Minute)
		if err := p.Sign(key); err != nil {
			b.Fatal(err)
		}
		scope(client, p.ID, services)
		client.Deliver(client.ID(), p)
		<-done
	}
}
