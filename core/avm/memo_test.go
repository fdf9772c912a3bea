package avm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// TestMemoChangesNothing runs the compiled corpus and multi-peer scripts
// on memnet.Sim, whose peers keep an avm.Memo across their runs as nodes
// do, and runs every interpretation again without a Memo on the same
// inputs: the outcomes must be identical, byte for byte.
func TestMemoChangesNothing(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "air", "testdata", "*.air"))
	if err != nil || len(files) < 40 {
		t.Fatalf("the AIR corpus: %d files, %v", len(files), err)
	}
	type job struct {
		name, script string
		peers        []*avmtest.Peer
		rng          *rand.Rand
	}
	var jobs []job
	self := avmtest.NewPeer("self", nil)
	self.Service = benchService(string(self.ID))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, job{name: filepath.Base(f), script: string(src), peers: []*avmtest.Peer{self}})
	}
	xs := make([]any, 100)
	for i := range xs {
		xs[i] = i
	}
	a := avmtest.NewPeer("a", avmtest.ByFunction(map[string]avmtest.Service{"xs": avmtest.Returns(xs)}))
	b, c := avmtest.NewPeer("b", avmtest.Echo), avmtest.NewPeer("c", avmtest.Echo)
	expand := strings.NewReplacer("@a", string(a.ID), "@b", string(b.ID), "@c", string(c.ID))
	for seed := range uint64(4) {
		jobs = append(jobs,
			job{name: fmt.Sprintf("sequential fold, order %d", seed), peers: []*avmtest.Peer{a, b},
				script: expand.Replace(`(seq (call "@a" ("" "xs") [] xs) (fold xs x (seq (call "@a" ("" "f") [x] $r) (next x))))`),
				rng:    rand.New(rand.NewPCG(seed, 1))},
			job{name: fmt.Sprintf("par branches over three peers, order %d", seed), peers: []*avmtest.Peer{a, b, c},
				script: expand.Replace(`(seq (call "@a" ("" "xs") [] xs)
				  (seq (fold xs x (par (seq (call "@b" ("" "f") [x] $r) (seq (call "@c" ("" "g") [x] $s) (call "@a" ("" "h") [x] $back))) (next x)))
				       (seq (canon "@a" $back #back) (call "@a" ("" "done") [#back] d))))`),
				rng: rand.New(rand.NewPCG(seed, 2))})
	}
	total := 0
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			byID := map[peer.ID]*avmtest.Peer{}
			peers := make([]memnet.Peer, len(j.peers))
			for i, p := range j.peers {
				byID[p.ID], peers[i] = p, p.Peer
			}
			pt := &particle.Particle{ID: "particle-1", InitPeerID: j.peers[0].ID, Timestamp: 1337, TTL: 5000, Script: j.script}
			runs := 0
			sim := memnet.NewSim(memnet.SimConfig{
				Particle: pt, Peers: peers, Inline: true, Rand: j.rng, MaxRuns: 5000,
				Serve: func(p memnet.Peer, _ uint32, req avm.CallRequest) avm.CallResult { return byID[p.ID].Service(req) },
				Ran: func(r memnet.Run) {
					runs++
					p := avm.Params{InitPeerID: string(pt.InitPeerID), CurrentPeerID: string(r.Peer.ID), Timestamp: pt.Timestamp,
						TTL: pt.TTL, ParticleID: pt.ID, Key: byID[r.Peer.ID].Signer, LazySign: true}
					want := avm.Run(p, j.script, r.Prev, r.Current, r.Results)
					got := r.Outcome
					if !bytes.Equal(got.Data, want.Data) || got.RetCode != want.RetCode || got.ErrorMessage != want.ErrorMessage ||
						!reflect.DeepEqual(got.NextPeers, want.NextPeers) || !reflect.DeepEqual(got.CallRequests, want.CallRequests) {
						t.Fatalf("run %d on %s differs with a Memo: ret %d %q, %d bytes; without: ret %d %q, %d bytes",
							runs, r.Peer.Name, got.RetCode, got.ErrorMessage, len(got.Data), want.RetCode, want.ErrorMessage, len(want.Data))
					}
				},
			})
			if err := sim.Run(); err != nil {
				t.Fatal(err)
			}
			total += runs
		})
	}
	// Most runs follow another on the same peer: they are the ones a
	// Memo serves.
	if total < 600 {
		t.Errorf("only %d runs compared", total)
	}
}

// TestLazySignSignsWhatIsSent runs three sequential calls on a before the
// particle goes to b, with LazySign: the first run, which has no result
// yet, signs nothing; the second signs its one result; the third keeps
// that signature while it waits; and the run that sends signs every
// result, which b checks, though it waits for a call too.
func TestLazySignSignsWhatIsSent(t *testing.T) {
	a, b := avmtest.NewPeer("a", avmtest.Echo), avmtest.NewPeer("b", avmtest.Echo)
	script := strings.NewReplacer("@a", string(a.ID), "@b", string(b.ID)).Replace(
		`(seq (seq (call "@a" ("" "f") [1] x) (seq (call "@a" ("" "f") [2] y) (call "@a" ("" "f") [3] z))) (par (call "@b" ("" "g") [x y z] r) (call "@a" ("" "h") [] w)))`)
	params := func(p *avmtest.Peer) avm.Params {
		return avm.Params{InitPeerID: string(a.ID), CurrentPeerID: string(p.ID), Timestamp: 1337, TTL: 5000, ParticleID: "particle-1",
			Key: p.Signer, LazySign: true, Memo: new(avm.Memo)}
	}
	pa := params(a)
	out := avm.Run(pa, script, nil, nil, nil)
	stale, unsigned := 0, 0
	// a waits for each call in turn, then sends to b while it asks for h.
	for out.RetCode == 0 && len(out.NextPeers) == 0 {
		d, err := data.DecodeOwn(out.Data)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := d.Signatures[string(a.ID)]; !ok {
			unsigned++
		}
		if d.VerifySignatures(pa.ParticleID) != nil {
			stale++
		}
		results := map[uint32]avm.CallResult{}
		for id, req := range out.CallRequests {
			results[id] = avmtest.Echo(req)
		}
		out = avm.Run(pa, script, out.Data, nil, results)
	}
	if out.RetCode != 0 || len(out.NextPeers) != 1 || len(out.CallRequests) != 1 {
		t.Fatalf("a: ret %d %s, next %v", out.RetCode, out.ErrorMessage, out.NextPeers)
	}
	if unsigned != 1 || stale != 1 {
		t.Errorf("of a's 3 waiting runs, %d signed nothing (want 1, the first) and %d kept an older signature (want 1, the third)", unsigned, stale)
	}
	onB := avm.Run(params(b), script, nil, out.Data, nil)
	if onB.RetCode != 0 || len(onB.CallRequests) != 1 {
		t.Fatalf("b rejects what a sent: ret %d %s", onB.RetCode, onB.ErrorMessage)
	}
}

// TestLazySignLeavesTheLastRunUnsigned runs two sequential calls on their
// initiator, with LazySign: the run that takes the first result signs it
// (results without any signature are not left so), and the last run,
// which sends the particle nowhere, keeps that signature instead of
// signing both results: the data stays on the peer. Run again as if a
// new version of the particle had arrived and must go to b, it signs
// every result, which b checks.
func TestLazySignLeavesTheLastRunUnsigned(t *testing.T) {
	a, b := avmtest.NewPeer("a", avmtest.Echo), avmtest.NewPeer("b", avmtest.Echo)
	expand := strings.NewReplacer("@a", string(a.ID), "@b", string(b.ID)).Replace
	script := expand(`(seq (call "@a" ("" "f") [1] x) (call "@a" ("" "f") [2] y))`)
	params := func(p *avmtest.Peer) avm.Params {
		return avm.Params{InitPeerID: string(a.ID), CurrentPeerID: string(p.ID), Timestamp: 1337, TTL: 5000, ParticleID: "particle-1",
			Key: p.Signer, LazySign: true, Memo: new(avm.Memo)}
	}
	pa := params(a)
	out := avm.Run(pa, script, nil, nil, nil)
	var runs []*data.Data
	for out.RetCode == 0 && len(out.CallRequests) > 0 {
		results := map[uint32]avm.CallResult{}
		for id, req := range out.CallRequests {
			results[id] = avmtest.Echo(req)
		}
		out = avm.Run(pa, script, out.Data, nil, results)
		d, err := data.DecodeOwn(out.Data)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, d)
	}
	if out.RetCode != 0 || len(runs) != 2 || len(out.NextPeers) != 0 {
		t.Fatalf("ret %d %s after %d runs with results, next %v", out.RetCode, out.ErrorMessage, len(runs), out.NextPeers)
	}
	if err := runs[0].VerifySignatures(pa.ParticleID); err != nil {
		t.Errorf("the run that took the first result left it unsigned: %v", err)
	}
	if got, want := runs[1].Signatures[string(a.ID)], runs[0].Signatures[string(a.ID)]; !bytes.Equal(got.Sig, want.Sig) {
		t.Errorf("the last run, whose data stays on a, signed its results again")
	}
	// The particle comes back with b's part of a longer script: the run
	// that sends it to b signs both results.
	longer := expand(`(seq (seq (call "@a" ("" "f") [1] x) (call "@a" ("" "f") [2] y)) (call "@b" ("" "g") [x y] z))`)
	sent := avm.Run(pa, longer, out.Data, nil, nil)
	if sent.RetCode != 0 || len(sent.NextPeers) != 1 {
		t.Fatalf("a: ret %d %s, next %v", sent.RetCode, sent.ErrorMessage, sent.NextPeers)
	}
	if onB := avm.Run(params(b), longer, nil, sent.Data, nil); onB.RetCode != 0 || len(onB.CallRequests) != 1 {
		t.Fatalf("b rejects what a sent: ret %d %s", onB.RetCode, onB.ErrorMessage)
	}
}

// TestMemoRunStopsAtTheSameStep runs a sequential fold whose calls take
// a 6 KB argument against a step limit it reaches half way, each run
// with a Memo and without. A Memo spares the replayed calls the
// resolving of their arguments, but not the steps that cost: both runs
// must stop at the same run with the same error.
func TestMemoRunStopsAtTheSameStep(t *testing.T) {
	a := avmtest.NewPeer("a", avmtest.Echo)
	script := strings.NewReplacer("@a", string(a.ID)).Replace(`(seq (seq (call "@a" ("" "big") [] big) (call "@a" ("" "xs") [] xs))
		(fold xs x (seq (call "@a" ("" "f") [big x] $r) (next x))))`)
	big, _ := json.Marshal(strings.Repeat("aquarium ", 700))
	xs, _ := json.Marshal(make([]int, 200))
	serve := func(out avm.Outcome) map[uint32]avm.CallResult {
		results := map[uint32]avm.CallResult{}
		for id, req := range out.CallRequests {
			switch req.FunctionName {
			case "big":
				results[id] = avm.CallResult{Result: string(big)}
			case "xs":
				results[id] = avm.CallResult{Result: string(xs)}
			default:
				results[id] = avm.CallResult{Result: "1"}
			}
		}
		return results
	}
	params := avm.Params{InitPeerID: string(a.ID), CurrentPeerID: string(a.ID), Timestamp: 1337, TTL: 5000, ParticleID: "particle-1",
		Key: a.Signer, LazySign: true, Limits: avm.Limits{Steps: 12_000}}
	memo := params
	memo.Memo = new(avm.Memo)
	out := avm.Run(memo, script, nil, nil, nil)
	for run := 1; ; run++ {
		results := serve(out)
		plain := avm.Run(params, script, out.Data, nil, results)
		out = avm.Run(memo, script, out.Data, nil, results)
		if out.RetCode != plain.RetCode || out.ErrorMessage != plain.ErrorMessage || !bytes.Equal(out.Data, plain.Data) {
			t.Fatalf("run %d: with a Memo ret %d %q, without ret %d %q", run, out.RetCode, out.ErrorMessage, plain.RetCode, plain.ErrorMessage)
		}
		if out.RetCode != 0 {
			if out.RetCode != avm.CodeStepLimit || run < 10 || run > 150 {
				t.Fatalf("run %d stopped with ret %d %q, want the step limit half way", run, out.RetCode, out.ErrorMessage)
			}
			return
		}
		if len(out.CallRequests) == 0 {
			t.Fatal("the fold ended within the step limit")
		}
	}
}

// TestMemoChecksTheKeyOfEachPeer: a Memo remembers whose key a run
// checked, not that a check passed: a run of another peer, or with
// another key, on the same Memo is refused as without one.
func TestMemoChecksTheKeyOfEachPeer(t *testing.T) {
	a, b := avmtest.NewPeer("a", avmtest.Echo), avmtest.NewPeer("b", avmtest.Echo)
	memo := new(avm.Memo)
	params := avm.Params{InitPeerID: string(a.ID), CurrentPeerID: string(a.ID), Timestamp: 1337, TTL: 5000, ParticleID: "particle-1",
		Key: a.Signer, Memo: memo}
	if out := avm.Run(params, `(null)`, nil, nil, nil); out.RetCode != 0 {
		t.Fatalf("a's run: %d %s", out.RetCode, out.ErrorMessage)
	}
	otherPeer := params
	otherPeer.CurrentPeerID = string(b.ID)
	otherKey := params
	otherKey.Key = b.Signer
	for name, p := range map[string]avm.Params{"another peer": otherPeer, "another key": otherKey} {
		if out := avm.Run(p, `(null)`, nil, nil, nil); out.RetCode != avm.CodeMalformedKeyPair {
			t.Errorf("%s with a's Memo: ret %d %q, want a malformed key pair", name, out.RetCode, out.ErrorMessage)
		}
	}
}
