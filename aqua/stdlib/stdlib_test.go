package stdlib

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		path, name string
		ok         bool
	}{
		{"@fluencelabs/aqua-lib/builtin.aqua", "@fluencelabs/aqua-lib/builtin.aqua", true},
		{"@fluencelabs/aqua-lib/math", "@fluencelabs/aqua-lib/math.aqua", true},
		{"@fluencelabs/aqua-lib/./workers.aqua", "@fluencelabs/aqua-lib/workers.aqua", true},
		{"@fluencelabs/aqua-lib/nope.aqua", "", false},
		{"builtin.aqua", "", false},
		{"@fluencelabs/aqua-lib/", "", false},
	}
	for _, tt := range tests {
		name, src, ok := Lookup(tt.path)
		if ok != tt.ok || name != tt.name || ok && !strings.HasPrefix(string(src), "--") {
			t.Errorf("Lookup(%q) = %q, %d bytes, %v; want %q, %v", tt.path, name, len(src), ok, tt.name, tt.ok)
		}
		if name, ok := Name(tt.path); ok != tt.ok || name != tt.name {
			t.Errorf("Name(%q) = %q, %v; want %q, %v", tt.path, name, ok, tt.name, tt.ok)
		}
	}
	if got := len(Files()); got != 4 {
		t.Errorf("Files() has %d entries, want 4", got)
	}
}
