package avmtest

// localErr is the message of a failed call of fallible.
const localErr = `Local service error, ret_code is 1, error message is '"failed result from fallible_call_service"'`

// ErrorHandling are the scenarios of failed calls, fail, xor and the
// error variables.
func ErrorHandling() []Scenario {
	f1 := map[string]Service{"a": fallible("service_id_1")}
	return []Scenario{
		{
			Name:     "xor runs right after a failed call",
			Services: f1,
			AIR:      `(xor (call "@a" ("service_id_1" "fn") [] r1) (call "@a" ("service_id_2" "fn") [] r2))`,
			Calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`a service_id_2.fn([]) -> "success result from fallible_call_service"`,
			},
			Traces: map[string]string{"a": `F({"message":"\"failed result from fallible_call_service\"","ret_code":1}) S("success result from fallible_call_service")`},
		},
		{
			Name:     "xor skips right when left succeeds",
			Services: f1,
			AIR:      `(xor (call "@a" ("service_id_2" "fn") [] r2) (call "@a" ("service_id_1" "fn") [] r1))`,
			Calls:    []string{`a service_id_2.fn([]) -> "success result from fallible_call_service"`},
			Traces:   map[string]string{"a": `S("success result from fallible_call_service")`},
		},
		{
			Name:     "failed call without xor",
			Services: f1,
			AIR:      `(call "@a" ("service_id_1" "fn") [] r)`,
			Calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			Errs:     []string{"a 10000: " + localErr},
		},
		{
			Name:     "xor over pars of failures",
			Services: f1,
			AIR: `(xor
			  (par (par (call "@a" ("service_id_1" "f") [] r1) (call "@a" ("service_id_1" "f") [] r2))
			       (par (call "@a" ("service_id_1" "f") [] r3) (call "@a" ("service_id_1" "f") [] r4)))
			  (seq (call "@a" ("service_id_2" "f") [] r5) (call "@a" ("service_id_2" "f") [] r6)))`,
			Calls: []string{
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_1.f([]) -> "failed result from fallible_call_service"`,
				`a service_id_2.f([]) -> "success result from fallible_call_service"`,
				`a service_id_2.f([]) -> "success result from fallible_call_service"`,
			},
		},
		{
			Name:     "last error message after a remote failure",
			Services: map[string]Service{"a": fallible("service_id_1"), "b": Echo},
			AIR:      `(xor (call "@a" ("service_id_1" "fn") [] r) (call "@b" ("service_id_2" "fn") [%last_error%.$.message] r))`,
			Calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`b service_id_2.fn(["` + `Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'"]) -> "Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'"`,
			},
		},
		{
			Name:     "error object of a failed call",
			Services: map[string]Service{"a": fallible("service_id_1")},
			AIR:      `(xor (call "@a" ("service_id_1" "fn") [] r) (call "@a" ("log" "fn") [:error: %last_error%.$.peer_id]))`,
			Calls: []string{
				`a service_id_1.fn([]) -> "failed result from fallible_call_service"`,
				`a log.fn([{"error_code":10000,"instruction":"call \"@a\" (\"service_id_1\" \"fn\") [] r","message":"Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'","peer_id":"@a"},"@a"]) -> "success result from fallible_call_service"`,
			},
		},
		{
			Name:     "fail with last error",
			Services: f1,
			AIR:      `(xor (call "@a" ("service_id_1" "fn") [] r) (fail %last_error%))`,
			Calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			Errs: []string{`a 10006: fail with '{"error_code":10000,"instruction":"call \"@a\" (\"service_id_1\" \"fn\") [] r","message":"` +
				`Local service error, ret_code is 1, error message is '\"failed result from fallible_call_service\"'","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			Name:     "fail with error rethrows the original",
			Services: f1,
			AIR:      `(xor (call "@a" ("service_id_1" "fn") [] r) (fail :error:))`,
			Calls:    []string{`a service_id_1.fn([]) -> "failed result from fallible_call_service"`},
			Errs:     []string{"a 10000: " + localErr},
		},
		{
			Name:     "fail with literals",
			Services: one,
			AIR:      `(xor (fail 1337 "error message") (fail %last_error%))`,
			Errs:     []string{`a 10006: fail with '{"error_code":1337,"instruction":"fail 1337 \"error message\"","message":"error message","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			Name:     "fail with literals uncaught",
			Services: one,
			AIR:      `(fail 42 "boom")`,
			Errs:     []string{`a 10006: fail with '{"error_code":42,"instruction":"fail 42 \"boom\"","message":"boom","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			Name:     "fail with a scalar error object",
			Services: map[string]Service{"a": Returns(map[string]any{"error_code": 7, "message": "custom"})},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			Calls:    []string{`a s.f([]) -> {"error_code":7,"message":"custom"}`},
			Errs:     []string{`a 10006: fail with '{"error_code":7,"message":"custom"}' is used without corresponding xor`},
		},
		{
			Name:     "fail with a lens into a scalar",
			Services: map[string]Service{"a": Returns(map[string]any{"err": map[string]any{"error_code": 3, "message": "inner"}})},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e.$.err))`,
			Calls:    []string{`a s.f([]) -> {"err":{"error_code":3,"message":"inner"}}`},
			Errs:     []string{`a 10006: fail with '{"error_code":3,"message":"inner"}' is used without corresponding xor`},
		},
		{
			Name:     "fail with a zero error code",
			Services: map[string]Service{"a": Returns(map[string]any{"error_code": 0, "message": "m"})},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			Calls:    []string{`a s.f([]) -> {"error_code":0,"message":"m"}`},
			Errs:     []string{`a 10008: error code must be non-zero, but it is zero`},
		},
		{
			Name:     "fail with a non-object",
			Services: map[string]Service{"a": Returns("text")},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			Calls:    []string{`a s.f([]) -> "text"`},
			Errs:     []string{`a 10008: scalar should have an object type to be converted into error object, but '"text"' doesn't have`},
		},
		{
			Name:     "fail with a missing message",
			Services: map[string]Service{"a": Returns(map[string]any{"error_code": 1})},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			Calls:    []string{`a s.f([]) -> {"error_code":1}`},
			Errs:     []string{`a 10008: scalar '{"error_code":1}' must have field with name 'message'`},
		},
		{
			Name:     "fail with a string error code",
			Services: map[string]Service{"a": Returns(map[string]any{"error_code": "1", "message": "m"})},
			AIR:      `(seq (call "@a" ("s" "f") [] e) (fail e))`,
			Calls:    []string{`a s.f([]) -> {"error_code":"1","message":"m"}`},
			Errs:     []string{`a 10008: error_code of scalar '{"error_code":"1","message":"m"}' must have integer type`},
		},
		{
			Name:     "rethrown match error keeps its object and error resets after success",
			Services: map[string]Service{"a": Echo},
			AIR: `(seq (xor (xor (match 1 2 (null)) (fail :error:)) (call "@a" ("m" "f1") [:error:] s1))
			           (call "@a" ("m" "f2") [:error:] s2))`,
			Calls: []string{
				`a m.f1([{"error_code":10001,"instruction":"match 1 2","message":"compared values do not match"}]) -> {"error_code":10001,"instruction":"match 1 2","message":"compared values do not match"}`,
				`a m.f2([{"error_code":0,"message":""}]) -> {"error_code":0,"message":""}`,
			},
		},
		{
			Name:     "match failure leaves last error untouched",
			Services: one,
			AIR:      `(xor (match 1 2 (null)) (call "@a" ("s" "f") [%last_error%]))`,
			Calls:    []string{`a s.f([{"error_code":0,"message":""}]) -> {"error_code":0,"message":""}`},
		},
		{
			Name:     "match without xor",
			Services: one,
			AIR:      `(match 1 2 (null))`,
			Errs:     []string{"a 10001: compared values do not match"},
		},
		{
			Name:     "mismatch without xor",
			Services: one,
			AIR:      `(mismatch "x" "x" (null))`,
			Errs:     []string{"a 10002: compared values do not mismatch"},
		},
		{
			Name:     "match runs its body on equal values",
			Services: map[string]Service{"a": Returns(map[string]any{"x": []any{1, 2}})},
			AIR:      `(seq (call "@a" ("s" "f") [] v) (match v.$.x.[1] 2 (call "@a" ("s" "ok") [v.$.x])))`,
			Calls:    []string{`a s.f([]) -> {"x":[1,2]}`, `a s.ok([[1,2]]) -> {"x":[1,2]}`},
		},
		{
			Name:     "match compares integers and floats as different",
			Services: one,
			AIR:      `(xor (match 1 1.0 (call "@a" ("s" "same") [])) (call "@a" ("s" "differ") []))`,
			Calls:    []string{`a s.differ([]) -> null`},
		},
		{
			Name:     "mismatch runs its body on different values",
			Services: one,
			AIR:      `(mismatch "x" "y" (call "@a" ("s" "f") ["differ"]))`,
			Calls:    []string{`a s.f(["differ"]) -> "differ"`},
		},
		{
			Name:     "match on an undefined variable waits",
			Services: one,
			AIR:      `(par (call "elsewhere" ("s" "f") [] v) (match v 1 (call "@a" ("s" "g") [])))`,
			Traces:   map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			Name:     "last error unlocks in xor right branch",
			Services: map[string]Service{"a": fallible("bad")},
			AIR: `(xor (seq (xor (call "@a" ("bad" "first") []) (null)) (call "@a" ("bad" "second") []))
			           (call "@a" ("log" "f") [%last_error%.$.instruction]))`,
			Calls: []string{
				`a bad.first([]) -> "failed result from fallible_call_service"`,
				`a bad.second([]) -> "failed result from fallible_call_service"`,
				`a log.f(["call \"@a\" (\"bad\" \"second\") [] "]) -> "success result from fallible_call_service"`,
			},
		},
		{
			Name:     "par with one failing branch succeeds",
			Services: map[string]Service{"a": fallible("bad")},
			AIR:      `(seq (par (call "@a" ("bad" "f") []) (call "@a" ("good" "f") [])) (call "@a" ("good" "after") []))`,
			Calls: []string{
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`a good.f([]) -> "success result from fallible_call_service"`,
				`a good.after([]) -> "success result from fallible_call_service"`,
			},
		},
		{
			Name:     "par with both branches failing fails with the right error",
			Services: map[string]Service{"a": fallible("bad")},
			AIR:      `(par (call "@a" ("bad" "left") []) (fail 9 "right"))`,
			Calls:    []string{`a bad.left([]) -> "failed result from fallible_call_service"`},
			Errs:     []string{`a 10006: fail with '{"error_code":9,"instruction":"fail 9 \"right\"","message":"right","peer_id":"@a"}' is used without corresponding xor`},
		},
		{
			Name:     "failed call replays its error from data",
			Services: map[string]Service{"a": fallible("bad"), "b": Echo},
			AIR: `(seq (xor (call "@a" ("bad" "f") []) (call "@b" ("log" "f") [%last_error%.$.error_code]))
			           (xor (call "@a" ("bad" "g") []) (call "@b" ("log" "g") [%last_error%.$.peer_id])))`,
			Calls: []string{
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`b log.f([10000]) -> 10000`,
				`a bad.g([]) -> "failed result from fallible_call_service"`,
				`b log.g(["@a"]) -> "@a"`,
			},
		},
		{
			Name:     "variable not found in fail is an error",
			Services: one,
			AIR:      `(fail e)`,
			Errs:     []string{"a 10003: variable with name 'e' wasn't defined during script execution"},
		},
	}
}
