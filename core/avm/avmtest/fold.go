package avmtest

// strs15 is the array of the folds over strings.
var strs15 = []any{"1", "2", "3", "4", "5"}

// Folds are the scenarios of fold over scalars, arrays and canon
// streams.
func Folds() []Scenario {
	setThenEcho := map[string]Service{"a": ByFunction(map[string]Service{"set": Returns(strs15)})}
	return []Scenario{
		{
			Name:     "left fold",
			Services: setThenEcho,
			AIR: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (call "@a" ("" "") [i] $acc) (next i))))`,
			Calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["1"]) -> "1"`, `a .(["2"]) -> "2"`, `a .(["3"]) -> "3"`, `a .(["4"]) -> "4"`, `a .(["5"]) -> "5"`},
			Traces: map[string]string{"a": `S(["1","2","3","4","5"]) St("1",0) St("2",1) St("3",2) St("4",3) St("5",4)`},
		},
		{
			Name:     "right fold",
			Services: setThenEcho,
			AIR: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (next i) (call "@a" ("" "") [i] $acc))))`,
			Calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["5"]) -> "5"`, `a .(["4"]) -> "4"`, `a .(["3"]) -> "3"`, `a .(["2"]) -> "2"`, `a .(["1"]) -> "1"`},
			Traces: map[string]string{"a": `S(["1","2","3","4","5"]) St("5",0) St("4",1) St("3",2) St("2",3) St("1",4)`},
		},
		{
			Name:     "fold over an empty array does nothing and completes",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"set": Returns([]any{})})},
			AIR: `(seq (seq (call "@a" ("" "set") [] arr) (fold arr i (seq (call "@a" ("" "body") [i]) (next i))))
			           (call "@a" ("" "after") []))`,
			Calls: []string{`a .set([]) -> []`, `a .after([]) -> null`},
		},
		{
			Name:     "fold over the empty array literal",
			Services: one,
			AIR:      `(seq (fold [] i (seq (call "@a" ("" "body") [i]) (next i))) (call "@a" ("" "after") []))`,
			Calls:    []string{`a .after([]) -> null`},
		},
		{
			Name:     "fold over a non-array",
			Services: map[string]Service{"a": Returns(5)},
			AIR:      `(seq (call "@a" ("" "set") [] x) (fold x i (next i)))`,
			Calls:    []string{`a .set([]) -> 5`},
			Errs:     []string{"a 10005: expression 'x' returned non-array value '5' for fold iterable"},
		},
		{
			Name:     "fold over a lens",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"set": Returns(map[string]any{"xs": []any{1, 2}})})},
			AIR:      `(seq (call "@a" ("" "set") [] v) (fold v.$.xs i (seq (call "@a" ("" "") [i]) (next i))))`,
			Calls:    []string{`a .set([]) -> {"xs":[1,2]}`, `a .([1]) -> 1`, `a .([2]) -> 2`},
		},
		{
			Name:     "fold with a last instruction",
			Services: setThenEcho,
			AIR: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (ap i $s) (next i)) (seq (canon "@a" $s #c) (call "@a" ("" "last") [#c]))))`,
			Calls: []string{`a .set([]) -> ["1","2","3","4","5"]`, `a .last([["1","2","3","4","5"]]) -> ["1","2","3","4","5"]`},
		},
		{
			Name:     "par fold sends to every peer at once",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"peers": Returns([]any{"@b", "@c"})}), "b": Returns("B"), "c": Returns("C")},
			AIR: `(seq (call "@a" ("" "peers") [] ps)
			           (fold ps p (par (call p ("" "who") [] $r) (next p))))`,
			Calls: []string{`a .peers([]) -> ["@b","@c"]`, `b .who([]) -> "B"`, `c .who([]) -> "C"`},
		},
		{
			Name:     "scalar fold completes with null last",
			Services: map[string]Service{"a": Returns([]any{1, 2})},
			AIR: `(seq (seq (call "@a" ("" "") [] iterable)
			                (fold iterable it (par (call "@a" ("" "") [it] $new_stream) (next it)) (null)))
			           (seq (canon "@a" $new_stream #c) (call "@a" ("" "") [#c])))`,
			Calls:  []string{`a .([]) -> [1,2]`, `a .([1]) -> [1,2]`, `a .([2]) -> [1,2]`, `a .([[]]) -> [1,2]`},
			Traces: map[string]string{"a": `S([1,2]) par(1,2) St([1,2],0) par(1,0) St([1,2],0) canon[] U`},
		},
		{
			Name:     "nested folds",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"set": Returns([]any{[]any{1, 2}, []any{3}})})},
			AIR: `(seq (call "@a" ("" "set") [] m)
			           (fold m row (seq (fold row x (seq (call "@a" ("" "cell") [x]) (next x))) (next row))))`,
			Calls: []string{`a .set([]) -> [[1,2],[3]]`, `a .cell([1]) -> 1`, `a .cell([2]) -> 2`, `a .cell([3]) -> 3`},
		},
		{
			Name:     "scalars bound in an iteration are its own",
			Services: setThenEcho,
			AIR: `(seq (call "@a" ("" "set") [] arr)
			           (fold arr i (seq (seq (call "@a" ("" "") [i] x) (next i)) (call "@a" ("" "after") [x]))))`,
			Calls: []string{`a .set([]) -> ["1","2","3","4","5"]`,
				`a .(["1"]) -> "1"`, `a .(["2"]) -> "2"`, `a .(["3"]) -> "3"`, `a .(["4"]) -> "4"`, `a .(["5"]) -> "5"`,
				`a .after(["5"]) -> "5"`, `a .after(["4"]) -> "4"`, `a .after(["3"]) -> "3"`, `a .after(["2"]) -> "2"`, `a .after(["1"]) -> "1"`},
			Traces: map[string]string{"a": `S(["1","2","3","4","5"]) S("1") S("2") S("3") S("4") S("5") U U U U U`},
		},
		{
			Name:     "tetraplets of fold items carry the index",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"set": Returns([]any{"x", "y"}), "tet": tetraplets})},
			AIR:      `(seq (call "@a" ("s" "set") [] arr) (fold arr i (seq (call "@a" ("" "tet") [i]) (next i))))`,
			Calls: []string{`a s.set([]) -> ["x","y"]`,
				`a .tet(["x"]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"set","lens":".$.[0]"}]]`,
				`a .tet(["y"]) -> [[{"peer_pk":"@a","service_id":"s","function_name":"set","lens":".$.[1]"}]]`},
		},
		{
			Name:     "fold over a canon stream",
			Services: one,
			AIR: `(seq (seq (seq (ap 1 $s) (ap 2 $s)) (canon "@a" $s #c))
			           (fold #c i (seq (call "@a" ("" "") [i]) (next i))))`,
			Calls: []string{`a .([1]) -> 1`, `a .([2]) -> 2`},
		},
	}
}

// StreamFolds are the scenarios of fold over streams and stream maps,
// growing as they are folded over.
func StreamFolds() []Scenario {
	return []Scenario{
		{
			Name:     "fold waits on a stream that does not exist yet",
			Services: one,
			AIR:      `(par (call "elsewhere" ("" "") [] $stream) (fold $stream it (seq (call "@a" ("" "") [it]) (next it))))`,
			Traces:   map[string]string{"a": `par(1,0) R(@a)`},
		},
		{
			Name:     "stream fold without last never completes",
			Services: map[string]Service{"a": Returns(1)},
			AIR: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it))) (call "@a" ("" "") [])))`,
			Calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`},
			Traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0)`},
		},
		{
			Name:     "stream fold with never as last",
			Services: map[string]Service{"a": Returns(1)},
			AIR: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (never)) (call "@a" ("" "") [])))`,
			Calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`},
			Traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0)`},
		},
		{
			Name:     "stream fold with null as last completes",
			Services: map[string]Service{"a": Returns(1)},
			AIR: `(seq (call "@a" ("" "") [] $stream)
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (null)) (call "@a" ("" "") [])))`,
			Calls:  []string{`a .([]) -> 1`, `a .([1]) -> 1`, `a .([]) -> 1`},
			Traces: map[string]string{"a": `St(1,0) fold[0:(2,1)(3,0)] St(1,0) U`},
		},
		{
			Name:     "stream fold saves call results of last",
			Services: one,
			AIR: `(seq (seq (ap 1 $stream) (ap 2 $stream))
			           (seq (fold $stream it (seq (call "@a" ("" "") [it] $new_stream) (next it)) (call "@a" ("" "") [it] $new_stream))
			                (call "@a" ("" "") [0])))`,
			Calls:  []string{`a .([1]) -> 1`, `a .([2]) -> 2`, `a .([2]) -> 2`, `a .([0]) -> 0`},
			Traces: map[string]string{"a": `ap(0) ap(0) fold[0:(3,1)(6,0) 1:(4,1)(5,1)] St(1,0) St(2,1) St(2,2) U`},
		},
		{
			Name:     "par fold over a stream of peers",
			Services: map[string]Service{"a": Echo, "b": Returns(1), "c": Returns(1), "d": Returns(1)},
			AIR: `(seq (seq (seq (ap "@b" $stream) (ap "@c" $stream)) (ap "@d" $stream))
			           (seq (fold $stream p (par (call p ("" "") [] $new_stream) (next p))) (call "@a" ("" "") [])))`,
			Calls: []string{`b .([]) -> 1`, `c .([]) -> 1`, `d .([]) -> 1`, `a .([]) -> null`},
			Traces: map[string]string{
				"b": `ap(0) ap(0) ap(0) fold[0:(4,2)(10,0) 1:(6,2)(10,0) 2:(8,2)(10,0)] par(1,4) St(1,0) par(1,2) R(@a) par(1,0) R(@a) R(@b)`,
			},
		},
		{
			Name: "recursive stream with early exit",
			Services: map[string]Service{"a": ByFunction(map[string]Service{
				"stream_value": Returns(1), "stop": Returns("stop"),
			})},
			AIR: `(seq (seq (call "@a" ("" "stream_value") [] $stream) (call "@a" ("" "stream_value") [] $stream))
			           (fold $stream iterator
			             (seq (call "@a" ("" "stop") [] value)
			                  (xor (match value "stop" (null)) (seq (ap value $stream) (next iterator))))))`,
			Calls:  []string{`a .stream_value([]) -> 1`, `a .stream_value([]) -> 1`, `a .stop([]) -> "stop"`, `a .stop([]) -> "stop"`},
			Traces: map[string]string{"a": `St(1,0) St(1,1) fold[0:(3,1)(4,0) 1:(4,1)(5,0)] S("stop") S("stop")`},
		},
		{
			Name:     "recursive stream grows until a condition",
			Services: map[string]Service{"a": ByFunction(map[string]Service{"inc": inc})},
			AIR: `(seq (ap 0 $s)
			           (fold $s x (seq (call "@a" ("" "inc") [x] y) (xor (match y 3 (null)) (seq (ap y $s) (next x))))))`,
			Calls: []string{`a .inc([0]) -> 1`, `a .inc([1]) -> 2`, `a .inc([2]) -> 3`},
		},
		{
			Name:     "recursive stream size limit",
			Services: one,
			AIR:      `(seq (ap 42 $stream) (fold $stream i (seq (ap i $stream) (next i))))`,
			Errs:     []string{"a 20013: stream size goes over the allowed limit of 1024"},
		},
		{
			Name:     "errors inside a stream fold are swallowed",
			Services: map[string]Service{"a": fallible("bad")},
			// Two results arrive in two runs: two generations. The failure
			// in the first does not stop the second.
			AIR: `(seq (seq (seq (call "@a" ("good" "v") [] $s) (call "@a" ("good" "v") [] $s))
			                (fold $s i (seq (call "@a" ("bad" "f") []) (next i)) (null)))
			           (call "@a" ("good" "after") []))`,
			Calls: []string{
				`a good.v([]) -> "success result from fallible_call_service"`,
				`a good.v([]) -> "success result from fallible_call_service"`,
				`a bad.f([]) -> "failed result from fallible_call_service"`,
				`a bad.f([]) -> "failed result from fallible_call_service"`,
			},
		},
		{
			Name:     "fold over a stream map",
			Services: one,
			AIR: `(seq (seq (ap ("k1" 1) %m) (ap ("k2" 2) %m))
			           (fold %m kv (seq (call "@a" ("" "") [kv.$.key kv.$.value]) (next kv)) (null)))`,
			Calls: []string{`a .(["k1",1]) -> "k1"`, `a .(["k2",2]) -> "k2"`},
		},
	}
}
