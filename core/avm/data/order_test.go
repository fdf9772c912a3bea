package data

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
)

// TestTrackedOrderEncodesAlike grows stores that track their key order
// between encodings, by the Add methods, Union and a Prune that drops
// objects, and checks that each encoding is the one stores without the
// order give.
func TestTrackedOrderEncodesAlike(t *testing.T) {
	d := sample(t)
	d.Stores.TrackKeyOrder()
	fresh := func() []byte {
		c := *d
		// A copy of the stores without their order.
		c.Stores = Stores{Values: maps.Clone(d.Stores.Values), Tetraplets: maps.Clone(d.Stores.Tetraplets),
			ServiceResults: maps.Clone(d.Stores.ServiceResults), CanonElements: maps.Clone(d.Stores.CanonElements),
			CanonResults: maps.Clone(d.Stores.CanonResults)}
		b, err := Encode(&c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for round := range 6 {
		got, err := Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		if want := fresh(); !bytes.Equal(got, want) {
			t.Fatalf("round %d: tracked order encodes %d bytes unlike the %d of a fresh sort", round, len(got), len(want))
		}
		tet := d.Stores.AddTetraplet(Tetraplet{PeerPK: "p", ServiceID: "s", FunctionName: fmt.Sprint("f", round)})
		for i := range 3 * round {
			v := d.Stores.AddValue(fmt.Sprintf("value %d.%d", round, i))
			sr := d.Stores.AddServiceResult(ServiceResult{ValueCID: v, TetrapletCID: tet})
			d.Trace = append(d.Trace, &Call{Kind: CallScalar, CID: sr})
		}
		other := NewStores()
		other.AddValue(fmt.Sprint("from another peer ", round))
		d.Stores.Union(&other)
		if round == 3 {
			// Objects no state reaches go: the order must follow.
			d.Prune()
		}
	}
	if d.Stores.order == nil {
		t.Fatal("the stores stopped tracking their key order")
	}
}

// Stores that track their key order keep Encode's map of shared strings
// for the next Encode, which empties and fills it again rather than make
// another.
func TestTrackedStoresReuseTheSharedMap(t *testing.T) {
	d := sample(t)
	d.Stores.TrackKeyOrder()
	encoded := func() map[string]uint32 {
		if _, err := Encode(d); err != nil {
			t.Fatal(err)
		}
		return d.Stores.order.shared
	}
	first := encoded()
	d.Stores.AddValue("one more")
	second := encoded()
	if len(first) == 0 || reflect.ValueOf(first).Pointer() != reflect.ValueOf(second).Pointer() {
		t.Fatalf("the second Encode did not reuse the first's map of %d shared strings", len(first))
	}
	if _, ok := second[string(ComputeCID([]byte(`"one more"`)))]; !ok {
		t.Error("the reused map misses a string the second Encode wrote")
	}
}

// mergeInto merges as mergeSorted does, keys equal across the lists
// included.
func TestMergeInto(t *testing.T) {
	lists := [][]CID{nil, {"a"}, {"b"}, {"a", "c", "e"}, {"b", "d", "f", "g"}, {"a", "a", "z"}}
	for _, a := range lists {
		for _, b := range lists {
			want := mergeSorted(slices.Clone(a), b)
			if got := mergeInto(slices.Clone(a), b); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("mergeInto(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
