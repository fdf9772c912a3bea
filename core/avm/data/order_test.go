package data

import (
	"bytes"
	"fmt"
	"maps"
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
