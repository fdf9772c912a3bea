package aqua

import (
	"fmt"
	"testing"
)

// TestMemoBounded fills a Memo past its size: it keeps at most
// memoEntries values, and those used last stay.
func TestMemoBounded(t *testing.T) {
	var m Memo
	for i := range memoEntries {
		m.Store(fmt.Sprint(i), i)
	}
	// Key 0 is used again, so it is no longer the oldest.
	if v, ok := m.Load("0"); !ok || v != 0 {
		t.Fatalf("Load(0) = %v, %v", v, ok)
	}
	m.Store("new", -1)
	if n := m.Len(); n > memoEntries {
		t.Fatalf("the Memo keeps %d values, more than %d", n, memoEntries)
	}
	for _, k := range []string{"0", "new", fmt.Sprint(memoEntries - 1)} {
		if _, ok := m.Load(k); !ok {
			t.Errorf("%s, used last, was forgotten", k)
		}
	}
	if _, ok := m.Load("1"); ok {
		t.Error("1, used least recently, was kept")
	}
	var none *Memo
	none.Store("k", 1)
	if _, ok := none.Load("k"); ok || none.Len() != 0 {
		t.Error("a nil Memo keeps values")
	}
}

// TestProgramMemo checks that the programs a Workspace checks share its
// Memo, and those of another Workspace do not.
func TestProgramMemo(t *testing.T) {
	ws := NewWorkspace(Config{})
	src := []byte("aqua M\n\nfunc f() -> string:\n  <- \"x\"\n")
	p1, _ := ws.CheckSource("m.aqua", src)
	p2, _ := ws.CheckSource("m.aqua", src)
	p3, _ := CheckSource(Config{}, "m.aqua", src)
	if p1.Memo() == nil || p1.Memo() != p2.Memo() {
		t.Error("two programs of one Workspace have different Memos")
	}
	if p3.Memo() == p1.Memo() {
		t.Error("programs of two Workspaces share a Memo")
	}
}
