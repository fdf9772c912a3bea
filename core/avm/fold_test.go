package avm_test

import (
	"fmt"
	"testing"
)

var fmtSscan = fmt.Sscan

var strs15 = []any{"1", "2", "3", "4", "5"}

func TestFolds(t *testing.T) {
	setThenEcho := map[string]service{"a": byFunction(map[string]service{"set": returns(strs15)})}
	runScenarios(t, []scenario{
		{
			name:     "left fold",
			services: setThenEcho,
			air: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (call "@a" ("" "") [i] $acc) (next i))))`,
			calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["1"]) -> "1"`, `a .(["2"]) -> "2"`, `a .(["3"]) -> "3"`, `a .(["4"]) -> "4"`, `a .(["5"]) -> "5"`},
			traces: map[string]string{"a": `S(["1","2","3","4","5"]) St("1",0) St("2",1) St("3",2) St("4",3) St("5",4)`},
		},
		{
			name:     "right fold",
			services: setThenEcho,
			air: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (next i) (call "@a" ("" "") [i] $acc))))`,
			calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["5"]) -> "5"`, `a .(["4"]) -> "4"`, `a .(["3"]) -> "3"`, `a .(["2"]) -> "2"`, `a .(["1"]) -> "1"`},
			traces: map[string]string{"a": `S(["1","2","3","4","5"]) St("5",0) St("4",1) St("3",2) St("2",3) St("1",4)`},
		},
		{
			name:     "fold over an empty array does nothing and completes",
			services: map[string]service{"a": byFunction(map[string]service{"set": returns([]any{})})},
			air: `(seq (seq (call "@a" ("" "set") [] arr) (fold arr i (seq (call "@a" ("" "body") [i]) (next i))))
			           (call "@a" ("" "after") []))`,
			calls: []string{`a .set([]) -> []`, `a .after([]) -> null`},
		},
		{
			name:     "fold over the empty array literal",
			services: one,
			air:      `(seq (fold [] i (seq (call "@a" ("" "body") [i]) (next i))) (call "@a" ("" "after") []))`,
			calls:    []string{`a .after([]) -> null`},
		},
		{
			name:     "fold over a non-array",
			services: map[string]service{"a": returns(5)},
			air:      `(seq (call "@a" ("" "set") [] x) (fold x i (next i)))`,
			calls:    []string{`a .set([]) -> 5`},
			errs:     []string{"a 10005: expression 'x' returned non-array value '5' for fold iterable"},
		},
		{
			name:     "fold over a lens",
			services: map[string]service{"a": byFunction(map[string]service{"set": returns(map[string]any{"xs": []any{1, 2}})})},
			air:      `(seq (call "@a" ("" "set") [] v) (fold v.$.xs i (seq (call "@a" ("" "") [i]) (next i))))`,
			calls:    []string{`a .set([]) -> {"xs":[1,2]}`, `a .([1]) -> 1`, `a .([2]) -> 2`},
		},
		{
			name:     "fold with a last instruction",
			services: setThenEcho,
			air: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (ap i $s) (next i)) (seq (canon "@a" $s #c) (call "@a" ("" "last") [#c]))))`,
			calls: []string{`a .set([]) -> ["1","2","3","4","5"]`, `a .last([["1","2","3","4","5"]]) -> ["1","2","3","4","5"]`},
		},
		{
			name:     "par fold sends to every peer at once",
			services: map[string]service{"a": byFunction(map[string]service{"peers": returns([]any{"@b", "@c"})}), "b": returns("B"), "c": returns("C")},
			air: `(seq (call "@a" ("" "peers") [] ps)
			           (fold ps p (par (call p ("" "who") [] $r) (next p))))`,
			calls: []string{`a .peers([]) -> ["@b","@c"]`, `b .who([]) -> "B"`, `c .who([]) -> "C"`},
		},
		{
			name:     "scalar fold completes with null last",
			services: map[string]service{"a": returns([]any{1, 2})},
			air: `(seq (seq (call "@a" ("" "") [] iterable)
			                (fold iterable it (par (call "@a" ("" "") [it] $new_stream) (next it)) (null)))
			           (seq (canon "@a" $new_stream #c) (call "@a" ("" "") [#c])))`,
			calls:  []string{`a .([]) -> [1,2]`, `a .([1]) -> [1,2]`, `a .([2]) -> [1,2]`, `a .([[]]) -> [1,2]`},
			traces: map[string]string{"a": `S([1,2]) par(1,2) St([1,2],0) par(1,0) St([1,2],0) canon[] U`},
		},
		{
			name:     "nested folds",
			services: map[string]service{"a": byFunction(map[string]service{"set": returns([]any{[]any{1, 2}, []any{3}})})},
			air: `(seq (call "@a" ("" "set") [] m)
			           (fold m row (seq (fold row x (seq (call "@a" ("" "cell") [x]) (next x))) (next row))))`,
			calls: []string{`a .set([]) -> [[1,2],[3]]`, `a .cell([1]) -> 1`, `a .cell([2]) -> 2`, `a .cell([3]) -> 3`},
		},
		{
			name:     "scalars bound in an iteration are its own",
			services: setThenEcho,
			air: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (seq (call "@a" ("" "") [i] x) (next i)) (call "@a" ("" "after") [x]))))`,
			calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["1"]) -> "1"`, `a .(["2"]) -> "2"`, `a .(["3"]) -> "3"`, `a .(["4"]) -> "4"`, `a .(["5"]) -> "5"`,
				`a .after(["5"]) -> "5"`, `a .after(["4"]) -> "4"`, `a .after(["3"]) -> "3"`, `a .after(["2"]) -> "2"`, `a .after(["1"]) -> "1"`},
			traces: map[string]string{"a": `S(["1","2","3","4","5"]) S("1") S("2") S("3") S("4") S("5") U U U U U`},
		},
		{
			name:     "tetraplets of fold items carry the index",
			services: map[string]service{"a": byFunction(map[string]service{"set": returns([]any{"x", "y"}), "tet": tetraplets})},
			air:      `(seq (call "@a" ("s" "set") [] arr) (fold arr i (seq (call "@a" ("" "tet") [i]) (next i))))`,
			calls: []string{`a s.set([]) -> ["x","y"]`,
				`a .tet(["x"]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"set","lens":".$.[0]"}]]`,
				`a .tet(["y"]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"set","lens":".$.[1]"}]]`},
		},
		{
			name:     "fold over a canon stream",
			services: one,
			air: `(seq (seq (seq (ap 1 $s) (ap 2 $s)) (canon "@a" $s #c))
			           (fold #c i (seq (call "@a" ("" "") [i]) (next i))))`,
			calls: []string{`a .([1]) -> 1`, `a .([2]) -> 2`},
		},
	})
}

func TestStreamFolds(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:     "fold waits on a stream that does not exist yet",
			services: one,
			air:      `(par (call "elsewhere" ("" "") [] $stream) (fold $stream it (seq (call "@a" ("" "") [it]) (next it))))`,
			traces:   map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			name:     "stream fold without last never completes",
			services: map[string]service{"a": returns(1)},
			air: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it))) (call "@a" ("" "") [])))`,
			calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`},
			traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0)`},
		},
		{
			name:     "stream fold with never as last",
			services: map[string]service{"a": returns(1)},
			air: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (never)) (call "@a" ("" "") [])))`,
			calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`},
			traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0)`},
		},
		{
			name:     "stream fold with null as last completes",
			services: map[string]service{"a": returns(1)},
			air: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (null)) (call "@a" ("" "") [])))`,
			calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`, `a .([]) -> 1`},
			traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0) U`},
		},
		{
			name:     "stream fold saves call results of last",
			services: one,
			air: `(seq (seq (ap 1 $stream) (ap 2 $stream))
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (call "@a" ("" "") [it] $new_stream))
			                (call "@a" ("" "") [0])))`,
			calls:  []string{`a .([1]) -> 1`, `a .([2]) -> 2`, `a .([2]) -> 2`, `a .([0]) -> 0`},
			traces: map[string]string{"a": `ap(0) ap(0) fold[0:(3,1)(6,0) 1:(4,1)(5,1)] St(1,0) St(2,1) St(2,2) U`},
		},
		{
			name:     "par fold over a stream of peers",
			services: map[string]service{"a": echo, "b": returns(1), "c": returns(1), "d": returns(1)},
			air: `(seq (seq (seq (ap "@b" $stream) (ap "@c" $stream)) (ap "@d" $stream))
			           (seq (fold $stream p (par (call p ("" "") [] $new_stream) (next p))) (call "@a" ("" "") [])))`,
			calls: []string{`b .([]) -> 1`, `c .([]) -> 1`, `d .([]) -> 1`, `a .([]) -> null`},
			traces: map[string]string{
				"b": `ap(0) ap(0) ap(0) fold[0:(4,2)(10,0) 1:(6,2)(10,0) 2:(8,2)(10,0)] par(1,4) St(1,0) par(1,2) R(@a) par(1,0) R(@a) R(@b)`,
			},
		},
		{
			name: "recursive stream with early exit",
			services: map[string]service{"a": byFunction(map[string]service{
				"stream_value": returns(1), "stop": returns("stop"),
			})},
			air: `(seq (seq (call "@a" ("" "stream_value") [] $stream) (call "@a" ("" "stream_value") [] $stream))
			           (fold $stream iterator
			             (seq (call "@a" ("" "stop") [] value)
			                  (xor (match value "stop" (null)) (seq (ap value $stream) (next iterator))))))`,
			calls:  []string{`a .stream_value([]) -> 1`, `a .stream_value([]) -> 1`, `a .stop([]) -> "stop"`, `a .stop([]) -> "stop"`},
			traces: map[string]string{"a": `St(1,0) St(1,1) fold[0:(3,1)(4,0) 1:(4,1)(5,0)] S("stop") S("stop")`},
		},
		{
			name:     "recursive stream grows until a condition",
			services: map[string]service{"a": byFunction(map[string]service{"inc": inc})},
			air: `(seq (ap 0 $s)
			           (fold $s x (seq (call "@a" ("" "inc") [x] y) (xor (match y 3 (null)) (seq (ap y $s) (next x))))))`,
			calls: []string{`a .inc([0]) -> 1`, `a .inc([1]) -> 2`, `a .inc([2]) -> 3`},
		},
		{
			name:     "recursive stream size limit",
			services: one,
			air:      `(seq (ap 42 $stream) (fold $stream i (seq (ap i $stream) (next i))))`,
			errs:     []string{"a 20013: stream size goes over the allowed limit of 1024"},
		},
		{
			name:     "errors inside a stream fold are swallowed",
			services: map[string]service{"a": fallible("bad")},
			// Two results arrive in two runs: two generations. The failure
			// in the first does not stop the second.
			air: `(seq (seq (seq (call "@a" ("good" "v") [] $s) (call "@a" ("good" "v") [] $s))
			                (fold $s i (seq (call "@a" ("bad" "f") []) (next i)) (null)))
			           (call "@a" ("good" "after") []))`,
			calls: []string{
				`a good.v([]) -> "success result from fallible_call_service"`,
				`a good.v([]) -> "success result from fallible_call_service"`,
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`a bad.f([]) -> "failed result from fallible_call_service"`,
			},
		},
		{
			name:     "fold over a stream map",
			services: one,
			air: `(seq (seq (ap ("k1" 1) %m) (ap ("k2" 2) %m))
			           (fold %m kv (seq (call "@a" ("" "") [kv.$.key kv.$.value]) (next kv)) (null)))`,
			calls: []string{`a .(["k1",1]) -> "k1"`, `a .(["k2",2]) -> "k2"`},
		},
	})
}

func inc(req reqCall) resCall {
	var n int
	if _, err := fmtSscan(string(req.Arguments[0]), &n); err != nil {
		return resCall{RetCode: 1, Result: err.Error()}
	}
	return ok(n + 1)
}

// tetraplets answers with the tetraplets of its arguments.
func tetraplets(req reqCall) resCall { return ok(req.Tetraplets) }
