package codegen_test

import (
	"regexp"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/codegen"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// serviceIDHeader declares what the programs of TestServiceIDs share: a
// service whose default id names no service, so that a call that lost
// the id the source gave it shows.
const serviceIDHeader = `aqua T

export main

ability MyAb:
    identity(s: string) -> string

service MySrv("no-such-service"):
    identity(s: string) -> string

func useAb{MyAb}(s: string) -> string:
    <- MyAb.identity(s)

`

// TestServiceIDs checks that every call of a service goes to the id the
// source gives it at that point, however the service travels: taken as
// a value, returned as an ability, captured by a closure, held in an
// ability, its arrows passed on. The ids are the reference compiler's
// (the conformance program service_value holds the same cases, byte for
// byte); a wrong id would make a program call another service than the
// one its source names.
func TestServiceIDs(t *testing.T) {
	tests := []struct {
		name string
		body string
		ids  []string // the service ids of the identity calls, in order
	}{
		{"returned as an ability", `
func resolved() -> MyAb:
    MySrv "op"
    <- MySrv

func main() -> string:
    Resolved <- resolved()
    <- useAb{Resolved}("x")
`, []string{`"op"`}},
		{"renamed keeps the id it had", `
func main() -> string:
    MySrv "op"
    R = MySrv
    MySrv "other"
    <- R.identity("x")
`, []string{`"op"`}},
		{"renamed before any id takes the default", `
func main() -> string:
    R = MySrv
    MySrv "other"
    <- R.identity("x")
`, []string{`"no-such-service"`}},
		{"closure keeps the id of its definition", `
func main() -> string:
    MySrv "op"
    f = (s: string) -> string:
        <- MySrv.identity(s)
    MySrv "other"
    <- f("x")
`, []string{`"op"`}},
		{"callee does not see the caller's id", `
func direct() -> string:
    <- MySrv.identity("x")

func main() -> string:
    MySrv "op"
    <- direct()
`, []string{`"no-such-service"`}},
		{"id set in a branch ends with it", `
func scoped(b: bool) -> MyAb:
    if b:
        MySrv "op"
    <- MySrv

func main() -> string:
    A <- scoped(true)
    <- useAb{A}("x")
`, []string{`"no-such-service"`}},
		{"id from an argument", `
func resolvedBy(id: string) -> MyAb:
    MySrv id
    <- MySrv

func main(id: string) -> string:
    A <- resolvedBy(id)
    <- useAb{A}("x")
`, []string{`-id-arg-`}},
		{"returned through two functions", `
func inner() -> MyAb:
    MySrv "op"
    <- MySrv

func outer() -> MyAb:
    MySrv "other"
    a <- inner()
    <- a

func main() -> string:
    A <- outer()
    <- useAb{A}("x")
`, []string{`"op"`}},
		{"held in an ability", `
ability Holder:
    ab: MyAb

func main() -> string:
    MySrv "op"
    h = Holder(ab = MySrv)
    MySrv "other"
    <- useAb{h.ab}("x")
`, []string{`"op"`}},
		{"arrows as values", `
func accept(f: string -> string, s: string) -> string:
    <- f(s)

func main() -> string, string, string:
    before = MySrv.identity
    MySrv "op"
    after = MySrv.identity
    MySrv "other"
    a <- before("a")
    b <- after("b")
    c <- accept(MySrv.identity, "c")
    <- a, b, c
`, []string{`"no-such-service"`, `"op"`, `"other"`}},
	}
	call := regexp.MustCompile(`\(call %init_peer_id% \(("[^"]*"|[^ ]+) "identity"\)`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"t.aqua": {Data: []byte(serviceIDHeader + tt.body)}}
			prog, diags := aqua.Check(aqua.Config{FS: fsys}, "t.aqua")
			if diags.HasErrors() {
				t.Fatal(diags.Err())
			}
			fns, err := codegen.Generate(prog, codegen.Options{})
			if err != nil {
				t.Fatal(err)
			}
			script := air.Print(fns[0].Script)
			var ids []string
			for _, m := range call.FindAllStringSubmatch(script, -1) {
				ids = append(ids, m[1])
			}
			if !slices.Equal(ids, tt.ids) {
				t.Errorf("identity called on %v, want %v:\n%s", ids, tt.ids, script)
			}
		})
	}
}

// TestCallbackWithSeveralResults: an arrow argument of an exported
// function is a call of the client's callbackSrv, which yields one value;
// taking two names from it is refused with a message, not a panic.
func TestCallbackWithSeveralResults(t *testing.T) {
	fsys := fstest.MapFS{"t.aqua": {Data: []byte(`aqua T

export f

func f(cb: string -> string, bool) -> bool:
    a, b <- cb("x")
    <- b
`)}}
	prog, diags := aqua.Check(aqua.Config{FS: fsys}, "t.aqua")
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	_, err := codegen.Generate(prog, codegen.Options{})
	if err == nil || !regexp.MustCompile(`cb yields one value, but 2 names take it`).MatchString(err.Error()) {
		t.Errorf("error = %v, want one about the two names", err)
	}
}
