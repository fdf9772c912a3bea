package codegen

import (
	"reflect"
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// TestFingerprintWritesEveryField guards the Memo against a field added
// to what compile reads and left out of its fingerprint or key, which
// would let the AIR of a function outlive an edit to that field: each
// type the encoder writes must have the fields it writes, no more, and
// the options those memoKey writes.
func TestFingerprintWritesEveryField(t *testing.T) {
	written := []struct {
		v      any
		fields int
	}{
		{rawNode{}, 2},
		{rawLiteral{}, 2}, {rawVar{}, 3}, {rawApply{}, 2}, {rawProp{}, 7}, {rawCollection{}, 4},
		{rawStruct{}, 2}, {rawAbility{}, 2}, {rawField{}, 2}, {rawBinary{}, 4}, {rawUnary{}, 3},
		{rawCall{}, 6}, {rawStreamLiteral{}, 3}, {rawConst{}, 1}, {rawServiceCall{}, 4},
		{seqStmt{}, 0}, {parStmt{}, 0}, {detachStmt{}, 0}, {tryStmt{}, 0}, {emptyStmt{}, 0},
		{ifStmt{}, 1}, {onStmt{}, 3}, {forStmt{}, 5}, {nextStmt{}, 1}, {callStmt{}, 2},
		{declStmt{}, 2}, {assignStmt{}, 2}, {pushStmt{}, 2}, {pushMapStmt{}, 3}, {flattenStmt{}, 2},
		{canonStmt{}, 2}, {joinStmt{}, 1}, {serviceIDStmt{}, 3}, {closureStmt{}, 3}, {export{}, 4},
		// defs and defsDone are worked out from body.
		{funcArrow{}, 10 + 2},
		{literal{}, 2}, {variable{}, 4}, {property{}, 3},
		{types.Basic{}, 2}, {types.Array{}, 1}, {types.Option{}, 1}, {types.Stream{}, 1},
		{types.StreamMap{}, 1}, {types.Struct{}, 2}, {types.Ability{}, 2}, {types.Service{}, 4},
		{types.Arrow{}, 3}, {types.Field{}, 2},
		// The options are in the Memo's key (memoKey).
		{Options{}, 3},
	}
	for _, w := range written {
		typ := reflect.TypeOf(w.v)
		if n := typ.NumField(); n != w.fields {
			t.Errorf("%s has %d fields, and the Memo tells apart %d: write the new ones in the fingerprint (fingerprint.go) or the key (memo.go)", typ, n, w.fields)
		}
	}
}

// TestFingerprintTellsApart checks that the fingerprint of a function
// changes with each thing compile reads of it, types included, and not
// with the pointers it holds.
func TestFingerprintTellsApart(t *testing.T) {
	reading := func(field types.Type) *types.Struct {
		return &types.Struct{Name: "Reading", Fields: []types.Field{{Name: "value", Type: field}}}
	}
	fn := func(name, lit string, typ types.Type, captured ...string) *funcArrow {
		arrow := &types.Arrow{Params: []types.Field{{Name: "r", Type: typ}}}
		body := rawLeaf(callStmt{
			exports: []export{{name: "x", typ: types.Typ(types.String)}},
			call:    rawServiceCall{srv: rawLiteral{text: lit, typ: types.Typ(types.String)}, fn: "get", arrow: arrow, args: []rawValue{rawVar{name: "r", typ: typ}}},
		})
		return &funcArrow{name: name, body: body, arrow: arrow, params: []string{"r"}, captured: captured}
	}
	sum := func(f *funcArrow) fingerprint {
		var e encoder
		e.funcArrow(f)
		if e.failed {
			t.Fatalf("no fingerprint for %s", f.name)
		}
		return e.sum()
	}
	base := sum(fn("f", `"srv"`, reading(types.Typ(types.String))))
	if again := sum(fn("f", `"srv"`, reading(types.Typ(types.String)))); again != base {
		t.Error("the same function, made again, has another fingerprint")
	}
	for what, f := range map[string]*funcArrow{
		"name":       fn("g", `"srv"`, reading(types.Typ(types.String))),
		"literal":    fn("f", `"other"`, reading(types.Typ(types.String))),
		"field type": fn("f", `"srv"`, reading(types.Typ(types.U32))),
		"stream":     fn("f", `"srv"`, &types.Stream{Elem: types.Typ(types.String)}),
		"captured":   fn("f", `"srv"`, reading(types.Typ(types.String)), "h"),
	} {
		if sum(f) == base {
			t.Errorf("a function with another %s has the same fingerprint", what)
		}
	}
}
