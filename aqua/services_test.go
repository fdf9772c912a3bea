package aqua

import (
	"testing"
	"testing/fstest"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// TestServiceDefaultID checks that an empty default id is an id, and
// that an id given by a constant is the constant's value.
func TestServiceDefaultID(t *testing.T) {
	fsys := fstest.MapFS{"s.aqua": {Data: []byte(`aqua S

const ID = "op"
const OVER ?= "default"
const ALIAS = ID

service Empty(""):
    f() -> string

service None:
    f() -> string

service ByConst(ID):
    f() -> string

service ByOverride(OVER):
    f() -> string

service ByAlias(ALIAS):
    f() -> string
`)}}
	prog, diags := Check(Config{FS: fsys, Constants: map[string]string{"OVER": `"given"`}}, "s.aqua")
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		id    string
		hasID bool
	}{
		{"Empty", "", true},
		{"None", "", false},
		{"ByConst", "op", true},
		{"ByOverride", "given", true},
		{"ByAlias", "op", true},
	}
	scope := prog.Roots[0].Module.Scope
	for _, tt := range tests {
		o := scope.LookupLocal(tt.name)
		srv, ok := o.Type.(*types.Service)
		if !ok {
			t.Fatalf("%s is %v, not a service", tt.name, o.Type)
		}
		if srv.DefaultID != tt.id || srv.HasDefaultID != tt.hasID {
			t.Errorf("%s: id %q (has %v), want %q (has %v)", tt.name, srv.DefaultID, srv.HasDefaultID, tt.id, tt.hasID)
		}
	}
}
