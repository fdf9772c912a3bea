package avm_test

import "testing"

func TestSmoke(t *testing.T) {
	n := newNetwork(t, "a", map[string]service{"a": echo, "b": returns(42)})
	n.run(`(seq (call "@b" ("s" "f") [] x) (call "@a" ("s" "g") [x]))`, nil)
	t.Log(n.calls, n.deliveries)
	t.Log(n.trace("a"))
}
