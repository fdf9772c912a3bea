package avmtest

// CanonNewAp are the scenarios of canon, ap and new.
func CanonNewAp() []Scenario {
	return []Scenario{
		{
			Name:     "canon request moves execution to its peer",
			Services: map[string]Service{"a": Echo, "b": Returns(1), "c": Echo},
			AIR:      `(seq (par (call "@b" ("" "") [] $s) (canon "@c" $s #c)) (call "@c" ("" "use") [#c]))`,
			// c takes the snapshot when the particle first reaches it,
			// before b's value does, and keeps it.
			Calls:  []string{`b .([]) -> 1`, `c .use([[]]) -> []`},
			Traces: map[string]string{"a": `par(1,1) R(@a) canon_req(@a)`, "c": `par(1,1) St(1,0) canon[] U`},
		},
		{
			Name:     "local canon of an empty stream does not wait",
			Services: map[string]Service{"a": Echo, "b": Returns(1)},
			AIR:      `(par (call "@b" ("" "") [] $s) (canon "@a" $s #c))`,
			Calls:    []string{`b .([]) -> 1`},
			Traces:   map[string]string{"a": `par(1,1) R(@a) canon[]`},
		},
		{
			Name:     "ap to a stream and canon on another peer",
			Services: map[string]Service{"a": Returns(map[string]any{"field": "scalar_2"}), "b": Echo},
			AIR: `(seq (call "@a" ("" "") ["scalar_1_result"] scalar_1)
			           (seq (ap scalar_1 $stream) (seq (canon "@b" $stream #c) (call "@b" ("" "") [#c]))))`,
			Calls:  []string{`a .(["scalar_1_result"]) -> {"field":"scalar_2"}`, `b .([[{"field":"scalar_2"}]]) -> [{"field":"scalar_2"}]`},
			Traces: map[string]string{"b": `S({"field":"scalar_2"}) ap(0) canon[{"field":"scalar_2"}] U`},
		},
		{
			Name:     "ap of the timestamp",
			Services: one,
			AIR:      `(seq (ap %timestamp% s) (call "@a" ("" "") [s]))`,
			Calls:    []string{`a .([1337]) -> 1337`},
			Traces:   map[string]string{"a": `U`},
		},
		{
			Name:     "ap with a lens",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"v": Returns(map[string]any{"a": []any{10, 20}})})},
			AIR:      `(seq (call "@a" ("s" "v") [] v) (seq (ap v.$.a.[1] x) (call "@a" ("" "tet") [x])))`,
			Calls:    []string{`a s.v([]) -> {"a":[10,20]}`, `a .tet([20]) -> 20`},
		},
		{
			Name:     "tetraplet of a lens result",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"v": Returns(map[string]any{"a": []any{10, 20}}), "tet": tetraplets})},
			AIR:      `(seq (call "@a" ("s" "v") [] v) (call "@a" ("" "tet") [v.$.a.[1] 5]))`,
			Calls: []string{`a s.v([]) -> {"a":[10,20]}`,
				`a .tet([20,5]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"v","lens":".$.a.[1]"}],[{"peer_pk":"@a","service_id":"","function_name":"","lens":""}]]`},
		},
		{
			Name:     "canon tetraplets are per element",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"tet": tetraplets}), "b": Returns("B")},
			AIR: `(seq (seq (call "@b" ("sb" "fb") [] $s) (ap "lit" $s))
			           (seq (canon "@a" $s #c) (call "@a" ("" "tet") [#c])))`,
			Calls: []string{`b sb.fb([]) -> "B"`,
				`a .tet([["B","lit"]]) -> [[{"peer_pk":"@b","service_id":"sb","function_name":"fb","lens":""},{"peer_pk":"@a","service_id":"","function_name":"","lens":""}]]`},
		},
		{
			Name:     "canon with lens and length",
			Services: one,
			AIR: `(seq (seq (seq (ap 1 $s) (ap 2 $s)) (canon "@a" $s #c))
			           (call "@a" ("" "") [#c.$.[1] #c.length]))`,
			Calls: []string{`a .([2,2]) -> 2`},
		},
		{
			Name:     "lens index out of range",
			Services: map[string]Service{"a": Returns([]any{1})},
			AIR:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.$.[3]]))`,
			Calls:    []string{`a .([]) -> [1]`},
			Errs:     []string{"a 10007: value '[1]' does not contain element for idx = '3'"},
		},
		{
			Name:     "lens field on an array",
			Services: map[string]Service{"a": Returns([]any{1})},
			AIR:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.$.name]))`,
			Calls:    []string{`a .([]) -> [1]`},
			Errs:     []string{"a 10007: value '[1]' is not an map-type to match field accessor with field_name = 'name'"},
		},
		{
			Name:     "lens with a variable accessor",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"v": Returns(map[string]any{"k": "found"}), "key": Returns("k")})},
			AIR:      `(seq (seq (call "@a" ("" "v") [] v) (call "@a" ("" "key") [] k)) (call "@a" ("" "use") [v.$.[k]]))`,
			Calls:    []string{`a .v([]) -> {"k":"found"}`, `a .key([]) -> "k"`, `a .use(["found"]) -> "found"`},
		},
		{
			Name:     "length of a non-array",
			Services: map[string]Service{"a": Returns("s")},
			AIR:      `(seq (call "@a" ("" "") [] v) (call "@a" ("" "") [v.length]))`,
			Calls:    []string{`a .([]) -> "s"`},
			Errs:     []string{"a 10010: the length functor could applied only to an array-like value, but it's applied to '\"s\"'"},
		},
		{
			Name:     "canon stream lens out of range",
			Services: one,
			AIR:      `(seq (seq (ap 1 $s) (canon "@a" $s #c)) (call "@a" ("" "") [#c.$.[5]]))`,
			Errs:     []string{"a 10007: lambda is applied to a stream that have only '1' elements, but '5' requested"},
		},
		{
			Name:     "new scopes a stream",
			Services: one,
			AIR: `(seq (seq (ap 1 $s) (new $s (seq (seq (ap 2 $s) (canon "@a" $s #inner)) (call "@a" ("" "in") [#inner]))))
			           (seq (canon "@a" $s #outer) (call "@a" ("" "out") [#outer])))`,
			Calls: []string{`a .in([[2]]) -> [2]`, `a .out([[1]]) -> [1]`},
		},
		{
			Name:     "new in a fold gives each iteration its own stream",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"set": Returns([]any{1, 2})})},
			AIR: `(seq (call "@a" ("" "set") [] xs)
			           (fold xs x (seq (new $acc (seq (seq (ap x $acc) (ap x $acc)) (seq (canon "@a" $acc #c) (call "@a" ("" "it") [#c])))) (next x))))`,
			Calls: []string{`a .set([]) -> [1,2]`, `a .it([[1,1]]) -> [1,1]`, `a .it([[2,2]]) -> [2,2]`},
		},
		{
			Name:     "new scalar allows setting it again",
			Services: map[string]Service{"a": Returns(1)},
			AIR:      `(seq (call "@a" ("" "") [] x) (new x (seq (call "@a" ("" "") [] x) (call "@a" ("" "in") [x]))))`,
			Calls:    []string{`a .([]) -> 1`, `a .([]) -> 1`, `a .in([1]) -> 1`},
		},
		{
			Name:     "reading a scalar cleared by new",
			Services: one,
			AIR:      `(seq (ap 1 x) (new x (call "@a" ("" "") [x])))`,
			Errs:     []string{"a 10009: variable with name 'x' was cleared by new and then wasn't set"},
		},
		{
			Name:     "stream map and canon map",
			Services: one,
			AIR: `(seq (seq (seq (ap ("a" 1) %m) (ap ("b" 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m #%c)))
			           (call "@a" ("" "") [#%c #%c.$.a #%c.$.missing #%c.length]))`,
			Calls: []string{`a .([{"a":[1,3],"b":[2]},[1,3],[],3]) -> {"a":[1,3],"b":[2]}`},
		},
		{
			Name:     "canon map to a scalar keeps the first value of each key",
			Services: one,
			AIR: `(seq (seq (seq (ap ("a" 1) %m) (ap (42 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m obj)))
			           (call "@a" ("" "") [obj]))`,
			Calls: []string{`a .([{"42":2,"a":1}]) -> {"42":2,"a":1}`},
		},
		{
			Name:     "fold over a canon map sees every pair, a key as often as it was added",
			Services: one,
			AIR: `(seq (seq (seq (ap ("a" 1) %m) (ap ("b" 2) %m)) (seq (ap ("a" 3) %m) (canon "@a" %m #%c)))
			           (fold #%c kv (seq (call "@a" ("" "") [kv]) (next kv))))`,
			Calls: []string{`a .([{"key":"a","value":1}]) -> {"key":"a","value":1}`, `a .([{"key":"b","value":2}]) -> {"key":"b","value":2}`,
				`a .([{"key":"a","value":3}]) -> {"key":"a","value":3}`},
		},
		{
			Name:     "stream map key must be a string or an integer",
			Services: map[string]Service{"a": Returns(true)},
			AIR:      `(seq (call "@a" ("" "") [] k) (ap (k 1) %m))`,
			Calls:    []string{`a .([]) -> true`},
			Errs:     []string{"a 10012: unsupported type for %m map's key"},
		},
	}
}
