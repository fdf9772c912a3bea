package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/trace"
)

// stepGate hands each interpretation to the test and holds it until the
// test lets it go.
type stepGate struct {
	waiting chan *Interpretation
	release chan struct{}
}

func (g *stepGate) Enter(ctx context.Context, in *Interpretation) error {
	select {
	case g.waiting <- in:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type recorder struct {
	mu   sync.Mutex
	runs []*Interpretation
	done chan struct{}
}

func (r *recorder) Record(in *Interpretation) {
	r.mu.Lock()
	r.runs = append(r.runs, in)
	r.mu.Unlock()
	r.done <- struct{}{}
}

// TestGateAndRecorder steps onPeer through the network one interpretation
// at a time, checks nothing runs unless released, and re-runs every
// recorded interpretation to the same outcome.
func TestGateAndRecorder(t *testing.T) {
	gate := &stepGate{waiting: make(chan *Interpretation), release: make(chan struct{})}
	rec := &recorder{done: make(chan struct{}, 1)}
	client, nodes, events := networkWith(t, 2, func(c *Config) { c.Gate, c.Recorder = gate, rec })
	keys := map[peer.ID]ed25519.PrivateKey{}
	for seed, n := range map[byte]*Node{100: client, 1: nodes[0], 2: nodes[1]} {
		keys[n.ID()] = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	}
	name := map[peer.ID]string{client.ID(): "client", nodes[0].ID(): "relay", nodes[1].ID(): "p"}

	answer := startFunction(t, client, nodes[0].ID(), script(t, "onPeer"), map[string]any{"p": string(nodes[1].ID())})
	var order []string
	for {
		var in *Interpretation
		select {
		case in = <-gate.waiting:
		case a := <-answer:
			if a.err != nil {
				t.Fatal(a.err)
			}
			goto done
		case <-time.After(10 * time.Second):
			t.Fatalf("stuck after %s", strings.Join(order, " "))
		}
		if got := interpreted(events); got != len(order) {
			t.Fatalf("%d interpretations ran, %d were released", got, len(order))
		}
		order = append(order, name[in.Peer])
		gate.release <- struct{}{}
		<-rec.done
	}
done:
	// The client asks getDataSrv for the relay, then for p, then sends the
	// particle on: relay, p (which runs Peer.timestamp_ms and takes its
	// result), relay, and client, whose run calls callbackSrv.response.
	// The run that takes the response's result may come before the answer.
	if got, want := strings.Join(order, " "), "client client client relay p p relay client"; got != want && got != want+" client" {
		t.Errorf("interpretations %s, want %s...", got, want)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i, in := range rec.runs {
		p := in.Particle
		again := avm.Run(avm.Params{InitPeerID: string(p.InitPeerID), CurrentPeerID: string(in.Peer), Timestamp: p.Timestamp,
			TTL: p.TTL, ParticleID: p.ID, Key: keys[in.Peer], LazySign: in.LazySign}, p.Script, in.Prev, in.Current, in.Results)
		if !reflect.DeepEqual(again, in.Outcome) {
			t.Errorf("run %d at %s: re-run gave another outcome", i, name[in.Peer])
		}
	}
}

func interpreted(events *trace.Log) int {
	evs, _ := events.Since(0, 100_000)
	n := 0
	for _, e := range evs {
		if e.Kind == trace.Interpreted {
			n++
		}
	}
	return n
}
