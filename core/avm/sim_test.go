package avm_test

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// service answers the call requests of one peer.
type service func(req avm.CallRequest) avm.CallResult

// testPeer is a simulated peer: the core/memnet peer of its name, the
// data it kept from its last run, and its service.
type testPeer struct {
	memnet.Peer
	name string
	id   string
	key  ed25519.PrivateKey
	prev []byte
	svc  service
}

func newTestPeer(name string, svc service) *testPeer {
	p := memnet.NewPeer(name)
	return &testPeer{Peer: p, name: name, id: string(p.ID), key: ed25519.NewKeyFromSeed(p.Key.Raw()), svc: svc}
}

// callLog is one call a peer's host ran.
type callLog struct {
	Peer, Service, Function string
	Args                    string
	Result                  string
}

func (c callLog) String() string {
	return fmt.Sprintf("%s %s.%s(%s) -> %s", c.Peer, c.Service, c.Function, c.Args, c.Result)
}

// delivery is one host-loop run of a particle on a peer.
type delivery struct {
	peer      string
	retCode   int64
	errMsg    string
	nextPeers []string
}

// network runs a particle over simulated peers on core/memnet's Sim,
// and logs the calls and deliveries in a form tests compare.
type network struct {
	t          testing.TB
	peers      map[string]*testPeer // by name
	byID       map[string]*testPeer
	particleID string
	initPeer   string
	timestamp  uint64
	ttl        uint32
	calls      []callLog
	deliveries []delivery
	// maxRuns bounds a run, so a script that never settles fails the
	// test instead of hanging it.
	maxRuns int
	// limits are every run's.
	limits avm.Limits
}

func newNetwork(t testing.TB, initPeer string, services map[string]service) *network {
	n := &network{
		t: t, peers: map[string]*testPeer{}, byID: map[string]*testPeer{},
		particleID: "particle-1", initPeer: initPeer, timestamp: 1337, ttl: 5000, maxRuns: 10_000,
	}
	for name, svc := range services {
		p := newTestPeer(name, svc)
		n.peers[name] = p
		n.byID[p.id] = p
	}
	if _, ok := n.peers[initPeer]; !ok {
		p := newTestPeer(initPeer, echo)
		n.peers[initPeer] = p
		n.byID[p.id] = p
	}
	return n
}

func (n *network) id(name string) string { return n.peers[name].id }

// expand replaces @name with the peer id of name.
func (n *network) expand(s string) string {
	names := make([]string, 0, len(n.peers))
	for name := range n.peers {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, name := range names {
		s = strings.ReplaceAll(s, "@"+name, n.peers[name].id)
	}
	return s
}

// shorten replaces peer ids with @name for readable output.
func (n *network) shorten(s string) string {
	for name, p := range n.peers {
		s = strings.ReplaceAll(s, p.id, "@"+name)
	}
	return s
}

func (n *network) params(p *testPeer) avm.Params {
	return avm.Params{
		InitPeerID: n.peers[n.initPeer].id, CurrentPeerID: p.id, Timestamp: n.timestamp, TTL: n.ttl,
		ParticleID: n.particleID, Key: p.key, Limits: n.limits,
	}
}

// run starts the particle on the init peer and delivers it until it
// settles, each peer's host loop answering the calls of a run at once.
// With rng non-nil, pending deliveries are taken in a random order.
// Every peer starts with no data and keeps, in prev, the data of its
// last run.
func (n *network) run(script string, rng *rand.Rand) {
	peers := make([]*testPeer, 0, len(n.peers))
	for _, p := range n.peers {
		peers = append(peers, p)
	}
	n.simulate(script, rng, n.peers[n.initPeer], peers)
}

// deliver runs the host loop of p alone, as if the particle had just
// arrived there with no data.
func (n *network) deliver(p *testPeer, script string) {
	n.simulate(script, nil, p, []*testPeer{p})
}

// simulate delivers the particle to start first, among peers.
func (n *network) simulate(script string, rng *rand.Rand, start *testPeer, peers []*testPeer) {
	sim := memnet.NewSim(memnet.SimConfig{
		Particle: &particle.Particle{ID: n.particleID, InitPeerID: peer.ID(n.peers[n.initPeer].id),
			Timestamp: n.timestamp, TTL: n.ttl, Script: n.expand(script)},
		Start:   start.ID,
		Peers:   peerList(peers),
		Inline:  true,
		Rand:    rng,
		MaxRuns: n.maxRuns,
		Limits:  n.limits,
		Serve: func(mp memnet.Peer, _ uint32, req avm.CallRequest) avm.CallResult {
			p := n.byID[string(mp.ID)]
			res := p.svc(req)
			res.Result = n.expand(res.Result)
			args, _ := json.Marshal(req.Arguments)
			n.calls = append(n.calls, callLog{Peer: p.name, Service: req.ServiceID, Function: req.FunctionName,
				Args: n.shorten(string(args)), Result: n.shorten(res.Result)})
			return res
		},
		Delivered: func(mp memnet.Peer, last avm.Outcome, next []peer.ID) {
			ids := make([]string, len(next))
			for i, id := range next {
				ids[i] = string(id)
			}
			n.deliveries = append(n.deliveries, delivery{peer: n.byID[string(mp.ID)].name, retCode: last.RetCode,
				errMsg: n.shorten(last.ErrorMessage), nextPeers: ids})
		},
	})
	err := sim.Run()
	for _, p := range peers {
		p.prev = sim.Prev(p.ID)
	}
	if err != nil {
		n.t.Fatal(err)
	}
}

func peerList(peers []*testPeer) []memnet.Peer {
	out := make([]memnet.Peer, len(peers))
	for i, p := range peers {
		out[i] = p.Peer
	}
	return out
}

// Services.

func ok(v any) avm.CallResult {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return avm.CallResult{Result: string(b)}
}

// echo returns its first argument, or null without arguments.
func echo(req avm.CallRequest) avm.CallResult {
	if len(req.Arguments) == 0 {
		return avm.CallResult{Result: "null"}
	}
	return avm.CallResult{Result: string(req.Arguments[0])}
}

// returns always answers v.
func returns(v any) service { return func(avm.CallRequest) avm.CallResult { return ok(v) } }

// byFunction answers with the service of the called function's name,
// echoing for any other.
func byFunction(fns map[string]service) service {
	return func(req avm.CallRequest) avm.CallResult {
		if f, ok := fns[req.FunctionName]; ok {
			return f(req)
		}
		return echo(req)
	}
}
