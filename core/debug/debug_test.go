package debug

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/memnet"
	"github.com/aquarium-p2p/aquarium/core/node"
	"github.com/aquarium-p2p/aquarium/core/particle"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

var update = flag.Bool("update", false, "rewrite golden files")

// seeded is the test peer called name with the key of seed, as the
// recordings in testdata were made.
func seeded(name string, seed byte) memnet.Peer {
	k, _ := peer.Ed25519FromSeed(bytes.Repeat([]byte{seed}, 32))
	return memnet.Peer{Name: name, ID: peer.IDOf(k), Key: k}
}

// threePeers is a script that takes a value on a, transforms it on b and
// on c, and gives it back on a: five hops, and call results on every
// peer.
const threePeers = `(seq
 (call %init_peer_id% ("getDataSrv" "x") [] x)
 (seq
  (call "B" ("op" "identity") [x] y)
  (seq
   (call "C" ("op" "concat_strings") [y "!"] z)
   (call %init_peer_id% ("callbackSrv" "response") [z])
  )
 )
)`

// simulate runs script from the first of peers on core/memnet, with a
// host loop that answers every call with its first argument (or "x"),
// and records every run.
func simulate(t testing.TB, script string, peers ...memnet.Peer) *Recording {
	t.Helper()
	for _, p := range peers {
		script = strings.ReplaceAll(script, `"`+strings.ToUpper(p.Name)+`"`, `"`+string(p.ID)+`"`)
	}
	part := particle.New("particle-1", peers[0].ID, script, time.UnixMilli(1_700_000_000_000), time.Minute)
	rec := NewRecording(0)
	steps := 0
	sim := memnet.NewSim(memnet.SimConfig{
		Particle: part, Peers: peers, MaxRuns: 100,
		Serve: func(_ memnet.Peer, _ uint32, r avm.CallRequest) avm.CallResult {
			switch {
			case r.FunctionName == "array":
				return avm.CallResult{Result: "[" + string(bytes.Join(rawBytes(r.Arguments), []byte(","))) + "]"}
			case len(r.Arguments) > 0:
				return avm.CallResult{Result: string(r.Arguments[0])}
			}
			return avm.CallResult{Result: `"x"`}
		},
		Ran: func(r memnet.Run) {
			// The Sim runs core/avm with LazySign.
			rec.add(&node.Interpretation{Peer: r.Peer.ID, Particle: part, Prev: r.Prev, Current: r.Current, Results: r.Results,
				LazySign: true, Outcome: r.Outcome, Started: time.UnixMilli(1_700_000_000_000 + int64(steps))})
			steps++
		},
	})
	if err := sim.Run(); err != nil {
		t.Fatal(err)
	}
	return rec
}

func rawBytes(args []json.RawMessage) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}

// foldPeers is a script that folds over an array on a, appending each
// item to a stream on b, canonicalizes the stream there and sends it back
// to a with the message of an error caught there: variables of every
// kind.
const foldPeers = `(seq
 (seq
  (call %init_peer_id% ("op" "array") ["a" "b"] xs)
  (fold xs x
   (par
    (call "B" ("op" "identity") [x] $s)
    (next x)
   )
  )
 )
 (seq
  (canon "B" $s #c)
  (xor
   (fail 5 "a failure on b")
   (call %init_peer_id% ("callbackSrv" "response") [#c %last_error%.$.message])
  )
 )
)`

func testPeers() []memnet.Peer {
	return []memnet.Peer{seeded("a", 1), seeded("b", 2), seeded("c", 3)}
}

func namer(peers []memnet.Peer) Namer {
	return func(id peer.ID) string {
		for _, p := range peers {
			if p.ID == id {
				return p.Name
			}
		}
		return ""
	}
}

func keyOf(peers []memnet.Peer, id peer.ID) ed25519.PrivateKey {
	for _, p := range peers {
		if p.ID == id {
			return ed25519.NewKeyFromSeed(p.Key.Raw())
		}
	}
	return nil
}

func TestRecordingSavesLoadsAndReruns(t *testing.T) {
	peers := testPeers()
	rec := simulate(t, threePeers, peers...)
	var where []string
	for _, h := range rec.Hops() {
		where = append(where, namer(peers)(h.Peer))
	}
	if got, want := strings.Join(where, " "), "a a b b c c a a"; got != want {
		t.Fatalf("hops at %s, want %s", got, want)
	}
	var file bytes.Buffer
	if err := Save(&file, rec.Hops(), nil); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Len() != rec.Len() {
		t.Fatalf("loaded %d hops, saved %d", loaded.Len(), rec.Len())
	}
	for _, h := range loaded.Hops() {
		if err := h.Check(keyOf(peers, h.Peer)); err != nil {
			t.Error(err)
		}
	}
	// Saving what was loaded gives the same file.
	var again bytes.Buffer
	if err := Save(&again, loaded.Hops(), nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file.Bytes(), again.Bytes()) {
		t.Error("a loaded recording saves differently")
	}
}

func TestCheckFindsATamperedHop(t *testing.T) {
	peers := testPeers()
	rec := simulate(t, threePeers, peers...)
	h := *rec.Hops()[2]
	h.Outcome.NextPeers = []string{"elsewhere"}
	if err := h.Check(keyOf(peers, h.Peer)); err == nil || !strings.Contains(err.Error(), "re-run sends to") {
		t.Errorf("Check = %v, want a difference in next peers", err)
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tt := range []struct{ name, script string }{
		{"render.golden", threePeers},
		{"render_fold.golden", foldPeers},
	} {
		t.Run(tt.name, func(t *testing.T) {
			peers := testPeers()
			rec := simulate(t, tt.script, peers...)
			var b bytes.Buffer
			for _, h := range rec.Hops() {
				if err := Render(&b, h, namer(peers)); err != nil {
					t.Fatal(err)
				}
				b.WriteString("\n")
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", path, got)
	}
}

func TestLoadRefuses(t *testing.T) {
	peers := testPeers()
	var file bytes.Buffer
	if err := Save(&file, simulate(t, threePeers, peers...).Hops(), nil); err != nil {
		t.Fatal(err)
	}
	valid := file.String()
	tests := []struct {
		name, text, msg string
	}{
		{"not json", "hello", "not an aquarium recording: invalid character"},
		{"other format", `{"format":"other","version":1}`, `format is "other"`},
		{"future version", `{"format":"aquarium-recording","version":2}`, "version 2; this build reads version 1"},
		{"unknown particle", `{"format":"aquarium-recording","version":1,"hops":[{"seq":1,"particle":3}]}`, "hop 1: particle 3 of 0"},
		{"seq out of order", strings.Replace(valid, `"seq": 2`, `"seq": 1`, 1), "seq 1 does not follow 1"},
		{"stop outside the script", regexp.MustCompile(`"end": \d+`).ReplaceAllString(valid, `"end": 9100`), "outside the script"},
		{"unknown stop kind", strings.Replace(valid, `"kind": "call"`, `"kind": "jump"`, 1), `stop kind "jump"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.text == valid {
				t.Fatal("the test did not change the file")
			}
			_, err := Load(strings.NewReader(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Load = %v, want an error with %q", err, tt.msg)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	peers := testPeers()
	var file bytes.Buffer
	if err := Save(&file, simulate(f, threePeers, peers...).Hops(), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(file.Bytes())
	f.Add([]byte(`{"format":"aquarium-recording","version":1,"particles":[{"id":"p","script":"(null)"}],"hops":[{"seq":1,"particle":0,"outcome":{"stops":[{"kind":"error","start":0,"end":6}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		for _, h := range rec.Hops() {
			if err := Render(&out, h, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := Save(&out, rec.Hops(), nil); err != nil {
			t.Fatal(err)
		}
	})
}

func TestBreakpointMatches(t *testing.T) {
	peers := testPeers()
	rec := simulate(t, threePeers, peers...)
	hops := rec.Hops()
	script := hops[0].Particle.Script
	concat := strings.Index(script, `(call "`+string(peers[2].ID))
	tests := []struct {
		name string
		bp   Breakpoint
		want string // hops matched, by peer name
	}{
		{"peer", Breakpoint{Kind: OnPeer, Peer: peers[1].ID}, "b b"},
		{"service", Breakpoint{Kind: OnCall, Service: "op"}, "b c"},
		{"function", Breakpoint{Kind: OnCall, Service: "op", Function: "concat_strings"}, "c"},
		{"no such function", Breakpoint{Kind: OnCall, Service: "op", Function: "noop"}, ""},
		// The concat call stops the run on b (which sends there) and on c
		// (which asks for it).
		{"instruction", Breakpoint{Kind: OnInstruction, Span: spanAt(concat), Script: script}, "b c"},
		// The same bytes of another script are another instruction.
		{"instruction in another script", Breakpoint{Kind: OnInstruction, Span: spanAt(concat), Script: script + "\n"}, ""},
		{"instruction in no script", Breakpoint{Kind: OnInstruction, Span: spanAt(concat)}, ""},
		{"error", Breakpoint{Kind: OnError}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range hops {
				if tt.bp.Matches(h) {
					got = append(got, namer(peers)(h.Peer))
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("matched %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

// TestInstructionBreakpointNamesItsScript sets a breakpoint over the
// whole of one function's AIR, and finds it stops only that function's
// particles.
func TestInstructionBreakpointNamesItsScript(t *testing.T) {
	peers := testPeers()
	three, fold := simulate(t, threePeers, peers...).Hops(), simulate(t, foldPeers, peers...).Hops()
	script := three[0].Particle.Script
	b := Breakpoint{Kind: OnInstruction, Span: air.Span{Start: 0, End: len(script)}, Script: script}
	count := func(hops []*Hop) (n int) {
		for _, h := range hops {
			if b.Matches(h) {
				n++
			}
		}
		return n
	}
	if n := count(three); n != 7 {
		t.Errorf("the breakpoint matched %d hops of its script, want the 7 that stopped", n)
	}
	if n := count(fold); n != 0 {
		t.Errorf("the breakpoint matched %d hops of another script", n)
	}
}

func TestErrorBreakpoint(t *testing.T) {
	peers := testPeers()
	rec := simulate(t, `(seq (call %init_peer_id% ("s" "f") [] x) (seq (call "B" ("s" "g") []) (fail 1 "no")))`, peers...)
	var got []string
	for _, h := range rec.Hops() {
		if (Breakpoint{Kind: OnError}).Matches(h) {
			got = append(got, fmt.Sprintf("%s %d", namer(peers)(h.Peer), h.Outcome.RetCode))
		}
	}
	if strings.Join(got, ",") != "b 10006" {
		t.Errorf("error hops %v", got)
	}
}

func TestPosition(t *testing.T) {
	script := "(seq\n (null)\n (null))"
	for _, tt := range []struct{ offset, line, col int }{{0, 1, 1}, {5, 2, 1}, {6, 2, 2}, {13, 3, 1}, {14, 3, 2}, {999, 3, 9}} {
		if l, c := Position(script, tt.offset); l != tt.line || c != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.offset, l, c, tt.line, tt.col)
		}
	}
}

func spanAt(offset int) air.Span { return air.Span{Start: offset, End: offset + 1} }

// TestFileGolden pins the recording file format: a change to it needs a
// new FileVersion.
func TestFileGolden(t *testing.T) {
	rec := simulate(t, threePeers, testPeers()...)
	var b bytes.Buffer
	if err := Save(&b, rec.Hops(), nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "threepeers.rec", b.Bytes())
}

// BenchmarkRender renders a hop as the inspector does when the debugger
// stops there, re-running it for its variables: hop 4 of foldPeers, on b
// with a stream, a canon and an error in scope.
func BenchmarkRender(b *testing.B) {
	peers := testPeers()
	h := simulate(b, foldPeers, peers...).Hops()[3]
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := Render(&out, h, namer(peers)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRecordingKeepsItsSources(t *testing.T) {
	rec := simulate(t, threePeers, testPeers()...)
	sources := []Source{{Path: "hops.aqua", Text: "aqua Hops\n\nexport f\n"}, {Path: "lib/more.aqua", Text: "aqua More\n"}}
	path := filepath.Join(t.TempDir(), "run.rec")
	if err := SaveFile(path, rec.Hops(), sources); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	loaded, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(loaded.Sources(), sources) {
		t.Errorf("sources = %+v, want %+v", loaded.Sources(), sources)
	}
	if loaded.Len() != rec.Len() {
		t.Errorf("loaded %d hops, saved %d", loaded.Len(), rec.Len())
	}
}

func TestSaveFileKeepsTheOldFileOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.rec")
	if err := os.WriteFile(path, []byte("before"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A hop whose call request cannot be encoded makes Save fail half-way.
	h := *simulate(t, threePeers, testPeers()...).Hops()[0]
	h.Outcome.CallRequests = map[uint32]avm.CallRequest{1: {Arguments: []json.RawMessage{json.RawMessage("{")}}}
	if err := SaveFile(path, []*Hop{&h}, nil); err == nil {
		t.Fatal("saving an unencodable hop succeeded")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "before" {
		t.Errorf("after a failed save the file holds %q (%v), want the old contents", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed save left %d files behind", len(entries)-1)
	}
}
