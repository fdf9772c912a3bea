package jsgen

import (
	"slices"
	"testing"
)

// The orders below are the reference compiler's, read off the modules
// it wrote for programs exporting these names.
func TestScalaOrder(t *testing.T) {
	for _, c := range []struct {
		in, want []string
	}{
		{[]string{"b", "a"}, []string{"b", "a"}},
		{[]string{"a1", "a2", "a3", "a4"}, []string{"a1", "a2", "a3", "a4"}},
		{[]string{"a1", "a2", "a3", "a4", "a5"}, []string{"a5", "a4", "a3", "a1", "a2"}},
		{[]string{"alpha", "beta", "gamma", "delta", "Srv"}, []string{"gamma", "alpha", "Srv", "delta", "beta"}},
		{[]string{"address", "age", "channels", "manager", "name"}, []string{"channels", "name", "age", "manager", "address"}},
		{[]string{"Println", "print", "some_string", "deep", "main"}, []string{"some_string", "print", "main", "Println", "deep"}},
	} {
		if got := scalaOrder(c.in); !slices.Equal(got, c.want) {
			t.Errorf("scalaOrder(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJavaHash(t *testing.T) {
	// Values of Java's "...".hashCode().
	for s, want := range map[string]int32{"": 0, "a": 97, "hello": 99162322, "some_string": 1473490364, "Ωmega": 868686747} {
		if got := int32(javaHash(s)); got != want {
			t.Errorf("javaHash(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestAddExport(t *testing.T) {
	keys := func(m *orderedMap[rename]) []string { return m.order() }
	m := newOrderedMap[rename]()
	for _, k := range []string{"alpha", "beta", "gamma"} {
		m = addExport(m, k, rename{})
	}
	if got, want := keys(m), []string{"beta", "alpha", "gamma"}; !slices.Equal(got, want) {
		t.Errorf("own exports: %q, want %q", got, want)
	}
	m = addExport(m, "alpha", rename{"x", true})
	m = addExport(m, "alpha", rename{"y", true})
	if r, _ := m.get("alpha"); r != (rename{"xy", true}) {
		t.Errorf("renamed twice: %+v, want xy", r)
	}
	if got, want := keys(m), []string{"beta", "alpha", "gamma"}; !slices.Equal(got, want) {
		t.Errorf("after renaming: %q, want %q", got, want)
	}
}
