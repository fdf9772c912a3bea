package data

// Prune drops store objects no trace state reaches. The reference
// interpreter's stores only ever grow; objects of states a merge dropped
// (or of iterations a stream fold replaced) would otherwise ride along
// with the particle forever.
func (d *Data) Prune() {
	old := d.Stores
	// Sized for keeping everything, which is the common case.
	st := storesSized([5]int{len(old.Values), len(old.Tetraplets), len(old.CanonElements), len(old.CanonResults), len(old.ServiceResults)})
	keepTet := func(c CID) {
		if t, ok := old.Tetraplets[c]; ok {
			st.Tetraplets[c] = t
		}
	}
	keepVal := func(c CID) {
		if v, ok := old.Values[c]; ok {
			st.Values[c] = v
		}
	}
	for _, s := range d.Trace {
		switch s := s.(type) {
		case *Call:
			if s.Kind == CallSent || s.Kind == CallUnused {
				continue
			}
			if r, ok := old.ServiceResults[s.CID]; ok {
				st.ServiceResults[s.CID] = r
				keepVal(r.ValueCID)
				keepTet(r.TetrapletCID)
			}
		case *Canon:
			if s.Sent {
				continue
			}
			r, ok := old.CanonResults[s.CID]
			if !ok {
				continue
			}
			st.CanonResults[s.CID] = r
			keepTet(r.TetrapletCID)
			for _, ec := range r.Values {
				if el, ok := old.CanonElements[ec]; ok {
					st.CanonElements[ec] = el
					keepVal(el.ValueCID)
					keepTet(el.TetrapletCID)
				}
			}
		}
	}
	// What Encode learned of the keys' order still holds when nothing
	// was dropped, as is usual.
	if len(st.Values) == len(old.Values) && len(st.Tetraplets) == len(old.Tetraplets) && len(st.ServiceResults) == len(old.ServiceResults) &&
		len(st.CanonElements) == len(old.CanonElements) && len(st.CanonResults) == len(old.CanonResults) {
		st.order = old.order
	} else if old.order != nil {
		st.TrackKeyOrder()
	}
	d.Stores = st
}
