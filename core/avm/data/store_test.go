package data

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// UnionOf holds every object of its parts, whether it copies them into
// new maps or grows the largest part's maps in place.
func TestUnionOfHoldsEveryObject(t *testing.T) {
	stores := func(prefix string, n int) *Stores {
		s := NewStores()
		for i := range n {
			v := s.AddValue(fmt.Sprintf("%s %d", prefix, i))
			tet := s.AddTetraplet(Tetraplet{PeerPK: prefix, FunctionName: fmt.Sprint(i)})
			s.AddServiceResult(ServiceResult{ValueCID: v, TetrapletCID: tet})
		}
		return &s
	}
	for _, c := range []struct{ a, b, extra int }{{100, 3, 0}, {3, 100, 0}, {100, 3, 1000}, {10, 10, 0}, {0, 0, 5}} {
		a, b := stores("a", c.a), stores("b", c.b)
		var want []CID
		for _, s := range []*Stores{a, b} {
			want = append(want, slices.Collect(maps.Keys(s.Values))...)
			want = append(want, slices.Collect(maps.Keys(s.Tetraplets))...)
			want = append(want, slices.Collect(maps.Keys(s.ServiceResults))...)
		}
		u := UnionOf(c.extra, a, b)
		var got []CID
		got = append(got, slices.Collect(maps.Keys(u.Values))...)
		got = append(got, slices.Collect(maps.Keys(u.Tetraplets))...)
		got = append(got, slices.Collect(maps.Keys(u.ServiceResults))...)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%d and %d objects, %d extra: the union holds %d objects, want %d", c.a, c.b, c.extra, len(got), len(want))
		}
	}
}
