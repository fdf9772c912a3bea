package data

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/aquarium-p2p/aquarium/core/peer"
)

// ErrStore reports a trace or store entry that refers to an object the
// stores do not hold.
var ErrStore = errors.New("store verification failed")

// ErrSignature reports results that their producer did not sign, a
// signature that does not verify, or signed sets that contradict each
// other.
var ErrSignature = errors.New("signature check failed")

// CheckStores verifies that every CID the trace and the stores mention
// resolves to a stored object of the right kind.
func (d *Data) CheckStores() error {
	st := &d.Stores
	for c, r := range st.ServiceResults {
		if _, ok := st.Values[r.ValueCID]; !ok {
			return fmt.Errorf("%w: service result %s: value %s not stored", ErrStore, c, r.ValueCID)
		}
		if _, ok := st.Tetraplets[r.TetrapletCID]; !ok {
			return fmt.Errorf("%w: service result %s: tetraplet %s not stored", ErrStore, c, r.TetrapletCID)
		}
	}
	for c, el := range st.CanonElements {
		if _, ok := st.Values[el.ValueCID]; !ok {
			return fmt.Errorf("%w: canon element %s: value %s not stored", ErrStore, c, el.ValueCID)
		}
		if _, ok := st.Tetraplets[el.TetrapletCID]; !ok {
			return fmt.Errorf("%w: canon element %s: tetraplet %s not stored", ErrStore, c, el.TetrapletCID)
		}
	}
	for c, r := range st.CanonResults {
		if _, ok := st.Tetraplets[r.TetrapletCID]; !ok {
			return fmt.Errorf("%w: canon result %s: tetraplet %s not stored", ErrStore, c, r.TetrapletCID)
		}
		for _, v := range r.Values {
			if _, ok := st.CanonElements[v]; !ok {
				return fmt.Errorf("%w: canon result %s: element %s not stored", ErrStore, c, v)
			}
		}
	}
	for i, s := range d.Trace {
		switch s := s.(type) {
		case *Call:
			switch s.Kind {
			case CallScalar, CallStream, CallFailed:
				if _, ok := st.ServiceResults[s.CID]; !ok {
					return fmt.Errorf("%w: state %d: service result %s not stored", ErrStore, i, s.CID)
				}
			}
		case *Canon:
			if !s.Sent {
				if _, ok := st.CanonResults[s.CID]; !ok {
					return fmt.Errorf("%w: state %d: canon result %s not stored", ErrStore, i, s.CID)
				}
			}
		}
	}
	return nil
}

// PeerCIDs groups the result CIDs of a trace by the peer that produced
// them, each list sorted. The stores must have passed CheckStores.
func (d *Data) PeerCIDs() map[string][]CID {
	out := map[string][]CID{}
	for _, s := range d.Trace {
		if c, peer, ok := d.result(s); ok {
			out[peer] = append(out[peer], c)
		}
	}
	for _, cids := range out {
		sortCIDs(cids)
	}
	return out
}

// cidsOf is PeerCIDs()[peer], without grouping every other peer's.
func (d *Data) cidsOf(peer string) []CID {
	var cids []CID
	for _, s := range d.Trace {
		if c, p, ok := d.result(s); ok && p == peer {
			cids = append(cids, c)
		}
	}
	sortCIDs(cids)
	return cids
}

// result returns the CID of the result a state holds and the peer that
// produced it, if the state holds a result.
func (d *Data) result(s State) (CID, string, bool) {
	c, ok := ResultCID(s)
	if !ok {
		return "", "", false
	}
	var tc CID
	if _, canon := s.(*Canon); canon {
		tc = d.Stores.CanonResults[c].TetrapletCID
	} else {
		tc = d.Stores.ServiceResults[c].TetrapletCID
	}
	return c, d.Stores.Tetraplets[tc].PeerPK, true
}

// SignedMessage is what a peer signs, as the reference interpreter signs
// it: the Borsh encoding of its sorted result CIDs (a u32 count, then each
// a u32 length and its bytes, little-endian) followed by the particle id
// (a u32 length and its bytes), which salts the signature so that it
// cannot be replayed in another particle.
func SignedMessage(particleID string, cids []CID) []byte {
	size := 8 + len(particleID)
	for _, c := range cids {
		size += 4 + len(c)
	}
	b := make([]byte, 0, size)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(cids)))
	for _, c := range cids {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c)))
		b = append(b, c...)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(particleID)))
	return append(b, particleID...)
}

// Sign replaces the signature of the key's peer with one over that peer's
// results in the trace.
func (d *Data) Sign(key ed25519.PrivateKey, peerID, particleID string) {
	d.SignAfter(key, peerID, particleID, nil)
}

// SignAfter is Sign for a peer whose data for this particle was prev
// (nil for none). A peer signs after every run, even before it has any
// result (over none), as the reference does. When prev holds this key's
// signature over the same results, that signature is kept instead of
// signing again: Ed25519 signatures are deterministic, so it is the very
// signature Sign would make, and the costly part of a run is skipped.
func (d *Data) SignAfter(key ed25519.PrivateKey, peerID, particleID string, prev *Data) {
	var prevCIDs []CID
	if prev != nil {
		if _, ok := prev.Signatures[peerID]; ok {
			prevCIDs = prev.cidsOf(peerID)
		}
	}
	d.SignResults(key, peerID, particleID, d.cidsOf(peerID), prev, prevCIDs)
}

// SignResults is SignAfter for a host that already knows the results:
// cids are peerID's results in d and prevCIDs its results in prev, each
// sorted (as ResultsOf returns them).
func (d *Data) SignResults(key ed25519.PrivateKey, peerID, particleID string, cids []CID, prev *Data, prevCIDs []CID) {
	pub := key.Public().(ed25519.PublicKey)
	if prev != nil {
		if old, ok := prev.Signatures[peerID]; ok && old.PublicKey.Equal(pub) && slices.Equal(prevCIDs, cids) {
			d.Signatures[peerID] = old
			return
		}
	}
	d.Signatures[peerID] = Signature{PublicKey: pub, Sig: peer.SignEd25519(key, SignedMessage(particleID, cids))}
}

// ResultsOf returns peer's result CIDs in d, sorted: what its signature
// covers. A host that ran the interpreter knows most of the answer: known
// are peer's results, sorted, in the data the run started from, and added
// the results the run made (any order). When the trace holds exactly as
// many results of peer as the two together, they are the answer, merged
// in linear time; sorting a thousand CIDs that share a long prefix is
// otherwise much of a run's cost. Any other count (a merge dropped a
// state) takes the full way.
func (d *Data) ResultsOf(peer string, known, added []CID) []CID {
	n := 0
	for _, s := range d.Trace {
		if _, p, ok := d.result(s); ok && p == peer {
			n++
		}
	}
	if n != len(known)+len(added) {
		if cids := d.cidsOf(peer); cids != nil {
			return cids
		}
		return []CID{}
	}
	return WithAdded(known, added)
}

// WithAdded returns the sorted results known, sorted, and added, in any
// order, together: the results of a peer whose trace the host knows
// grew by added. ResultsOf checks that by counting.
func WithAdded(known, added []CID) []CID {
	added = slices.Clone(added)
	sortCIDs(added)
	if out := mergeSorted(known, added); out != nil {
		return out
	}
	return []CID{}
}

// VerifySignatures checks that every peer with results in the trace signed
// exactly those results for this particle, and that every signature in
// the store holds over its peer's results (none, for a peer without).
func (d *Data) VerifySignatures(particleID string) error {
	return d.VerifySignaturesAfter(particleID, nil)
}

// VerifySignaturesAfter is VerifySignatures for data arriving at a peer
// whose own data for this particle is known (nil for none). A peer whose
// signature and results are exactly those known holds is not checked
// again: known holds only what was checked when it arrived or what this
// peer made, so such a peer adds nothing new.
func (d *Data) VerifySignaturesAfter(particleID string, known *Data) error {
	var knownCIDs map[string][]CID
	grouped := d.PeerCIDs()
	for id := range grouped {
		if _, ok := d.Signatures[id]; !ok {
			return fmt.Errorf("%w: results of peer %s carry no signature", ErrSignature, id)
		}
	}
	for id, sig := range d.Signatures {
		cids := grouped[id]
		if known != nil {
			if old, ok := known.Signatures[id]; ok && old.PublicKey.Equal(sig.PublicKey) && bytes.Equal(old.Sig, sig.Sig) {
				if knownCIDs == nil {
					knownCIDs = known.PeerCIDs()
				}
				if slices.Equal(knownCIDs[id], cids) {
					continue
				}
			}
		}
		if !peer.VerifyEd25519(sig.PublicKey, SignedMessage(particleID, cids), sig.Sig) {
			return fmt.Errorf("%w: signature of peer %s does not match its %d results", ErrSignature, id, len(cids))
		}
	}
	return nil
}

// MergeSignatures combines the signatures of two verified datas. A peer
// only ever adds results to what it signed before, so for each peer the
// larger signed set wins, and the smaller must be contained in it.
//
// The same signature on both sides needs no comparison of the sets: a
// verified signature holds for one message only, so both sides signed
// the same results. This is the common case (a peer's results travel
// unchanged with the particle) and spares grouping either side's CIDs.
func MergeSignatures(a, b *Data) (map[string]Signature, error) {
	out := make(map[string]Signature, len(a.Signatures)+len(b.Signatures))
	for id, s := range a.Signatures {
		out[id] = s
	}
	var ac, bc map[string][]CID
	for id, s := range b.Signatures {
		prev, ok := out[id]
		if !ok {
			out[id] = s
			continue
		}
		if prev.PublicKey.Equal(s.PublicKey) && bytes.Equal(prev.Sig, s.Sig) {
			continue
		}
		if ac == nil {
			ac, bc = a.PeerCIDs(), b.PeerCIDs()
		}
		small, large := ac[id], bc[id]
		if len(small) > len(large) {
			small, large = large, small
		} else {
			out[id] = s
		}
		if !isSubMultiset(small, large) {
			out[id] = prev
			return nil, fmt.Errorf("%w: peer %s signed results that contradict each other", ErrSignature, id)
		}
	}
	return out, nil
}

// isSubMultiset reports whether sorted a is contained in sorted b, counting
// repeats.
func isSubMultiset(a, b []CID) bool {
	j := 0
	for _, c := range a {
		for j < len(b) && b[j] < c {
			j++
		}
		if j == len(b) || b[j] != c {
			return false
		}
		j++
	}
	return true
}
