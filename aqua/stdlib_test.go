package aqua

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/aqua/stdlib"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// TestStdlibChecks checks every embedded library file and a few facts
// programs rely on.
func TestStdlibChecks(t *testing.T) {
	for _, path := range stdlib.Files() {
		_, src, _ := stdlib.Lookup(path)
		prog, diags := CheckSource(Config{}, path, src)
		if len(diags) > 0 {
			t.Errorf("%s: %v", path, diags.Error())
			continue
		}
		if path != stdlib.Prefix+"builtin.aqua" {
			continue
		}
		decl := prog.Roots[0].Module.Declared()
		op, ok := decl["Op"].Type.(*types.Service)
		if !ok || op.DefaultID != "op" {
			t.Fatalf("Op is %v, want service with id op", decl["Op"])
		}
		if _, ok := decl["PeerId"]; !ok {
			t.Error("PeerId is not declared")
		}
	}
}
