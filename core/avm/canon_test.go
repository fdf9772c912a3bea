package avm_test

import (
	"slices"
	"testing"
)

func TestCanonNewAp(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:     "canon request moves execution to its peer",
			services: map[string]service{"a": echo, "b": returns(1), "c": echo},
			air:      `(seq (par (call "@b" ("" "") [] $s) (canon "@c" $s #c)) (call "@c" ("" "use") [#c]))`,
			// c takes the snapshot when the particle first reaches it,
			// before b's value does, and keeps it.
			calls:  []string{`b .([]) -> 1`, `c .use([[]]) -> []`},
			traces: map[string]string{"a": `par(1,1) R(@a) canon_req(@a)`, "c": `par(1,1) St(1,0) canon[] U`},
		},
		{
			name:     "local canon of an empty stream does not wait",
			services: map[string]service{"a": echo, "b": returns(1)},
			air:      `(par (call "@b" ("" "") [] $s) (canon "@a" $s #c))`,
			calls:    []string{`b .([]) -> 1`},
			traces:   map[string]string{"a": `par(1,1) R(@a) canon[]`},
		},
		{
			name:     "ap to a stream and canon on another peer",
			services: map[string]service{"a": returns(map[string]any{"field": "scalar_2"}), "b": echo},
			air: `(seq (call "@a" ("" "") ["scalar_1_result"] scalar_1)
			           (seq (ap scalar_1 $stream) (seq (canon "@b" $stream #c) (call "@b" ("" "") [#c]))))`,
			calls:  []string{`a .(["scalar_1_result"]) -> {"field":"scalar_2"}`, `b .([[{"field":"scalar_2"}]]) -> [{"field":"scalar_2"}]`},
			traces: map[string]string{"b": `S({"field":"scalar_2"}) ap(0) canon[{"field":"scalar_2"}] U`},
		},
		{
			name:     "ap of the timestamp",
			services: one,
			air:      `(seq (ap %timestamp% s) (call "@a" ("" "") [s]))`,
			calls:    []string{`a .([1337]) -> 1337`},
			traces:   map[string]string{"a": `U`},
		},
		{
			name:     "ap with a lens",
			services: map[string]service{"a": byFunction(map[string]service{"v": returns(map[string]any{"a": []any{10, 20}})})},
			air:      `(seq (call "@a" ("s" "v") [] v) (seq (ap v.$.a.[1] x) (call "@a" ("" "tet") [x])))`,
			calls:    []string{`a s.v([]) -> {"a":[10,20]}`, `a .tet([20]) -> 20`},
		},
		{
			name:     "tetraplet of a lens result",
			services: map[string]service{"a": byFunction(map[string]service{"v": returns(map[string]any{"a": []any{10, 20}}), "tet": tetraplets})},
			air:      `(seq (call "@a" ("s" "v") [] v) (call "@a" ("" "tet") [v.$.a.[1] 5]))`,
			calls: []string{`a s.v([]) -> {"a":[10,20]}`,
				`a .tet([20,5]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"v","lens":".$.a.[1]"}],[{"peer_pk":"@a","service_id":"","function_name":"","lens":""}]]`},
		},
		{
			name:     "canon tetraplets are per element",
			services: map[string]service{"a": byFunction(map[string]service{"tet": tetraplets}), "b": returns("B")},
			air: `(seq (seq (call "@b" ("sb" "fb") [] $s) (ap "lit" $s))
			           (seq (canon "@a" $s #c) (call "@a" ("" "tet") [#c])))`,
			calls: []string{`b sb.fb([]) -> "B"`,
				`a .tet([["B","lit"]]) -> [[{"peer_pk":"@b","service_id":"sb","function_name":"fb","lens":""},{"peer_pk":"@a","service_id":"","function_name":"","lens":""}]]`},
		},
		{
			name:     "canon with lens and length",
			services: one,
			air: `(seq (seq (seq (ap 1 $s) (ap 2 $s)) (canon "@a" $s #c))
			           (call "@a" ("" "") [#c.$.[1] #c.length]))`,
			calls: []string{`a .([2,2]) -> 2`},
		},
		{
			name:     "lens index out of range",
			services: map[string]service{"a": returns([]any{1})},
			air:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.$.[3]]))`,
			calls:    []string{`a .([]) -> [1]`},
			errs:     []string{"a 10007: value '[1]' does not contain element for idx = '3'"},
		},
		{
			name:     "lens field on an array",
			services: map[string]service{"a": returns([]any{1})},
			air:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.$.name]))`,
			calls:    []string{`a .([]) -> [1]`},
			errs:     []string{"a 10007: value '[1]' is not an map-type to match field accessor with field_name = 'name'"},
		},
		{
			name:     "lens with a variable accessor",
			services: map[string]service{"a": byFunction(map[string]service{"v": returns(map[string]any{"k": "found"}), "key": returns("k")})},
			air:      `(seq (seq (call "@a" ("" "v") [] v) (call "@a" ("" "key") [] k)) (call "@a" ("" "use") [v.$.[k]]))`,
			calls:    []string{`a .v([]) -> {"k":"found"}`, `a .key([]) -> "k"`, `a .use(["found"]) -> "found"`},
		},
		{
			name:     "length of a non-array",
			services: map[string]service{"a": returns("s")},
			air:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.length]))`,
			calls:    []string{`a .([]) -> "s"`},
			errs:     []string{"a 10010: the length functor could applied only to an array-like value, but it's applied to '\"s\"'"},
		},
		{
			name:     "canon stream lens out of range",
			services: one,
			air:      `(seq (seq (ap 1 $s) (canon "@a" $s #c)) (call "@a" ("" "") [#c.$.[5]]))`,
			errs:     []string{"a 10007: lambda is applied to a stream that have only '1' elements, but '5' requested"},
		},
		{
			name:     "new scopes a stream",
			services: one,
			air: `(seq (seq (ap 1 $s) (new $s (seq (seq (ap 2 $s) (canon "@a" $s #inner)) (call "@a" ("" "in") [#inner]))))
			           (seq (canon "@a" $s #outer) (call "@a" ("" "out") [#outer])))`,
			calls: []string{`a .in([[2]]) -> [2]`, `a .out([[1]]) -> [1]`},
		},
		{
			name:     "new in a fold gives each iteration its own stream",
			services: map[string]service{"a": byFunction(map[string]service{"set": returns([]any{1, 2})})},
			air: `(seq (call "@a" ("" "set") [] xs)
			           (fold xs x (seq (new $acc (seq (seq (ap x $acc) (ap x $acc)) (seq (canon "@a" $acc #c) (call "@a" ("" "it") [#c])))) (next x))))`,
			calls: []string{`a .set([]) -> [1,2]`, `a .it([[1,1]]) -> [1,1]`, `a .it([[2,2]]) -> [2,2]`},
		},
		{
			name:     "new scalar allows setting it again",
			services: map[string]service{"a": returns(1)},
			air:      `(seq (call "@a" ("" "") [] x) (new x (seq (call "@a" ("" "") [] x) (call "@a" ("" "in") [x]))))`,
			calls:    []string{`a .([]) -> 1`, `a .([]) -> 1`, `a .in([1]) -> 1`},
		},
		{
			name:     "reading a scalar cleared by new",
			services: one,
			air:      `(seq (ap 1 x) (new x (call "@a" ("" "") [x])))`,
			errs:     []string{"a 10009: variable with name 'x' was cleared by new and then wasn't set"},
		},
		{
			name:     "stream map and canon map",
			services: one,
			air: `(seq (seq (seq (ap ("a" 1) %m) (ap ("b" 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m #%c)))
			           (call "@a" ("" "") [#%c #%c.$.a #%c.$.missing #%c.length]))`,
			calls: []string{`a .([{"a":[1,3],"b":[2]},[1,3],[],3]) -> {"a":[1,3],"b":[2]}`},
		},
		{
			name:     "canon map to a scalar keeps the first value of each key",
			services: one,
			air: `(seq (seq (seq (ap ("a" 1) %m) (ap (42 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m obj)))
			           (call "@a" ("" "") [obj]))`,
			calls: []string{`a .([{"42":2,"a":1}]) -> {"42":2,"a":1}`},
		},
		{
			name:     "fold over a canon map sees each key once with its last value",
			services: one,
			air: `(seq (seq (seq (ap ("a" 1) %m) (ap ("b" 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m #%c)))
			           (fold #%c kv (seq (call "@a" ("" "") [kv]) (next kv))))`,
			calls: []string{`a .([{"key":"b","value":2}]) -> {"key":"b","value":2}`, `a .([{"key":"a","value":3}]) -> {"key":"a","value":3}`},
		},
		{
			name:     "stream map key must be a string or an integer",
			services: map[string]service{"a": returns(true)},
			air:      `(seq (call "@a" ("" "") [] k) (ap (k 1) %m))`,
			calls:    []string{`a .([]) -> true`},
			errs:     []string{"a 10012: unsupported type for key of stream map %m: only strings and integers are allowed"},
		},
	})
}

// TestCanonFixesStream checks that a canon's snapshot, once taken on its
// peer, is what every later use sees, whatever arrives afterwards and in
// whatever order.
func TestCanonFixesStream(t *testing.T) {
	script := `(seq (par (call "@b" ("" "") [1] $s) (par (call "@c" ("" "") [2] $s) (call "@d" ("" "") [3] $s)))
	                (seq (call "@e" ("" "") [4])
	                     (seq (canon "@d" $s #c) (par (call "@d" ("" "use") [#c]) (call "@b" ("" "use") [#c])))))`
	services := map[string]service{"a": echo, "b": echo, "c": echo, "d": echo, "e": echo}
	for seed := range uint64(10) {
		n := newNetwork(t, "a", services)
		var rng = newRand(seed)
		n.run(script, rng)
		var uses []string
		for _, c := range n.calls {
			if c.Function == "use" {
				uses = append(uses, c.Args)
			}
		}
		if len(uses) != 2 || uses[0] != uses[1] {
			t.Errorf("seed %d: uses of the canon stream differ: %q", seed, uses)
		}
		if slices.Contains(uses, "[[]]") {
			t.Errorf("seed %d: canon was taken before any value arrived: %q", seed, uses)
		}
	}
}
