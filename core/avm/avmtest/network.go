package avmtest

import (
	"cmp"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Peer is a simulated peer: the core/memnet peer of its name, its key as
// avm.Params takes it, the data it kept from its last run, and its
// service.
type Peer struct {
	memnet.Peer
	// Signer is the peer's private key as an ed25519 key, what a run's
	// avm.Params sign with.
	Signer ed25519.PrivateKey
	// Prev is the data of the peer's last run in a Network's simulation.
	Prev []byte
	// Service answers the peer's call requests.
	Service Service
	rank    int // in the order of the peers' names
}

// NewPeer returns the simulated peer called name, answering with svc.
// The same name makes the same peer id and key in every test, so tests
// that build their own avm.Params or memnet.Sim share the Network's
// peers.
func NewPeer(name string, svc Service) *Peer {
	p := memnet.NewPeer(name)
	return &Peer{Peer: p, Signer: ed25519.NewKeyFromSeed(p.Key.Raw()), Service: svc}
}

// ParticleID is the id of the particle every Network runs, which data a
// test signs itself must be signed for.
const ParticleID = "particle-1"

const (
	// timestamp and ttl are the particle's.
	timestamp = 1337
	ttl       = 5000
	// maxRuns bounds a simulation, so that a script that never settles
	// fails the test instead of hanging it.
	maxRuns = 10_000
)

// Call is one call a peer's host ran, with peer ids in arguments and
// results shortened to @name.
type Call struct {
	Peer, Service, Function string
	Args                    string
	Result                  string
}

// String renders the call as a Scenario's Calls list it:
// "peer service.function(args) -> result".
func (c Call) String() string {
	return fmt.Sprintf("%s %s.%s(%s) -> %s", c.Peer, c.Service, c.Function, c.Args, c.Result)
}

// Delivery is one host-loop run of the particle on a peer: its last
// run's return code and error message, peer ids shortened to @name.
type Delivery struct {
	Peer    string
	RetCode int64
	ErrMsg  string
}

// Network runs a particle over simulated peers on core/memnet's Sim,
// and logs the calls and deliveries in a form tests compare. Scripts
// and service results name peers as @name; the logs name them so too.
type Network struct {
	t        testing.TB
	peers    map[string]*Peer // by name
	byID     map[string]*Peer
	initPeer string
	// Mix chooses the interpreter of every run; nil runs avm.Run.
	Mix Mix
	// Limits bound every run.
	Limits avm.Limits
	// Calls are the calls the peers' hosts ran, in order, over every
	// simulation of the network.
	Calls []Call
	// Deliveries are the peers' host loops, in order, over every
	// simulation of the network.
	Deliveries []Delivery
}

// NewNetwork returns a network of a peer for each of services, answering
// with its service, and of initPeer, the particle's initiator, echoing
// if services leave it out. A simulation that cannot run fails t.
func NewNetwork(t testing.TB, initPeer string, services map[string]Service) *Network {
	n := &Network{t: t, peers: map[string]*Peer{}, byID: map[string]*Peer{}, initPeer: initPeer}
	add := func(name string, svc Service) {
		p := NewPeer(name, svc)
		n.peers[name] = p
		n.byID[string(p.ID)] = p
	}
	for name, svc := range services {
		add(name, svc)
	}
	if _, ok := n.peers[initPeer]; !ok {
		add(initPeer, Echo)
	}
	for i, name := range slices.Sorted(maps.Keys(n.peers)) {
		n.peers[name].rank = i
	}
	return n
}

// Peer returns the peer called name, or nil if there is none.
func (n *Network) Peer(name string) *Peer { return n.peers[name] }

// ID returns the peer id of name, as scripts and avm.Params spell it.
func (n *Network) ID(name string) string { return string(n.peers[name].ID) }

// Params returns the avm.Params of a run of the network's particle on p,
// with the network's Limits, for a test that runs avm.Run itself.
func (n *Network) Params(p *Peer) avm.Params {
	return avm.Params{
		InitPeerID: n.ID(n.initPeer), CurrentPeerID: string(p.ID), Timestamp: timestamp, TTL: ttl,
		ParticleID: ParticleID, Key: p.Signer, Limits: n.Limits,
	}
}

// Expand replaces @name with the peer id of name, longer names first so
// that @ab is not read as @a followed by b.
func (n *Network) Expand(s string) string {
	names := make([]string, 0, len(n.peers))
	for name := range n.peers {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, name := range names {
		s = strings.ReplaceAll(s, "@"+name, string(n.peers[name].ID))
	}
	return s
}

// Shorten replaces peer ids with @name, for readable output.
func (n *Network) Shorten(s string) string {
	for name, p := range n.peers {
		s = strings.ReplaceAll(s, string(p.ID), "@"+name)
	}
	return s
}

// Run starts the particle on the init peer, with no data, and delivers
// it until it settles, each peer's host loop answering the calls of a
// run at once. With rng non-nil, pending deliveries are taken in a
// random order. Every peer keeps, in Prev, the data of its last run.
func (n *Network) Run(script string, rng *rand.Rand) {
	peers := make([]*Peer, 0, len(n.peers))
	for _, p := range n.peers {
		peers = append(peers, p)
	}
	n.simulate(script, rng, n.peers[n.initPeer], peers)
}

// Deliver runs the host loop of p alone, as if the particle had just
// arrived there with no data; p keeps, in Prev, the data of its last
// run, and the particle goes no further.
func (n *Network) Deliver(p *Peer, script string) {
	n.simulate(script, nil, p, []*Peer{p})
}

// simulate delivers the particle to start first, among peers.
func (n *Network) simulate(script string, rng *rand.Rand, start *Peer, peers []*Peer) {
	mps := make([]memnet.Peer, len(peers))
	for i, p := range peers {
		mps[i] = p.Peer
	}
	sim := memnet.NewSim(memnet.SimConfig{
		Particle: &particle.Particle{ID: ParticleID, InitPeerID: n.peers[n.initPeer].ID,
			Timestamp: timestamp, TTL: ttl, Script: n.Expand(script)},
		Start:     start.ID,
		Peers:     mps,
		Inline:    true,
		Rand:      rng,
		MaxRuns:   maxRuns,
		Limits:    n.Limits,
		Interpret: n.interpret,
		Serve: func(mp memnet.Peer, _ uint32, req avm.CallRequest) avm.CallResult {
			p := n.byID[string(mp.ID)]
			res := p.Service(req)
			res.Result = n.Expand(res.Result)
			args, _ := json.Marshal(req.Arguments)
			n.Calls = append(n.Calls, Call{Peer: p.Name, Service: req.ServiceID, Function: req.FunctionName,
				Args: n.Shorten(string(args)), Result: n.Shorten(res.Result)})
			return res
		},
		Delivered: func(mp memnet.Peer, last avm.Outcome, _ []peer.ID) {
			n.Deliveries = append(n.Deliveries, Delivery{Peer: mp.Name, RetCode: last.RetCode, ErrMsg: n.Shorten(last.ErrorMessage)})
		},
	})
	err := sim.Run()
	for _, p := range peers {
		p.Prev = sim.Prev(p.ID)
	}
	if err != nil {
		n.t.Fatal(err)
	}
}

// interpret runs one interpretation with the interpreter the mix picks,
// and puts its next peers in the order of their names. The interpreters
// need not agree on that order (avm.wasm collects them in a hash set),
// but the Sim sends to them in it: this way the particle travels alike
// whichever sent it.
func (n *Network) interpret(p memnet.Peer, run int, params avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	var out avm.Outcome
	if in := n.pick(p, run); in != nil {
		var err error
		if out, err = in(params, script, prev, current, results); err != nil {
			return out, err
		}
	} else {
		out = avm.Run(params, script, prev, current, results)
	}
	slices.SortStableFunc(out.NextPeers, func(a, b string) int { return cmp.Compare(n.rank(a), n.rank(b)) })
	return out, nil
}

func (n *Network) pick(p memnet.Peer, run int) Interpreter {
	if n.Mix == nil {
		return nil
	}
	return n.Mix(n.peers[p.Name].rank, run)
}

// rank is the rank of the peer id names, or one past the last for a peer
// outside the network.
func (n *Network) rank(id string) int {
	if p, ok := n.byID[id]; ok {
		return p.rank
	}
	return len(n.peers)
}

// trace returns a peer's final trace in a compact readable form.
func (n *Network) trace(name string) string {
	t, err := Trace(n.peers[name].Prev)
	if err != nil {
		n.t.Fatalf("decode data of %s: %v", name, err)
	}
	return n.Shorten(t)
}

// Trace renders the trace of encoded interpreter data compactly, one
// state a word: par(left,right), ap(gen), fold[pos:(before)(after) ...],
// canon_req(peer), canon[values], R(peer) or R(peer,call id) for a call
// sent and awaiting its result, U for an unused result, S(value) for a
// scalar result, St(value,gen) for a stream's and F(value) for a
// failure.
func Trace(encoded []byte) (string, error) {
	d, err := data.Decode(encoded)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(d.Trace))
	for i, s := range d.Trace {
		parts[i] = compactState(d, s)
	}
	return strings.Join(parts, " "), nil
}

func compactState(d *data.Data, s data.State) string {
	switch s := s.(type) {
	case *data.Par:
		return fmt.Sprintf("par(%d,%d)", s.Left, s.Right)
	case *data.Ap:
		return fmt.Sprintf("ap(%d)", s.Gen)
	case *data.Fold:
		var b strings.Builder
		b.WriteString("fold[")
		for i, it := range s.Lore {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%d:(%d,%d)(%d,%d)", it.ValuePos, it.Before.Pos, it.Before.Len, it.After.Pos, it.After.Len)
		}
		b.WriteString("]")
		return b.String()
	case *data.Canon:
		if s.Sent {
			return "canon_req(" + s.Peer + ")"
		}
		r := d.Stores.CanonResults[s.CID]
		vals := make([]string, len(r.Values))
		for i, c := range r.Values {
			vals[i] = string(d.Stores.Values[d.Stores.CanonElements[c].ValueCID])
		}
		return "canon[" + strings.Join(vals, ",") + "]"
	case *data.Call:
		switch s.Kind {
		case data.CallSent:
			if s.HasID {
				return fmt.Sprintf("R(%s,%d)", s.Peer, s.ID)
			}
			return "R(" + s.Peer + ")"
		case data.CallUnused:
			return "U"
		}
		sr := d.Stores.ServiceResults[s.CID]
		v := string(d.Stores.Values[sr.ValueCID])
		switch s.Kind {
		case data.CallScalar:
			return "S(" + v + ")"
		case data.CallStream:
			return fmt.Sprintf("St(%s,%d)", v, s.Gen)
		default:
			return "F(" + v + ")"
		}
	}
	return "?"
}
