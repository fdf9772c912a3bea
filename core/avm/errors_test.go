package avm_test

import "testing"

const localErr = `Local service error, ret_code is 1, error message is '"failed result from fallible_call_service"'`

func TestErrorHandling(t *testing.T) {
	f1 := map[string]service{"a": fallible("service_id_1")}
	runScenarios(t, []scenario{
		{
			name:     "xor runs right after a failed call",
			services: f1,
			air:      `(xor (call "@a" ("service_id_1" "fn") [] r1) (call "@a" ("service_id_2" "fn") [] r2))`,
			calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`a service_id_2.fn([]) -> "success result from fallible_call_service"`,
			},
			traces: map[string]string{"a": `F({"message":"\"failed result from fallible_call_service\"","ret_code":1}) S("success result from fallible_call_service")`},
		},
		{
			name:     "xor skips right when left succeeds",
			services: f1,
			air:      `(xor (call "@a" ("service_id_2" "fn") [] r2) (call "@a" ("service_id_1" "fn") [] r1))`,
			calls:    []string{`a service_id_2.fn([]) -> "success result from fallible_call_service"`},
			traces:   map[string]string{"a": `S("success result from fallible_call_service")`},
		},
		{
			name:     "failed call without xor",
			services: f1,
			air:      `(call "@a" ("service_id_1" "fn") [] r)`,
			calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			errs:     []string{"a 10000: " + localErr},
		},
		{
			name:     "xor over pars of failures",
			services: f1,
			air: `(xor
			  (par (par (call "@a" ("service_id_1" "f") [] r1) (call "@a" ("service_id_1" "f") [] r2))
			       (par (call "@a" ("service_id_1" "f") [] r3) (call "@a" ("service_id_1" "f") [] r4)))
			  (seq (call "@a" ("service_id_2" "f") [] r5) (call "@a" ("service_id_2" "f") [] r6)))`,
			calls: []string{
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_2.f([]) -> "success result from fallible_call_service"`,
				`a service_id_2.f([]) -> "success result from fallible_call_service"`,
			},
		},
		{
			name:     "last error message after a remote failure",
			services: map[string]service{"a": fallible("service_id_1"), "b": echo},
			air:      `(xor (call "@a" ("service_id_1" "fn") [] r) (call "@b" ("service_id_2" "fn") [%last_error%.$.message] r))`,
			calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`b service_id_2.fn(["` + `Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'"]) -> "Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'"`,
			},
		},
		{
			name:     "error object of a failed call",
			services: map[string]service{"a": fallible("service_id_1")},
			air:      `(xor (call "@a" ("service_id_1" "fn") [] r) (call "@a" ("log" "fn") [:error: %last_error%.$.peer_id]))`,
			calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`a log.fn([{"error_code":10000,"instruction":"call \"@a\" (\"service_id_1\" \"fn\") [] r","message":"Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'","peer_id":"@a"},"@a"]) -> "success result from fallible_call_service"`,
			},
		},
		{
			name:     "fail with last error",
			services: f1,
			air:      `(xor (call "@a" ("service_id_1" "fn") [] r) (fail %last_error%))`,
			calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			errs: []string{`a 10006: fail with '{"error_code":10000,"instruction":"call \"@a\" (\"service_id_1\" \"fn\") [] r","message":"` +
				`Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			name:     "fail with error rethrows the original",
			services: f1,
			air:      `(xor (call "@a" ("service_id_1" "fn") [] r) (fail :error:))`,
			calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			errs:     []string{"a 10000: " + localErr},
		},
		{
			name:     "fail with literals",
			services: one,
			air:      `(xor (fail 1337 "error message") (fail %last_error%))`,
			errs:     []string{`a 10006: fail with '{"error_code":1337,"instruction":"fail 1337 \"error message\"","message":"error message","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			name:     "fail with literals uncaught",
			services: one,
			air:      `(fail 42 "boom")`,
			errs:     []string{`a 10006: fail with '{"error_code":42,"instruction":"fail 42 \"boom\"","message":"boom","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			name:     "fail with a scalar error object",
			services: map[string]service{"a": returns(map[string]any{"error_code": 7, "message": "custom"})},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			calls:    []string{`a s.f([]) -> {"error_code":7,"message":"custom"}`},
			errs:     []string{`a 10006: fail with '{"error_code":7,"message":"custom"}' is used without corresponding xor`},
		},
		{
			name:     "fail with a lens into a scalar",
			services: map[string]service{"a": returns(map[string]any{"err": map[string]any{"error_code": 3, "message": "inner"}})},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e.$.err))`,
			calls:    []string{`a s.f([]) -> {"err":{"error_code":3,"message":"inner"}}`},
			errs:     []string{`a 10006: fail with '{"error_code":3,"message":"inner"}' is used without corresponding xor`},
		},
		{
			name:     "fail with a zero error code",
			services: map[string]service{"a": returns(map[string]any{"error_code": 0, "message": "m"})},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			calls:    []string{`a s.f([]) -> {"error_code":0,"message":"m"}`},
			errs:     []string{`a 10008: error code must be non-zero, but it is zero`},
		},
		{
			name:     "fail with a non-object",
			services: map[string]service{"a": returns("text")},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			calls:    []string{`a s.f([]) -> "text"`},
			errs:     []string{`a 10008: scalar should have an object type to be converted into error object, but '"text"' doesn't have`},
		},
		{
			name:     "fail with a missing message",
			services: map[string]service{"a": returns(map[string]any{"error_code": 1})},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			calls:    []string{`a s.f([]) -> {"error_code":1}`},
			errs:     []string{`a 10008: scalar '{"error_code":1}' must have field with name 'message'`},
		},
		{
			name:     "fail with a string error code",
			services: map[string]service{"a": returns(map[string]any{"error_code": "1", "message": "m"})},
			air:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			calls:    []string{`a s.f([]) -> {"error_code":"1","message":"m"}`},
			errs:     []string{`a 10008: error_code of scalar '{"error_code":"1","message":"m"}' must have integer type`},
		},
		{
			name:     "rethrown match error keeps its object and error resets after success",
			services: map[string]service{"a": echo},
			air: `(seq (xor (xor (match 1 2 (null)) (fail :error:)) (call "@a" ("m" "f1") [:error:] s1))
			           (call "@a" ("m" "f2") [:error:] s2))`,
			calls: []string{
				`a m.f1([{"error_code":10001,"instruction":"match 1 2","message":"compared values do not match"}]) -> {"error_code":10001,"instruction":"match 1 2","message":"compared values do not match"}`,
				`a m.f2([{"error_code":0,"message":""}]) -> {"error_code":0,"message":""}`,
			},
		},
		{
			name:     "match failure leaves last error untouched",
			services: one,
			air:      `(xor (match 1 2 (null)) (call "@a" ("s" "f") [%last_error%]))`,
			calls:    []string{`a s.f([{"error_code":0,"message":""}]) -> {"error_code":0,"message":""}`},
		},
		{
			name:     "match without xor",
			services: one,
			air:      `(match 1 2 (null))`,
			errs:     []string{"a 10001: compared values do not match"},
		},
		{
			name:     "mismatch without xor",
			services: one,
			air:      `(mismatch "x" "x" (null))`,
			errs:     []string{"a 10002: compared values do not mismatch"},
		},
		{
			name:     "match runs its body on equal values",
			services: map[string]service{"a": returns(map[string]any{"x": []any{1, 2}})},
			air:      `(seq (call "@a" ("s" "f") [] v) (match v.$.x.[1] 2 (call "@a" ("s" "ok") [v.$.x])))`,
			calls:    []string{`a s.f([]) -> {"x":[1,2]}`, `a s.ok([[1,2]]) -> {"x":[1,2]}`},
		},
		{
			name:     "match compares integers and floats as different",
			services: one,
			air:      `(xor (match 1 1.0 (call "@a" ("s" "same") [])) (call "@a" ("s" "differ") []))`,
			calls:    []string{`a s.differ([]) -> null`},
		},
		{
			name:     "mismatch runs its body on different values",
			services: one,
			air:      `(mismatch "x" "y" (call "@a" ("s" "f") ["differ"]))`,
			calls:    []string{`a s.f(["differ"]) -> "differ"`},
		},
		{
			name:     "match on an undefined variable waits",
			services: one,
			air:      `(par (call "elsewhere" ("s" "f") [] v) (match v 1 (call "@a" ("s" "g") [])))`,
			traces:   map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			name:     "last error unlocks in xor right branch",
			services: map[string]service{"a": fallible("bad")},
			air: `(xor (seq (xor (call "@a" ("bad" "first") []) (null)) (call "@a" ("bad" "second") []))
			           (call "@a" ("log" "f") [%last_error%.$.instruction]))`,
			calls: []string{
				`a bad.first([]) -> "failed result from fallible_call_service"`,
				`a bad.second([]) -> "failed result from fallible_call_service"`,
				`a log.f(["call \"@a\" (\"bad\" \"second\") [] "]) -> "success result from fallible_call_service"`,
			},
		},
		{
			name:     "par with one failing branch succeeds",
			services: map[string]service{"a": fallible("bad")},
			air:      `(seq (par (call "@a" ("bad" "f") []) (call "@a" ("good" "f") [])) (call "@a" ("good" "after") []))`,
			calls: []string{
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`a good.f([]) -> "success result from fallible_call_service"`,
				`a good.after([]) -> "success result from fallible_call_service"`,
			},
		},
		{
			name:     "par with both branches failing fails with the right error",
			services: map[string]service{"a": fallible("bad")},
			air:      `(par (call "@a" ("bad" "left") []) (fail 9 "right"))`,
			calls:    []string{`a bad.left([]) -> "failed result from fallible_call_service"`},
			errs:     []string{`a 10006: fail with '{"error_code":9,"instruction":"fail 9 \"right\"","message":"right","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			name:     "failed call replays its error from data",
			services: map[string]service{"a": fallible("bad"), "b": echo},
			air: `(seq (xor (call "@a" ("bad" "f") []) (call "@b" ("log" "f") [%last_error%.$.error_code]))
			           (xor (call "@a" ("bad" "g") []) (call "@b" ("log" "g") [%last_error%.$.peer_id])))`,
			calls: []string{
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`b log.f([10000]) -> 10000`,
				`a bad.g([]) -> "failed result from fallible_call_service"`,
				`b log.g(["@a"]) -> "@a"`,
			},
		},
		{
			name:     "variable not found in fail is an error",
			services: one,
			air:      `(fail e)`,
			errs:     []string{"a 10003: variable with name 'e' wasn't defined during script execution"},
		},
	})
}
