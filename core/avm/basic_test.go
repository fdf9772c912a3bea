package avm_test

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm"
)

type (
	reqCall = avm.CallRequest
	resCall = avm.CallResult
)

var one = map[string]service{"a": echo}

func TestBasicInstructions(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:     "seq remote remote",
			services: map[string]service{"a": echo, "b": unit, "c": returns(1)},
			air:      `(seq (call "@b" ("s1" "f1") [] r1) (call "@c" ("s2" "f2") [] r2))`,
			calls:    []string{`b s1.f1([]) -> "result from unit_call_service"`, `c s2.f2([]) -> 1`},
			traces:   map[string]string{"c": `S("result from unit_call_service") S(1)`},
		},
		{
			name:     "seq stops at incomplete left",
			services: map[string]service{"a": echo},
			air:      `(seq (call "unknown_peer" ("s" "f") [] r) (call "@a" ("s" "g") ["never"]))`,
			traces:   map[string]string{"a": `R(@a)`},
		},
		{
			name:     "par remote remote",
			services: map[string]service{"a": echo, "b": returns(1), "c": returns(2)},
			air:      `(par (call "@b" ("s" "f") [] r1) (call "@c" ("s" "f") [] r2))`,
			calls:    []string{`b s.f([]) -> 1`, `c s.f([]) -> 2`},
			traces:   map[string]string{"a": `par(1,1) R(@a) R(@a)`, "b": `par(1,1) S(1) R(@a)`, "c": `par(1,1) R(@a) S(2)`},
		},
		{
			name:     "par local remote",
			services: map[string]service{"a": returns("x"), "b": returns(2)},
			air:      `(par (call "@a" ("s" "f") [] r1) (call "@b" ("s" "f") [] r2))`,
			calls:    []string{`a s.f([]) -> "x"`, `b s.f([]) -> 2`},
			traces:   map[string]string{"a": `par(1,1) S("x") R(@a)`, "b": `par(1,1) S("x") S(2)`},
		},
		{
			name:     "par then join on both results",
			services: map[string]service{"a": echo, "b": returns(1), "c": returns(2)},
			air: `(seq (par (call "@b" ("s" "f") [] r1) (call "@c" ("s" "f") [] r2))
			           (call "@a" ("s" "join") [r1 r2]))`,
			calls:  []string{`b s.f([]) -> 1`, `c s.f([]) -> 2`, `a s.join([1,2]) -> 1`},
			traces: map[string]string{"a": `par(1,1) S(1) S(2) U`},
		},
		{
			name:     "join waits in par and xor",
			services: map[string]service{"a": echo},
			air: `(xor (par (call "unknown_peer" ("s" "f") [] lazy) (call "@a" ("s" "g") [lazy] r))
			           (call "@a" ("s" "h") ["expected"] r))`,
			traces: map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			name:     "null does nothing",
			services: one,
			air:      `(seq (null) (call "@a" ("s" "f") [1]))`,
			calls:    []string{`a s.f([1]) -> 1`},
		},
		{
			name:     "never stops a seq",
			services: one,
			air:      `(seq (never) (call "@a" ("s" "f") [1]))`,
		},
		{
			name:     "par with never still runs its other branch",
			services: one,
			air:      `(seq (par (never) (call "@a" ("s" "f") [1])) (call "@a" ("s" "g") [2]))`,
			calls:    []string{`a s.f([1]) -> 1`, `a s.g([2]) -> 2`},
		},
		{
			name:     "literals and specials as arguments",
			services: one,
			air:      `(call "@a" ("s" "f") ["str" 42 -7 1.5 true false [] %init_peer_id% %timestamp% %ttl%])`,
			calls:    []string{`a s.f(["str",42,-7,1.5,true,false,[],"@a",1337,5000]) -> "str"`},
		},
		{
			name:     "call without output leaves an unused state",
			services: map[string]service{"a": returns(map[string]any{"k": 1})},
			air:      `(call "@a" ("s" "f") [])`,
			calls:    []string{`a s.f([]) -> {"k":1}`},
			traces:   map[string]string{"a": `U`},
		},
		{
			name:     "peer service and function from variables",
			services: map[string]service{"a": byFunction(map[string]service{"ids": returns([]any{"svc", "fn"})}), "b": returns(7)},
			air: `(seq (seq (call "@a" ("s" "ids") [] ids) (call "@a" ("s" "peer") ["@b"] p))
			           (call p (ids.$.[0] ids.$.[1]) [] r))`,
			calls: []string{`a s.ids([]) -> ["svc","fn"]`, `a s.peer(["@b"]) -> "@b"`, `b svc.fn([]) -> 7`},
		},
		{
			name:     "non-string triplet part",
			services: map[string]service{"a": returns(5)},
			air:      `(seq (call "@a" ("s" "f") [] n) (call "@a" (n "f") []))`,
			calls:    []string{`a s.f([]) -> 5`},
			errs:     []string{"a 10011: call cannot resolve non-String triplet variable part `n` with value '5'"},
		},
		{
			name:     "init peer id as call peer",
			services: map[string]service{"a": returns(3)},
			air:      `(call %init_peer_id% ("s" "f") [] r)`,
			calls:    []string{`a s.f([]) -> 3`},
		},
		{
			name:     "rebinding a scalar outside a fold is refused",
			services: map[string]service{"a": returns(1)},
			air:      `(seq (call "@a" ("s" "f") [] x) (call "@a" ("s" "g") [] x))`,
			calls:    []string{`a s.f([]) -> 1`},
			errs:     []string{"a 20007: trying to shadow variable 'x', but shadowing is allowed only inside fold blocks"},
			traces:   map[string]string{"a": `R(@a,1)`},
		},
		{
			name:     "rebinding is not caught by xor",
			services: map[string]service{"a": returns(1)},
			air:      `(xor (seq (call "@a" ("s" "f") [] x) (call "@a" ("s" "g") [] x)) (call "@a" ("s" "h") []))`,
			calls:    []string{`a s.f([]) -> 1`},
			errs:     []string{"a 20007: trying to shadow variable 'x', but shadowing is allowed only inside fold blocks"},
		},
		{
			name:     "invalid JSON from a service fails the call",
			services: map[string]service{"a": func(reqCall) resCall { return resCall{Result: "{nope"} }},
			air:      `(call "@a" ("s" "f") [] x)`,
			calls:    []string{`a s.f([]) -> {nope`},
			errs:     []string{"a 10000: Local service error, ret_code is 2147483647, error message is 'call_service result '{nope' can't be serialized or deserialized with an error: ..."},
		},
	})
}
