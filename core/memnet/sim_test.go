package memnet

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// hops is a script that calls a service on a, then on b, and comes back
// to a.
const hops = `(seq
 (call "A" ("s" "f") [] x)
 (seq
  (call "B" ("s" "g") [x] y)
  (call "A" ("s" "h") [y])
 )
)`

// trail runs hops and returns the peers' names in the order they ran.
func trail(t *testing.T, inline bool, rng *rand.Rand) string {
	t.Helper()
	a, b := NewPeer("a"), NewPeer("b")
	script := strings.NewReplacer(`"A"`, `"`+string(a.ID)+`"`, `"B"`, `"`+string(b.ID)+`"`).Replace(hops)
	var ran []string
	sim := NewSim(SimConfig{
		Particle: particle.New("p", a.ID, script, time.UnixMilli(0), time.Minute),
		Peers:    []Peer{a, b},
		Serve:    func(Peer, uint32, avm.CallRequest) avm.CallResult { return avm.CallResult{Result: `"v"`} },
		Inline:   inline,
		Rand:     rng,
		Ran:      func(r Run) { ran = append(ran, r.Peer.Name) },
	})
	if err := sim.Run(); err != nil {
		t.Fatal(err)
	}
	if len(sim.Prev(a.ID)) == 0 || len(sim.Prev(b.ID)) == 0 {
		t.Error("a peer kept no data")
	}
	return strings.Join(ran, " ")
}

func TestSimRunsEveryHop(t *testing.T) {
	// Each call takes a run to ask for it and one to take its result.
	if got, want := trail(t, false, nil), "a a b b a a"; got != want {
		t.Errorf("queued results: ran %q, want %q", got, want)
	}
	if got, want := trail(t, true, nil), "a a b b a a"; got != want {
		t.Errorf("inline results: ran %q, want %q", got, want)
	}
	first, again := trail(t, false, rand.New(rand.NewPCG(3, 3))), trail(t, false, rand.New(rand.NewPCG(3, 3)))
	if first != again {
		t.Errorf("one seed ran %q, then %q", first, again)
	}
}

func TestSimBoundsRuns(t *testing.T) {
	a, b := NewPeer("a"), NewPeer("b")
	script := strings.NewReplacer(`"A"`, `"`+string(a.ID)+`"`, `"B"`, `"`+string(b.ID)+`"`).Replace(hops)
	sim := NewSim(SimConfig{
		Particle: particle.New("p", a.ID, script, time.UnixMilli(0), time.Minute),
		Peers:    []Peer{a, b},
		Serve:    func(Peer, uint32, avm.CallRequest) avm.CallResult { return avm.CallResult{Result: `"v"`} },
		MaxRuns:  5, // of the six hops needs
	})
	if err := sim.Run(); err == nil {
		t.Error("a simulation ran past MaxRuns")
	}
}

func TestSimNeedsItsInitiator(t *testing.T) {
	sim := NewSim(SimConfig{Particle: particle.New("p", peer.ID("nobody"), "(null)", time.UnixMilli(0), time.Minute)})
	if err := sim.Run(); err == nil {
		t.Error("a particle started on a peer outside the simulation")
	}
}

// TestSimInterpret checks that Interpret runs every interpretation, told
// the peer and the run's number, and that its error stops the run.
func TestSimInterpret(t *testing.T) {
	a, b := NewPeer("a"), NewPeer("b")
	script := strings.NewReplacer(`"A"`, `"`+string(a.ID)+`"`, `"B"`, `"`+string(b.ID)+`"`).Replace(hops)
	cfg := SimConfig{
		Particle: particle.New("p", a.ID, script, time.UnixMilli(0), time.Minute),
		Peers:    []Peer{a, b},
		Serve:    func(Peer, uint32, avm.CallRequest) avm.CallResult { return avm.CallResult{Result: `"v"`} },
		Inline:   true,
	}
	var ran []string
	cfg.Interpret = func(p Peer, n int, params avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
		ran = append(ran, fmt.Sprintf("%d:%s", n, p.Name))
		return avm.Run(params, script, prev, current, results), nil
	}
	if err := NewSim(cfg).Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ran, " "), "0:a 1:a 2:b 3:b 4:a 5:a"; got != want {
		t.Errorf("Interpret ran %q, want %q", got, want)
	}

	broken := errors.New("broken interpreter")
	cfg.Interpret = func(p Peer, n int, params avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
		if p.Name == "b" {
			return avm.Outcome{}, broken
		}
		return avm.Run(params, script, prev, current, results), nil
	}
	if err := NewSim(cfg).Run(); !errors.Is(err, broken) {
		t.Errorf("a failing interpreter: Run returned %v, want %v", err, broken)
	}
}
