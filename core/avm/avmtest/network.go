package avmtest

import (
	"cmp"
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

// testPeer is a simulated peer: the core/memnet peer of its name, the
// data it kept from its last run, and its service.
type testPeer struct {
	memnet.Peer
	rank int // in the order of the peers' names
	prev []byte
	svc  Service
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
	peer    string
	retCode int64
	errMsg  string
}

// network runs a particle over simulated peers on core/memnet's Sim,
// and logs the calls and deliveries in a form tests compare.
type network struct {
	t          testing.TB
	peers      map[string]*testPeer // by name
	byID       map[string]*testPeer
	initPeer   string
	mix        Mix
	calls      []callLog
	deliveries []delivery
}

func newNetwork(t testing.TB, initPeer string, services map[string]Service, mix Mix) *network {
	n := &network{t: t, peers: map[string]*testPeer{}, byID: map[string]*testPeer{}, initPeer: initPeer, mix: mix}
	add := func(name string, svc Service) {
		p := &testPeer{Peer: memnet.NewPeer(name), svc: svc}
		n.peers[name] = p
		n.byID[string(p.ID)] = p
	}
	for name, svc := range services {
		add(name, svc)
	}
	if _, ok := n.peers[initPeer]; !ok {
		add(initPeer, echo)
	}
	for i, name := range slices.Sorted(maps.Keys(n.peers)) {
		n.peers[name].rank = i
	}
	return n
}

// expand replaces @name with the peer id of name.
func (n *network) expand(s string) string {
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

// shorten replaces peer ids with @name for readable output.
func (n *network) shorten(s string) string {
	for name, p := range n.peers {
		s = strings.ReplaceAll(s, string(p.ID), "@"+name)
	}
	return s
}

// run starts the particle on the init peer, with no data, and delivers
// it until it settles, each peer's host loop answering the calls of a
// run at once. With rng non-nil, pending deliveries are taken in a
// random order. Every peer keeps, in prev, the data of its last run.
func (n *network) run(script string, rng *rand.Rand) {
	peers := make([]memnet.Peer, 0, len(n.peers))
	for _, p := range n.peers {
		peers = append(peers, p.Peer)
	}
	sim := memnet.NewSim(memnet.SimConfig{
		Particle: &particle.Particle{ID: "particle-1", InitPeerID: n.peers[n.initPeer].ID,
			Timestamp: 1337, TTL: 5000, Script: n.expand(script)},
		Peers:     peers,
		Inline:    true,
		Rand:      rng,
		MaxRuns:   10_000,
		Interpret: n.interpret,
		Serve: func(mp memnet.Peer, _ uint32, req avm.CallRequest) avm.CallResult {
			p := n.byID[string(mp.ID)]
			res := p.svc(req)
			res.Result = n.expand(res.Result)
			args, _ := json.Marshal(req.Arguments)
			n.calls = append(n.calls, callLog{Peer: p.Name, Service: req.ServiceID, Function: req.FunctionName,
				Args: n.shorten(string(args)), Result: n.shorten(res.Result)})
			return res
		},
		Delivered: func(mp memnet.Peer, last avm.Outcome, _ []peer.ID) {
			n.deliveries = append(n.deliveries, delivery{peer: mp.Name, retCode: last.RetCode, errMsg: n.shorten(last.ErrorMessage)})
		},
	})
	err := sim.Run()
	for _, p := range n.peers {
		p.prev = sim.Prev(p.ID)
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
func (n *network) interpret(p memnet.Peer, run int, params avm.Params, script string, prev, current []byte, results map[uint32]avm.CallResult) (avm.Outcome, error) {
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

func (n *network) pick(p memnet.Peer, run int) Interpreter {
	if n.mix == nil {
		return nil
	}
	return n.mix(n.peers[p.Name].rank, run)
}

// rank is the rank of the peer id names, or one past the last for a peer
// outside the network.
func (n *network) rank(id string) int {
	if p, ok := n.byID[id]; ok {
		return p.rank
	}
	return len(n.peers)
}

// trace returns a peer's final trace in a compact readable form.
func (n *network) trace(name string) string {
	t, err := Trace(n.peers[name].prev)
	if err != nil {
		n.t.Fatalf("decode data of %s: %v", name, err)
	}
	return n.shorten(t)
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
