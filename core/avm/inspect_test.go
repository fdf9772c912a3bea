package avm_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// scopeLines renders a scope one variable a line, peers by @name.
func scopeLines(n *avmtest.Network, sc avm.Scope) string {
	var lines []string
	for _, v := range sc.Variables {
		l := fmt.Sprintf("%s %s", v.Kind, v.Name)
		switch v.Kind {
		case avm.VarStream, avm.VarStreamMap:
			gens := make([]string, len(v.Generations))
			for i, g := range v.Generations {
				vals := make([]string, len(g))
				for j, e := range g {
					vals[j] = string(e)
				}
				gens[i] = "[" + strings.Join(vals, " ") + "]"
			}
			l += " gens " + strings.Join(gens, " ")
		default:
			l += " = " + string(v.Value)
		}
		if v.Kind == avm.VarIterator {
			l += fmt.Sprintf(" item %d/%d", v.Item+1, v.Items)
		}
		if f := v.From; f.ServiceID != "" {
			l += fmt.Sprintf(" from %s.%s on %s", f.ServiceID, f.FunctionName, f.PeerPK)
		} else if f.PeerPK != "" {
			l += " on " + f.PeerPK
		}
		lines = append(lines, l)
	}
	if sc.LastError != nil {
		lines = append(lines, "last error "+string(sc.LastError))
	}
	return n.Shorten(strings.Join(lines, "\n"))
}

// inspectScript binds variables of every kind: it asks for a list, catches
// an error, folds the list into a stream, puts a value in a stream map,
// canonicalizes both and calls a service for each element of the canon.
const inspectScript = `(seq
 (seq
  (call %init_peer_id% ("s" "list") [] xs)
  (xor (fail 7 "oops") (null))
 )
 (seq
  (seq
   (fold xs x (seq (ap x $s) (next x)))
   (seq (ap ("k" "c") %m) (canon %init_peer_id% %m #%cm))
  )
  (seq
   (canon %init_peer_id% $s #c)
   (fold #c i (par (call %init_peer_id% ("s" "each") [i]) (next i)))
  )
 )
)`

// TestInspectVariables runs a script twice on one peer, the second time
// with the result of its first call, and checks the variables it could
// see at each instruction it stopped at: scalars with where their values
// came from, a stream by generation, a canon, a fold's iterator at each
// item, a stream map and its canon, the last error.
func TestInspectVariables(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo})
	a := n.Peer("a")
	p := n.Params(a)
	p.Inspect = true
	script := inspectScript
	first := avm.Run(p, script, nil, nil, nil)
	if len(first.Scopes) != 1 || len(first.Stops) != 1 {
		t.Fatalf("first run: %d scopes for %d stops, want 1 and 1", len(first.Scopes), len(first.Stops))
	}
	if got := scopeLines(n, first.Scopes[0]); got != "" {
		t.Errorf("before any call the script saw:\n%s", got)
	}

	second := avm.Run(p, script, first.Data, nil, map[uint32]avm.CallResult{1: {Result: `["a","b","c"]`}})
	if second.RetCode != 0 {
		t.Fatalf("second run: %d %s", second.RetCode, second.ErrorMessage)
	}
	if len(second.Scopes) != len(second.Stops) {
		t.Fatalf("%d scopes for %d stops", len(second.Scopes), len(second.Stops))
	}
	// Sorted by name: sigils first.
	scope := func(item string) string {
		return `canon map #%cm = {"k":["c"]} on @a
canon #c = ["a","b","c"] on @a
stream $s gens ["a" "b" "c"]
stream map %m gens [{"key":"k","value":"c"}]
iterator i = ` + item + ` from s.list on @a
scalar xs = ["a","b","c"] from s.list on @a
last error {"error_code":7,"instruction":"fail 7 \"oops\"","message":"oops","peer_id":"@a"}`
	}
	want := []string{scope(`"a" item 1/3`), scope(`"b" item 2/3`), scope(`"c" item 3/3`)}
	for i, w := range want {
		if i >= len(second.Scopes) {
			t.Fatalf("%d stops, want %d", len(second.Stops), len(want))
		}
		s := second.Stops[i]
		if s.Kind != avm.StopCall || s.CallID != uint32(i+2) {
			t.Errorf("stop %d is %v #%d, want call #%d", i, s.Kind, s.CallID, i+2)
		}
		if got := scopeLines(n, second.Scopes[i]); got != w {
			t.Errorf("stop %d (%s) saw:\n%s\nwant:\n%s", i, script[s.Span.Start:s.Span.End], got, w)
		}
	}
}

// TestInspectAtErrors checks the variables seen where an error stopped
// the run, caught or not, and in scopes opened by new.
func TestInspectAtErrors(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo})
	tests := []struct {
		name, script, want string
	}{
		{"uncaught fail in a new scope",
			`(seq (ap "v" y) (new $t (seq (ap y $t) (fail 3 "bad"))))`,
			"stream $t gens [\"v\"]\nscalar y = \"v\" on @a\n" + `last error {"error_code":3,"instruction":"fail 3 \"bad\"","message":"bad","peer_id":"@a"}`},
		{"uncatchable error",
			`(seq (ap 1 x) (seq (null) (ap 2 x)))`,
			"scalar x = 1 on @a"},
		{"outside the new scope",
			`(seq (new $t (ap 1 $t)) (fail 3 "bad"))`,
			`last error {"error_code":3,"instruction":"fail 3 \"bad\"","message":"bad","peer_id":"@a"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := n.Params(n.Peer("a"))
			p.Inspect = true
			out := avm.Run(p, tt.script, nil, nil, nil)
			if out.RetCode == 0 || len(out.Stops) != 1 || out.Stops[0].Kind != avm.StopError {
				t.Fatalf("run ended %d with stops %v, want an error stop", out.RetCode, out.Stops)
			}
			if len(out.Scopes) != 1 {
				t.Fatalf("%d scopes, want 1", len(out.Scopes))
			}
			if got := scopeLines(n, out.Scopes[0]); got != tt.want {
				t.Errorf("at the error the script saw:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestInspectChangesNothingElse holds an inspecting run, with or without
// a key, to the plain run's outcome; a plain run captures nothing.
func TestInspectChangesNothingElse(t *testing.T) {
	n := avmtest.NewNetwork(t, "a", map[string]avmtest.Service{"a": avmtest.Echo, "b": avmtest.Echo})
	a := n.Peer("a")
	script := n.Expand(`(seq (call %init_peer_id% ("s" "f") ["x"] y) (par (call "@b" ("s" "g") [y]) (call %init_peer_id% ("s" "h") [y])))`)
	first := avm.Run(n.Params(a), script, nil, nil, nil)
	plain := avm.Run(n.Params(a), script, first.Data, nil, map[uint32]avm.CallResult{1: {Result: `"r"`}})
	if plain.Scopes != nil {
		t.Errorf("a run without Inspect captured %d scopes", len(plain.Scopes))
	}
	keyed := n.Params(a)
	keyed.Inspect = true
	keyless := keyed
	keyless.Key = nil
	for name, p := range map[string]avm.Params{"with its key": keyed, "without a key": keyless} {
		got := avm.Run(p, script, first.Data, nil, map[uint32]avm.CallResult{1: {Result: `"r"`}})
		if got.RetCode != plain.RetCode || !reflect.DeepEqual(got.Stops, plain.Stops) ||
			!reflect.DeepEqual(got.NextPeers, plain.NextPeers) || !reflect.DeepEqual(got.CallRequests, plain.CallRequests) {
			t.Errorf("%s: the inspecting run differs: %+v", name, got)
		}
		if len(got.Scopes) != 2 {
			t.Errorf("%s: %d scopes, want 2", name, len(got.Scopes))
		}
		if signed := bytes.Equal(got.Data, plain.Data); signed != (p.Key != nil) {
			t.Errorf("%s: data the same as the plain run's: %v", name, signed)
		}
	}
	// A key that is not the peer's is refused, inspecting or not.
	wrong := keyed
	wrong.Key = n.Peer("b").Signer
	if out := avm.Run(wrong, script, nil, nil, nil); out.RetCode != avm.CodeMalformedKeyPair {
		t.Errorf("inspecting with another peer's key: ret code %d", out.RetCode)
	}
}

// FuzzInspect feeds arbitrary current data to a peer that already ran
// the fuzz script, inspecting without its key: the run must not panic,
// must stop where the plain run stops, and must hold a scope per stop.
func FuzzInspect(f *testing.F) {
	n, a := fuzzSeeded(f)
	script := n.Expand(fuzzScript)
	f.Fuzz(func(t *testing.T, current []byte) {
		plain := avm.Run(n.Params(a), script, a.Prev, current, nil)
		p := n.Params(a)
		p.Inspect, p.Key = true, nil
		got := avm.Run(p, script, a.Prev, current, nil)
		if got.RetCode != plain.RetCode || !reflect.DeepEqual(got.Stops, plain.Stops) {
			t.Fatalf("inspecting: %d %v; plain: %d %v", got.RetCode, got.Stops, plain.RetCode, plain.Stops)
		}
		if len(got.Scopes) != len(got.Stops) {
			t.Fatalf("%d scopes for %d stops", len(got.Scopes), len(got.Stops))
		}
	})
}

// BenchmarkInspect is what seeing a hop's variables costs: the second
// run of TestInspectVariables's script, which stops at three calls with
// six variables in scope, plain and inspecting.
func BenchmarkInspect(b *testing.B) {
	n := avmtest.NewNetwork(b, "a", map[string]avmtest.Service{"a": avmtest.Echo})
	first := avm.Run(n.Params(n.Peer("a")), inspectScript, nil, nil, nil)
	results := map[uint32]avm.CallResult{1: {Result: `["a","b","c"]`}}
	for _, inspect := range []bool{false, true} {
		b.Run(fmt.Sprintf("inspect=%v", inspect), func(b *testing.B) {
			p := n.Params(n.Peer("a"))
			p.Inspect = inspect
			b.ReportAllocs()
			for b.Loop() {
				if out := avm.Run(p, inspectScript, first.Data, nil, results); len(out.Stops) != 3 {
					b.Fatalf("%d stops, want 3", len(out.Stops))
				}
			}
		})
	}
}
