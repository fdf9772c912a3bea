package memnet

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Sim runs one particle over peers in memory, one interpretation at a
// time, on the caller's goroutine: the network of the tests of the
// interpreter and of what records it, where nodes and their concurrency
// would be in the way. Each peer keeps the data of its last run and has
// its host loop answer the calls a run asks for, as a node does; the
// deliveries waiting are taken in order, or in an order a seeded source
// picks.
type Sim struct {
	cfg   SimConfig
	peers map[peer.ID]*simPeer
	queue []delivery
	runs  int
}

// SimConfig configures a Sim.
type SimConfig struct {
	// Particle gives the id, initiator, timestamp, TTL and script. It
	// starts on its initiator, which must be one of Peers.
	Particle *particle.Particle
	// Start is the peer the particle is first delivered to; default its
	// initiator.
	Start peer.ID
	// Peers take part; a particle sent to any other peer is lost there.
	Peers []Peer
	// Serve answers the call request id of a run on peer p.
	Serve func(p Peer, id uint32, req avm.CallRequest) avm.CallResult
	// Inline has a peer answer a run's calls and run again at once,
	// until no calls remain, before anything else is delivered: a
	// delivery is a peer's whole host loop. Otherwise a run's results
	// wait their turn like any delivery. Either way, a run that names
	// next peers sends them its data as it ends, as a node does.
	Inline bool
	// Rand, if set, picks the next delivery among those waiting; nil
	// takes them in the order they were sent.
	Rand *rand.Rand
	// MaxRuns bounds the interpretations, so that a script that never
	// settles fails instead of running forever; default 500.
	MaxRuns int
	// Limits bound every interpretation (see avm.Limits).
	Limits avm.Limits
	// Interpret, if set, runs the interpretations in place of avm.Run:
	// how a test puts another interpreter (avm.wasm, the reference's)
	// on some peers or some runs. n counts the runs of the simulation
	// from 0. An error stops the simulation.
	Interpret func(p Peer, n int, params avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error)
	// Ran, if set, hears of every interpretation.
	Ran func(Run)
	// Delivered, if set, hears of the end of every delivery: the peer,
	// its last run's outcome, and the peers it sent the particle to.
	Delivered func(p Peer, last avm.Outcome, next []peer.ID)
}

// Run is one interpretation of a Sim: its inputs and outcome.
type Run struct {
	Peer          Peer
	Prev, Current []byte
	Results       map[uint32]avm.CallResult
	Outcome       avm.Outcome
}

type simPeer struct {
	Peer
	key  ed25519.PrivateKey
	prev []byte
	// memo is kept across the peer's runs, as a node keeps one per
	// particle.
	memo avm.Memo
}

// delivery is data, or call results, on their way to a peer.
type delivery struct {
	to      *simPeer
	current []byte
	results map[uint32]avm.CallResult
}

// NewSim returns a simulation of cfg's particle, not yet started.
func NewSim(cfg SimConfig) *Sim {
	if cfg.MaxRuns <= 0 {
		cfg.MaxRuns = 500
	}
	s := &Sim{cfg: cfg, peers: map[peer.ID]*simPeer{}}
	for _, p := range cfg.Peers {
		s.peers[p.ID] = &simPeer{Peer: p, key: ed25519.NewKeyFromSeed(p.Key.Raw())}
	}
	return s
}

// Run delivers the particle to its first peer, then every delivery that
// follows, until none is left.
func (s *Sim) Run() error {
	start := s.cfg.Start
	if start == "" {
		start = s.cfg.Particle.InitPeerID
	}
	init, ok := s.peers[start]
	if !ok {
		return fmt.Errorf("memnet: the particle's first peer %s is not a peer of the simulation", start)
	}
	// The particle starts with no data.
	s.queue = append(s.queue, delivery{to: init, current: []byte{}})
	for len(s.queue) > 0 {
		i := 0
		if s.cfg.Rand != nil {
			i = s.cfg.Rand.IntN(len(s.queue))
		}
		d := s.queue[i]
		s.queue = slices.Delete(s.queue, i, i+1)
		if err := s.deliver(d); err != nil {
			return err
		}
	}
	return nil
}

// Prev returns the data peer id kept from its last run.
func (s *Sim) Prev(id peer.ID) []byte {
	if p, ok := s.peers[id]; ok {
		return p.prev
	}
	return nil
}

// deliver runs the host loop of d's peer on d.
func (s *Sim) deliver(d delivery) error {
	p := d.to
	var next []peer.ID
	current, results := d.current, d.results
	for {
		if s.runs >= s.cfg.MaxRuns {
			return fmt.Errorf("memnet: the particle still moves after %d runs", s.cfg.MaxRuns)
		}
		out, err := s.interpret(p, current, results)
		if err != nil {
			return err
		}
		if s.cfg.Ran != nil {
			s.cfg.Ran(Run{Peer: p.Peer, Prev: p.prev, Current: current, Results: results, Outcome: out})
		}
		p.prev = out.Data
		// A run's data goes to the peers it names as it ends, as a node
		// sends it: the runs after it, which take the results of its
		// calls, send theirs only if they name peers too.
		var sendTo []peer.ID
		for _, np := range out.NextPeers {
			id := peer.ID(np)
			if slices.Contains(sendTo, id) {
				continue
			}
			sendTo = append(sendTo, id)
			if !slices.Contains(next, id) {
				next = append(next, id)
			}
		}
		results = s.serve(p, out.CallRequests)
		if len(results) > 0 && !s.cfg.Inline {
			s.queue = append(s.queue, delivery{to: p, results: results})
		}
		for _, id := range sendTo {
			if to, ok := s.peers[id]; ok {
				s.queue = append(s.queue, delivery{to: to, current: p.prev})
			}
		}
		if len(results) > 0 && s.cfg.Inline {
			current = nil
			continue
		}
		if s.cfg.Delivered != nil {
			s.cfg.Delivered(p.Peer, out, next)
		}
		return nil
	}
}

// interpret runs the script on p, with avm.Run unless the config says
// otherwise.
func (s *Sim) interpret(p *simPeer, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
	n := s.runs
	s.runs++
	if s.cfg.Interpret == nil {
		return avm.Run(s.params(p), s.cfg.Particle.Script, p.prev, current, results), nil
	}
	out, err := s.cfg.Interpret(p.Peer, n, s.params(p), s.cfg.Particle.Script, p.prev, current, results)
	if err != nil {
		return avm.Outcome{}, fmt.Errorf("memnet: run %d on %s: %w", n, p.Name, err)
	}
	return out, nil
}

// serve answers the call requests of a run of p, in the order of their
// ids.
func (s *Sim) serve(p *simPeer, reqs map[uint32]avm.CallRequest) map[uint32]avm.CallResult {
	if len(reqs) == 0 {
		return nil
	}
	ids := make([]uint32, 0, len(reqs))
	for id := range reqs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	results := make(map[uint32]avm.CallResult, len(reqs))
	for _, id := range ids {
		results[id] = s.cfg.Serve(p.Peer, id, reqs[id])
	}
	return results
}

func (s *Sim) params(p *simPeer) avm.Params {
	pt := s.cfg.Particle
	return avm.Params{
		InitPeerID: string(pt.InitPeerID), CurrentPeerID: string(p.ID), Timestamp: pt.Timestamp, TTL: pt.TTL,
		ParticleID: pt.ID, Key: p.key, Limits: s.cfg.Limits, Memo: &p.memo,
		// A peer sends the data of the runs that name next peers.
		LazySign: true,
	}
}
