package tui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/peer"
	"github.com/aquarium-p2p/aquarium/core/session"
	"github.com/aquarium-p2p/aquarium/core/trace"
	"github.com/aquarium-p2p/aquarium/tui/ui"
)

// fakeSession is a network of named peers that answers every run by
// echoing its arguments after a hop to node0 and back, recording the
// events a real network would. Times are fixed so goldens are stable.
type fakeSession struct {
	log   *trace.Log
	mu    sync.Mutex
	peers []session.PeerInfo
	base  time.Time
	// ttls are the TTLs of the calls run, in order.
	ttls []time.Duration
}

func newFakeSession(nodes int) *fakeSession {
	s := &fakeSession{log: trace.NewLog(100_000), base: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for i := range nodes {
		role := session.RoleNode
		if i == 0 {
			role = session.RoleRelay
		}
		s.peers = append(s.peers, session.PeerInfo{ID: fakeID(i), Name: fmt.Sprintf("node%d", i), Role: role, Up: true, Connections: nodes - 1})
	}
	s.peers = append(s.peers, session.PeerInfo{ID: "12D3KooWclient", Name: "client", Role: session.RoleClient, Up: true, Connections: 1})
	return s
}

func fakeID(i int) peer.ID { return peer.ID(fmt.Sprintf("12D3KooWnode%02d", i)) }

func (s *fakeSession) Peers(context.Context) ([]session.PeerInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]session.PeerInfo(nil), s.peers...), nil
}

func (s *fakeSession) Events() *trace.Log { return s.log }
func (s *fakeSession) Close() error       { return nil }

// Run records a particle's trip and returns its arguments in name order.
func (s *fakeSession) Run(_ context.Context, call session.Call) (*session.Result, error) {
	s.mu.Lock()
	s.ttls = append(s.ttls, call.TTL)
	s.mu.Unlock()
	client, relay := peer.ID("12D3KooWclient"), fakeID(0)
	s.emit(call.ParticleID, client, relay)
	if strings.Contains(call.Script, `"risky"`) {
		return nil, &session.Error{ParticleID: call.ParticleID, Code: 10000, Message: "Service with id 'risky' not found",
			Instruction: `call %init_peer_id% ("risky" "run") [] ret`, PeerID: string(relay)}
	}
	res := &session.Result{ParticleID: call.ParticleID}
	for _, n := range slices.Sorted(maps.Keys(call.Args)) {
		res.Values = append(res.Values, call.Args[n])
	}
	return res, nil
}

// emit appends the events of one round trip client -> relay -> client.
func (s *fakeSession) emit(id string, client, relay peer.ID) {
	t := s.base
	step := func(e trace.Event) {
		t = t.Add(150 * time.Microsecond)
		e.Time, e.Particle = t, id
		s.log.Append(e)
	}
	step(trace.Event{Kind: trace.Received, Peer: client, From: client})
	step(trace.Event{Kind: trace.Interpreted, Peer: client, Duration: 120 * time.Microsecond, DataSize: 196})
	step(trace.Event{Kind: trace.Sent, Peer: client, To: relay, DataSize: 928})
	step(trace.Event{Kind: trace.Received, Peer: relay, From: client})
	step(trace.Event{Kind: trace.CallRequested, Peer: relay, CallID: 1, Service: "op", Function: "concat_strings", Args: `["a","b"]`})
	step(trace.Event{Kind: trace.CallFinished, Peer: relay, CallID: 1, Service: "op", Function: "concat_strings", Result: `"ab"`, Duration: 26 * time.Microsecond})
	step(trace.Event{Kind: trace.Interpreted, Peer: relay, Duration: 230 * time.Microsecond, DataSize: 1024})
	step(trace.Event{Kind: trace.Sent, Peer: relay, To: client, DataSize: 1400})
	step(trace.Event{Kind: trace.Received, Peer: client, From: relay})
	step(trace.Event{Kind: trace.Interpreted, Peer: client, Duration: 90 * time.Microsecond, DataSize: 1400})
	step(trace.Event{Kind: trace.Completed, Peer: client})
}

// compile is the compiler the binary uses, for tests.
func compile(_ context.Context, src ui.Source) ui.Build {
	prog, diags := aqua.CheckSource(aqua.Config{}, src.Path, []byte(src.Text))
	b := ui.Build{Diagnostics: diags}
	if diags.HasErrors() {
		return b
	}
	fns, err := codegen.Generate(prog, codegen.Options{EmptyResponse: true})
	if err != nil {
		panic(err)
	}
	for _, fn := range fns {
		f := ui.Function{Name: fn.Name, Signature: fn.Name + fn.Arrow.String(), AIR: air.Print(fn.Script)}
		for _, e := range prog.Roots[0].Module.Exports {
			if pos := prog.Fset.Position(e.Object.Pos); e.Name == fn.Name && pos.Filename == src.Path {
				f.Line = pos.Line
			}
		}
		for _, p := range fn.Arrow.Params {
			f.Params = append(f.Params, ui.Param{Name: p.Name, Type: argType(p.Type)})
		}
		b.Functions = append(b.Functions, f)
	}
	return b
}

// argType is the binary's conversion of a parameter's type for the
// argument check, for the few types the tests' functions take.
func argType(t types.Type) session.Type {
	switch t := t.(type) {
	case *types.Basic:
		if k, ok := map[string]session.Kind{"string": session.KindString, "u32": session.KindU32, "bool": session.KindBool}[t.String()]; ok {
			return session.Type{Kind: k}
		}
	case *types.Array:
		e := argType(t.Elem)
		return session.Type{Kind: session.KindArray, Elem: &e}
	case *types.Arrow:
		return session.Type{Kind: session.KindArrow, Name: t.String()}
	}
	return session.Type{Kind: session.KindAny, Name: t.String()}
}
