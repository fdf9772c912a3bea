package avmtest

import "github.com/aquarium-p2p/aquarium/core/avm"

// BasicInstructions are the scenarios of seq, par, xor, null, never and
// call.
func BasicInstructions() []Scenario {
	return []Scenario{
		{
			Name:     "seq remote remote",
			Services: map[string]Service{"a": Echo, "b": unit, "c": Returns(1)},
			AIR:      `(seq (call "@b" ("s1" "f1") [] r1) (call "@c" ("s2" "f2") [] r2))`,
			Calls:    []string{`b s1.f1([]) -> "result from unit_call_service"`, `c s2.f2([]) -> 1`},
			Traces:   map[string]string{"c": `S("result from unit_call_service") S(1)`},
		},
		{
			Name:     "seq stops at incomplete left",
			Services: map[string]Service{"a": Echo},
			AIR:      `(seq (call "unknown_peer" ("s" "f") [] r) (call "@a" ("s" "g") ["never"]))`,
			Traces:   map[string]string{"a": `R(@a)`},
		},
		{
			Name:     "par remote remote",
			Services: map[string]Service{"a": Echo, "b": Returns(1), "c": Returns(2)},
			AIR:      `(par (call "@b" ("s" "f") [] r1) (call "@c" ("s" "f") [] r2))`,
			Calls:    []string{`b s.f([]) -> 1`, `c s.f([]) -> 2`},
			Traces:   map[string]string{"a": `par(1,1) R(@a) R(@a)`, "b": `par(1,1) S(1) R(@a)`, "c": `par(1,1) R(@a) S(2)`},
		},
		{
			Name:     "par local remote",
			Services: map[string]Service{"a": Returns("x"), "b": Returns(2)},
			AIR:      `(par (call "@a" ("s" "f") [] r1) (call "@b" ("s" "f") [] r2))`,
			Calls:    []string{`a s.f([]) -> "x"`, `b s.f([]) -> 2`},
			// a sends the particle to b from the run that asks for its
			// own call, as a node does: b never learns a's result.
			Traces: map[string]string{"a": `par(1,1) S("x") R(@a)`, "b": `par(1,1) R(@a,1) S(2)`},
		},
		{
			Name:     "par then join on both results",
			Services: map[string]Service{"a": Echo, "b": Returns(1), "c": Returns(2)},
			AIR: `(seq (par (call "@b" ("s" "f") [] r1) (call "@c" ("s" "f") [] r2))
			           (call "@a" ("s" "join") [r1 r2]))`,
			Calls:  []string{`b s.f([]) -> 1`, `c s.f([]) -> 2`, `a s.join([1,2]) -> 1`},
			Traces: map[string]string{"a": `par(1,1) S(1) S(2) U`},
		},
		{
			Name:     "join waits in par and xor",
			Services: map[string]Service{"a": Echo},
			AIR: `(xor (par (call "unknown_peer" ("s" "f") [] lazy) (call "@a" ("s" "g") [lazy] r))
			           (call "@a" ("s" "h") ["expected"] r))`,
			Traces: map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			Name:     "null does nothing",
			Services: one,
			AIR:      `(seq (null) (call "@a" ("s" "f") [1]))`,
			Calls:    []string{`a s.f([1]) -> 1`},
		},
		{
			Name:     "never stops a seq",
			Services: one,
			AIR:      `(seq (never) (call "@a" ("s" "f") [1]))`,
		},
		{
			Name:     "par with never still runs its other branch",
			Services: one,
			AIR:      `(seq (par (never) (call "@a" ("s" "f") [1])) (call "@a" ("s" "g") [2]))`,
			Calls:    []string{`a s.f([1]) -> 1`, `a s.g([2]) -> 2`},
		},
		{
			Name:     "literals and specials as arguments",
			Services: one,
			AIR:      `(call "@a" ("s" "f") ["str" 42 -7 1.5 true false [] %init_peer_id% %timestamp% %ttl%])`,
			Calls:    []string{`a s.f(["str",42,-7,1.5,true,false,[],"@a",1337,5000]) -> "str"`},
		},
		{
			Name:     "call without output leaves an unused state",
			Services: map[string]Service{"a": Returns(map[string]any{"k": 1})},
			AIR:      `(call "@a" ("s" "f") [])`,
			Calls:    []string{`a s.f([]) -> {"k":1}`},
			Traces:   map[string]string{"a": `U`},
		},
		{
			Name:     "peer service and function from variables",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"ids": Returns([]any{"svc", "fn"})}), "b": Returns(7)},
			AIR: `(seq (seq (call "@a" ("s" "ids") [] ids) (call "@a" ("s" "peer") ["@b"] p))
			           (call p (ids.$.[0] ids.$.[1]) [] r))`,
			Calls: []string{`a s.ids([]) -> ["svc","fn"]`, `a s.peer(["@b"]) -> "@b"`, `b svc.fn([]) -> 7`},
		},
		{
			Name:     "non-string triplet part",
			Services: map[string]Service{"a": Returns(5)},
			AIR:      `(seq (call "@a" ("s" "f") [] n) (call "@a" (n "f") []))`,
			Calls:    []string{`a s.f([]) -> 5`},
			Errs:     []string{"a 10011: call cannot resolve non-String triplet variable part `n` with value '5'"},
		},
		{
			Name:     "init peer id as call peer",
			Services: map[string]Service{"a": Returns(3)},
			AIR:      `(call %init_peer_id% ("s" "f") [] r)`,
			Calls:    []string{`a s.f([]) -> 3`},
		},
		{
			Name:     "rebinding a scalar outside a fold is refused",
			Services: map[string]Service{"a": Returns(1)},
			AIR:      `(seq (call "@a" ("s" "f") [] x) (call "@a" ("s" "g") [] x))`,
			Calls:    []string{`a s.f([]) -> 1`},
			Errs:     []string{"a 20007: trying to shadow variable 'x', but shadowing is allowed only inside fold blocks"},
			Traces:   map[string]string{"a": `R(@a,1)`},
		},
		{
			Name:     "rebinding is not caught by xor",
			Services: map[string]Service{"a": Returns(1)},
			AIR:      `(xor (seq (call "@a" ("s" "f") [] x) (call "@a" ("s" "g") [] x)) (call "@a" ("s" "h") []))`,
			Calls:    []string{`a s.f([]) -> 1`},
			Errs:     []string{"a 20007: trying to shadow variable 'x', but shadowing is allowed only inside fold blocks"},
		},
		{
			Name:     "invalid JSON from a service fails the call",
			Services: map[string]Service{"a": func(avm.CallRequest) avm.CallResult { return avm.CallResult{Result: "{nope"} }},
			AIR:      `(call "@a" ("s" "f") [] x)`,
			Calls:    []string{`a s.f([]) -> {nope`},
			Errs:     []string{"a 10000: Local service error, ret_code is 2147483647, error message is 'call_service result 'ret_code: 0, result: '{nope'' can't be serialized or deserialized with an error: ..."},
		},
	}
}
