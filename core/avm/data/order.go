package data

// The stores of a Stores, as indexes into a keyOrder's lists.
const (
	storeValues = iota
	storeTetraplets
	storeCanonElements
	storeCanonResults
	storeServiceResults
	storeCount
)

// keyOrder carries the keys of a Stores in CID order from one Encode to
// the next. An archive lists every store's entries in CID order, and a
// peer encodes the same stores, a few objects larger, run after run: with
// the order of the last Encode and the keys added since, the next sorts
// only the new keys and merges them in, instead of sorting all again.
//
// A Stores has one once TrackKeyOrder is called; the Add methods and
// Union note the keys they add to it. Maps are not otherwise written
// while a run grows its stores, but should a key come or go some other
// way, the count no longer matches and Encode sorts the whole store
// again.
type keyOrder struct {
	// sorted are each store's keys at the last Encode, in CID order.
	sorted [storeCount][]CID
	// added are the keys added since, in no order.
	added [storeCount][]CID
	// shared is the map of shared strings the last Encode used, for the
	// next to reuse.
	shared map[string]uint32
}

// TrackKeyOrder has Encode remember the order of the stores' keys, and
// the stores note the keys added since, so that encoding them again after
// they grew sorts only what is new. A host that encodes the same stores
// run after run (a peer's data, kept in an avm.Memo) calls it; the
// Stores, and what Encode learns, must then not be shared between
// goroutines.
func (s *Stores) TrackKeyOrder() {
	if s.order == nil {
		s.order = new(keyOrder)
	}
}

// noteAdded records that key was added to store.
func (s *Stores) noteAdded(store int, key CID) {
	if s.order != nil {
		s.order.added[store] = append(s.order.added[store], key)
	}
}

// orderedKeys returns the keys of m, which is store of s, in CID order,
// and remembers them for the next Encode when s tracks its key order.
func orderedKeys[V any](s *Stores, store int, m map[CID]V) []CID {
	o := s.order
	if o == nil {
		return sortedKeys(m)
	}
	keys := o.sorted[store]
	added := o.added[store]
	if len(keys)+len(added) == len(m) && len(added) <= len(keys) {
		sortCIDs(added)
		keys = mergeInto(keys, added)
	} else {
		keys = sortedKeys(m)
	}
	o.sorted[store], o.added[store] = keys, nil
	return keys
}

// mergeInto merges sorted b into sorted a, which is the caller's to
// overwrite: it grows a (by doubling, as append does) and merges from
// the back, so that a list that gains a few keys a run is not copied
// whole each run.
func mergeInto(a, b []CID) []CID {
	i, j := len(a)-1, len(b)-1
	a = append(a, b...)
	for k := len(a) - 1; j >= 0; k-- {
		if i >= 0 && a[i] > b[j] {
			a[k] = a[i]
			i--
		} else {
			a[k] = b[j]
			j--
		}
	}
	return a
}

// mergeSorted returns the sorted union of two sorted lists, in a new
// slice unless b is empty (then a itself): a and b may be held elsewhere.
func mergeSorted(a, b []CID) []CID {
	if len(b) == 0 {
		return a
	}
	out := make([]CID, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0] < b[0] {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}
