package air

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignoreSpans = cmpopts.IgnoreTypes(Span{})

func TestParseTree(t *testing.T) {
	x := func(name string) *Scalar { return &Scalar{Name: name} }
	tests := []struct {
		name string
		src  string
		want Instr
	}{
		{
			name: "call with every literal",
			src:  `(call "p" ("s" "f") ["str" 1 -2 +3 1.5 true false [] %init_peer_id% %timestamp% %ttl%] out)`,
			want: &Call{
				Peer: &String{Value: "p"}, Service: &String{Value: "s"}, Function: &String{Value: "f"},
				Args: []Value{
					&String{Value: "str"}, &Number{Int: 1, Raw: "1"}, &Number{Int: -2, Raw: "-2"}, &Number{Int: 3, Raw: "+3"},
					&Number{Float: 1.5, IsFloat: true, Raw: "1.5"}, &Bool{Value: true}, &Bool{Value: false},
					&EmptyArray{}, &InitPeerID{}, &Timestamp{}, &TTL{},
				},
				Output: x("out"),
			},
		},
		{
			name: "call to stream without output name clash",
			src:  `(seq (call %init_peer_id% ("s" "f") [] $s) (call %init_peer_id% ("s" "f") []))`,
			want: &Seq{
				Left:  &Call{Peer: &InitPeerID{}, Service: &String{Value: "s"}, Function: &String{Value: "f"}, Output: &Stream{Name: "$s"}},
				Right: &Call{Peer: &InitPeerID{}, Service: &String{Value: "s"}, Function: &String{Value: "f"}},
			},
		},
		{
			name: "lenses",
			src:  `(seq (call "p" ("s" "f") [] o) (call o.$.peer (o.$.[0] o.$.a.[1].[o]) [o.length o.$.x!] r))`,
			want: &Seq{
				Left: &Call{Peer: &String{Value: "p"}, Service: &String{Value: "s"}, Function: &String{Value: "f"}, Output: x("o")},
				Right: &Call{
					Peer:     &Scalar{Name: "o", Lens: Lens{Path: []Accessor{{Kind: FieldAccess, Name: "peer"}}}},
					Service:  &Scalar{Name: "o", Lens: Lens{Path: []Accessor{{Kind: IndexAccess, Index: 0}}}},
					Function: &Scalar{Name: "o", Lens: Lens{Path: []Accessor{{Kind: FieldAccess, Name: "a"}, {Kind: IndexAccess, Index: 1}, {Kind: VarAccess, Name: "o"}}}},
					Args: []Value{
						&Scalar{Name: "o", Lens: Lens{Length: true}},
						&Scalar{Name: "o", Lens: Lens{Path: []Accessor{{Kind: FieldAccess, Name: "x"}}}},
					},
					Output: x("r"),
				},
			},
		},
		{
			name: "ap forms",
			src:  `(seq (ap :error:.$.message m) (seq (ap ("k" m) %map) (ap (5 %last_error%) %map)))`,
			want: &Seq{
				Left: &Ap{Arg: &Error{Lens: Lens{Path: []Accessor{{Kind: FieldAccess, Name: "message"}}}}, Result: x("m")},
				Right: &Seq{
					Left:  &ApMap{Key: &String{Value: "k"}, Value: x("m"), Map: &StreamMap{Name: "%map"}},
					Right: &ApMap{Key: &Number{Int: 5, Raw: "5"}, Value: &LastError{}, Map: &StreamMap{Name: "%map"}},
				},
			},
		},
		{
			name: "canon forms",
			src:  `(seq (canon "p" $s  #c) (seq (canon "p" %m  #%c) (canon "p" %m obj)))`,
			want: &Seq{
				Left: &Canon{Peer: &String{Value: "p"}, Source: &Stream{Name: "$s"}, Dest: &CanonStream{Name: "#c"}},
				Right: &Seq{
					Left:  &Canon{Peer: &String{Value: "p"}, Source: &StreamMap{Name: "%m"}, Dest: &CanonMap{Name: "#%c"}},
					Right: &Canon{Peer: &String{Value: "p"}, Source: &StreamMap{Name: "%m"}, Dest: x("obj")},
				},
			},
		},
		{
			name: "canon stream with dollar",
			src:  `(seq (canon "p" $s #$s) (ap #$s.$.[0] v))`,
			want: &Seq{
				Left:  &Canon{Peer: &String{Value: "p"}, Source: &Stream{Name: "$s"}, Dest: &CanonStream{Name: "#$s"}},
				Right: &Ap{Arg: &CanonStream{Name: "#$s", Lens: Lens{Path: []Accessor{{Kind: IndexAccess}}}}, Result: x("v")},
			},
		},
		{
			name: "fold with last and next",
			src:  `(fold [] i (next i) (never))`,
			want: &Fold{Iterable: &EmptyArray{}, Iterator: x("i"), Body: &Next{Iterator: x("i")}, Last: &Never{}},
		},
		{
			name: "new, match, mismatch",
			src:  `(new $s (match 1 1.0 (mismatch "a" %init_peer_id% (null))))`,
			want: &New{Var: &Stream{Name: "$s"}, Body: &Match{
				Left: &Number{Int: 1, Raw: "1"}, Right: &Number{Float: 1, IsFloat: true, Raw: "1.0"},
				Body: &Match{Mismatch: true, Left: &String{Value: "a"}, Right: &InitPeerID{}, Body: &Null{}},
			}},
		},
		{
			name: "fail forms",
			src:  `(seq (fail 7 "seven") (seq (fail %last_error%) (seq (fail :error:) (seq (ap 1 e) (fail e.$.x)))))`,
			want: &Seq{
				Left: &Fail{Code: 7, Message: "seven"},
				Right: &Seq{
					Left: &Fail{Value: &LastError{}},
					Right: &Seq{
						Left: &Fail{Value: &Error{}},
						Right: &Seq{
							Left:  &Ap{Arg: &Number{Int: 1, Raw: "1"}, Result: x("e")},
							Right: &Fail{Value: &Scalar{Name: "e", Lens: Lens{Path: []Accessor{{Kind: FieldAccess, Name: "x"}}}}},
						},
					},
				},
			},
		},
		{
			name: "comments and odd white space",
			src:  "; a comment\n(xor\t(never) ; trailing\r\n\u00a0(null))\n; end",
			want: &Xor{Left: &Never{}, Right: &Null{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if d := cmp.Diff(tt.want, got, ignoreSpans); d != "" {
				t.Errorf("tree (-want +got):\n%s", d)
			}
		})
	}
}

func TestSpans(t *testing.T) {
	src := "(seq\n (call x.$.a (\"s\" \"f\") [] r)\n (null)\n)"
	// x is undefined; parse a variant where it is defined to look at spans.
	src = strings.Replace(src, "x.$.a", `"p"`, 1)
	in, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	seq := in.(*Seq)
	call := seq.Left.(*Call)
	check := func(what string, n Node, want string) {
		t.Helper()
		if got := src[n.Pos():n.EndPos()]; got != want {
			t.Errorf("%s covers %q, want %q", what, got, want)
		}
	}
	check("seq", seq, src)
	check("call", call, `(call "p" ("s" "f") [] r)`)
	check("peer", call.Peer, `"p"`)
	check("function", call.Function, `"f"`)
	check("output", call.Output, "r")
	check("null", seq.Right, "(null)")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the first diagnostic's "line:col: message"
	}{
		{"empty", "", `1:1: expected an instruction, found end of script`},
		{"missing branch", "(seq (null))", `1:12: expected an instruction, found ")"`},
		{"unknown instruction", "(sequence (null) (null))", `1:2: unknown instruction "sequence", expected one of ` + instrNames},
		{"trailing input", "(null) (null)", `1:8: expected end of script, found "("`},
		{"unclosed", "(seq\n (null)\n (null)", `3:8: expected ")" to close (seq, found end of script`},
		{"unterminated string", `(call "p ("s" "f") [])`, `1:12: expected "(" before the service and function, found "s\""`},
		{"string runs to end", `(call "p" ("s" "f) [])`, `1:16: string literal is not terminated: no closing "`},
		{"stream as argument", `(call "p" ("s" "f") [$s])`, `1:22: expected an argument or "]", found stream $s`},
		{"keyword as value", `(ap seq x)`, `1:5: expected a value, found the instruction name "seq" (missing "("?)`},
		{"float too long", `(ap 1.0000000000 x)`, `1:5: float 1.0000000000 is longer than 11 characters`},
		{"int overflow", `(ap 9223372036854775808 x)`, `1:5: integer 9223372036854775808 does not fit in 64 bits`},
		{"leading dot", `(ap .5 x)`, `1:5: a number cannot start with a dot: write 0.5`},
		{"letters in float", `(ap 1.5x x)`, `1:8: unexpected 'x' in number 1.5x`},
		{"empty lens", `(seq (ap 1 x) (ap x.$ y))`, `1:20: empty lens: .$ must be followed by .field, .[index] or .[variable]`},
		{"bad lens start", `(seq (ap 1 x) (ap x.a y))`, `1:20: expected a lens (.$.field, .$.[0] or .length), found ".a"`},
		{"lens on stream", `(ap $s.$.a x)`, `1:7: a lens cannot be applied to stream $s: canonicalize it first`},
		{"bad name char", `(ap 1 a@b)`, `1:8: unexpected '@' in name a@b: names are letters, digits, _ and -`},
		{"empty stream name", `(ap 1 $)`, `1:7: expected a name after "$"`},
		{"fail float code", `(fail 1.5 "m")`, `1:7: expected an integer error code, found "1.5"`},
		{"fail without message", `(fail 1 x)`, `1:9: expected the error message string, found "x"`},
		{"fail lens on last error", `(fail %last_error%.$.message)`, `1:7: expected an error code and message, a scalar, :error: or %last_error%, found %last_error%.$.message`},
		{"canon to scalar from stream", `(canon "p" $s x)`, `1:15: expected a canon stream such as #stream, found scalar x`},
		{"map key float", `(ap (1.5 "v") %m)`, `1:6: expected a map key (a string, an integer or a scalar), found number 1.5`},
		{"array literal", `(ap [1] x)`, `1:6: expected "]": the only array literal is [], found "1"`},
		{"undefined variable", `(call "p" ("s" "f") [x] y)`, `1:22: variable x is not defined before this use`},
		{"self definition", `(call "p" ("s" "f") [y] y)`, `1:22: variable y is not defined before this use`},
		{"undefined lens variable", "(seq\n (ap 1 x)\n (ap x.$.[k] y)\n)", `3:6: variable k is not defined before this use`},
		{"undefined stream fold", `(fold $s i (seq (null) (next i)))`, `1:7: variable $s is not defined before this use`},
		{"next outside fold", `(next i)`, `1:1: next i is not inside a fold over i`},
		{"two nexts", `(fold [] i (seq (next i) (next i)))`, `1:26: second next for iterator i: a fold may have only one`},
		{"nested iterator", `(fold [] i (fold [] i (next i)))`, `1:21: iterator i is already the iterator of an enclosing fold`},
		{"new on iterator", `(fold [] i (new i (next i)))`, `1:12: new cannot be applied to i: it is a fold iterator`},
		{"fail code zero", `(fail 0 "m")`, `1:1: fail with error code 0 is not allowed: 0 means no error`},
		{"after next in stream fold", "(seq\n (ap 1 $s)\n (fold $s i\n  (seq\n   (next i)\n   (null)\n  )\n )\n)", `4:3: instructions after (next i): in a fold over a stream, next must be the last thing the body runs`},
		{"after next through xor", "(seq (ap 1 $s) (fold $s i (par (xor (next i) (null)) (null)) (null)))", `1:27: instructions after (next i): in a fold over a stream, next must be the last thing the body runs`},
		{"deep nesting", strings.Repeat("(new x ", MaxDepth+1), `1:700001: instructions nest deeper than 100000 levels`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src)
			var ds Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("Parse = %v, want diagnostics", err)
			}
			d := ds[0]
			if got := strings.SplitN(d.Error(), "\n", 2)[0]; got != tt.want {
				t.Errorf("first diagnostic:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestValidScripts lists scripts near the edge of what the checks allow.
func TestValidScripts(t *testing.T) {
	for _, src := range []string{
		// A definition in an earlier par branch counts: the check is positional.
		`(par (call "p" ("s" "f") [] x) (call "q" ("s" "f") [x]))`,
		// A fold over a value may run code after next (right fold).
		`(fold [] i (seq (next i) (null)))`,
		// next in the right branch of par inside a stream fold.
		`(seq (ap 1 $s) (fold $s i (par (null) (next i))))`,
		// Two folds may use the same iterator one after the other.
		`(seq (fold [] i (next i)) (fold [] i (next i)))`,
		// Names may start with digits or dashes, and be non-ASCII.
		`(seq (ap 1 1st) (seq (ap 1st -x-) (ap -x- ключ)))`,
		// Canon does not need its stream to exist.
		`(canon %init_peer_id% $nothing #c)`,
		// The value of a map insertion and the operand of fail are not checked.
		`(seq (ap ("k" undefined) %m) (fail also_undefined))`,
		// Negative zero, signs, integer keys.
		`(seq (ap -0 x) (seq (ap +7 y) (ap (-3 x) %m)))`,
	} {
		if _, err := Parse(src); err != nil {
			t.Errorf("Parse(%s): %v", src, err)
		}
	}
}

func TestAllDiagnosticsReported(t *testing.T) {
	src := "(seq\n (call a (\"s\" \"f\") [] x)\n (seq\n  (call \"p\" (b \"f\") [x] y)\n  (fail 0 \"zero\")\n )\n)"
	_, err := Parse(src)
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Parse = %v, want diagnostics", err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, strings.SplitN(d.Error(), "\n", 2)[0])
	}
	want := []string{
		"2:8: variable a is not defined before this use",
		"4:14: variable b is not defined before this use",
		"5:3: fail with error code 0 is not allowed: 0 means no error",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diagnostics (-want +got):\n%s", d)
	}
}

func TestDiagnosticFrame(t *testing.T) {
	_, err := Parse("(seq\n\t(null)\n\t(nul))")
	want := "3:3: unknown instruction \"nul\", expected one of " + instrNames + "\n    \t(nul))\n    \t ^"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	var ds Diagnostics
	if !errors.As(err, &ds) {
		t.Fatal("not Diagnostics")
	}
	if got := ds.Format("x.air"); !strings.HasPrefix(got, "x.air:3:3: unknown instruction") {
		t.Errorf("Format = %q", got)
	}
}
