package data

import (
	"maps"

	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// Tetraplet says where a value came from: the peer, service and function
// that produced it and the lens applied to the result.
type Tetraplet struct {
	PeerPK       string `json:"peer_pk"`
	ServiceID    string `json:"service_id"`
	FunctionName string `json:"function_name"`
	Lens         string `json:"lens"`
}

// ServiceResult is what an executed or failed call state points to.
type ServiceResult struct {
	ValueCID     CID `json:"value_cid"`
	ArgumentHash CID `json:"argument_hash"`
	TetrapletCID CID `json:"tetraplet_cid"`
}

// ProvenanceKind tells where a canonicalized value came from.
type ProvenanceKind uint8

const (
	// FromLiteral is a value written in the script or made by the
	// interpreter.
	FromLiteral ProvenanceKind = iota
	// FromServiceResult is a call result; CID names the ServiceResult.
	FromServiceResult
	// FromCanon is taken from a canon stream; CID names its CanonResult.
	FromCanon
)

// Provenance ties a value to the state that produced it.
type Provenance struct {
	Kind ProvenanceKind
	CID  CID
}

// CanonElement is one value of a canon stream.
type CanonElement struct {
	ValueCID     CID
	TetrapletCID CID
	Provenance   Provenance
}

// CanonResult is the snapshot a canon state points to.
type CanonResult struct {
	TetrapletCID CID
	Values       []CID
}

// Stores holds every object trace states refer to, keyed by CID. Values
// keeps canonical JSON text.
type Stores struct {
	Values         map[CID][]byte
	Tetraplets     map[CID]Tetraplet
	ServiceResults map[CID]ServiceResult
	CanonElements  map[CID]CanonElement
	CanonResults   map[CID]CanonResult
	// order, when tracked, is the keys' CID order as the last Encode
	// found it, and the keys added since.
	order *keyOrder
}

// NewStores returns empty stores.
func NewStores() Stores {
	return Stores{
		Values:         map[CID][]byte{},
		Tetraplets:     map[CID]Tetraplet{},
		ServiceResults: map[CID]ServiceResult{},
		CanonElements:  map[CID]CanonElement{},
		CanonResults:   map[CID]CanonResult{},
	}
}

// storesSized returns empty stores with room for the given numbers of
// values, tetraplets, canon elements, canon results and service results.
func storesSized(n [5]int) Stores {
	return Stores{
		Values:         make(map[CID][]byte, n[0]),
		Tetraplets:     make(map[CID]Tetraplet, n[1]),
		CanonElements:  make(map[CID]CanonElement, n[2]),
		CanonResults:   make(map[CID]CanonResult, n[3]),
		ServiceResults: make(map[CID]ServiceResult, n[4]),
	}
}

// AddValue stores a value and returns its CID.
func (s *Stores) AddValue(v value.Value) CID {
	text := value.Marshal(v)
	c := ComputeCID(text)
	if _, ok := s.Values[c]; !ok {
		s.Values[c] = text
		s.noteAdded(storeValues, c)
	}
	return c
}

// AddTetraplet stores a tetraplet and returns its CID.
func (s *Stores) AddTetraplet(t Tetraplet) CID {
	c := t.cid()
	if _, ok := s.Tetraplets[c]; !ok {
		s.Tetraplets[c] = t
		s.noteAdded(storeTetraplets, c)
	}
	return c
}

// AddServiceResult stores a service result and returns its CID.
func (s *Stores) AddServiceResult(r ServiceResult) CID {
	c := r.cid()
	if _, ok := s.ServiceResults[c]; !ok {
		s.ServiceResults[c] = r
		s.noteAdded(storeServiceResults, c)
	}
	return c
}

// AddCanonElement stores a canon element and returns its CID.
func (s *Stores) AddCanonElement(e CanonElement) CID {
	c := e.cid()
	if _, ok := s.CanonElements[c]; !ok {
		s.CanonElements[c] = e
		s.noteAdded(storeCanonElements, c)
	}
	return c
}

// AddCanonResult stores a canon result and returns its CID.
func (s *Stores) AddCanonResult(r CanonResult) CID {
	c := r.cid()
	if _, ok := s.CanonResults[c]; !ok {
		s.CanonResults[c] = r
		s.noteAdded(storeCanonResults, c)
	}
	return c
}

// UnionOf returns stores holding every object of parts, with room for
// extra more values and service results besides: a run that takes n call
// results adds about n of each, and maps that grow as they fill rehash
// all they hold. The parts are the caller's to give up: when one holds
// most of the objects and extra is small beside it, its maps take the
// others' objects in place instead of being copied (a peer merging data
// that grew elsewhere copies the larger side for nothing otherwise).
func UnionOf(extra int, parts ...*Stores) Stores {
	var n [5]int
	largest, most := -1, 0
	for i, p := range parts {
		n[0] += len(p.Values)
		n[1] += len(p.Tetraplets)
		n[2] += len(p.CanonElements)
		n[3] += len(p.CanonResults)
		n[4] += len(p.ServiceResults)
		if c := p.count(); c > most {
			largest, most = i, c
		}
	}
	if largest >= 0 && extra <= most/4 && 2*most >= n[0]+n[1]+n[2]+n[3]+n[4] {
		s := *parts[largest]
		for i, p := range parts {
			if i != largest {
				s.Union(p)
			}
		}
		return s
	}
	n[0] += extra
	n[4] += extra
	s := storesSized(n)
	for _, p := range parts {
		s.Union(p)
	}
	return s
}

// count is how many objects s holds.
func (s *Stores) count() int {
	return len(s.Values) + len(s.Tetraplets) + len(s.CanonElements) + len(s.CanonResults) + len(s.ServiceResults)
}

// Union adds every object of o to s.
func (s *Stores) Union(o *Stores) {
	union(s, storeValues, s.Values, o.Values)
	union(s, storeTetraplets, s.Tetraplets, o.Tetraplets)
	union(s, storeServiceResults, s.ServiceResults, o.ServiceResults)
	union(s, storeCanonElements, s.CanonElements, o.CanonElements)
	union(s, storeCanonResults, s.CanonResults, o.CanonResults)
}

// union adds the objects of from to store of s, which is to.
func union[V any](s *Stores, store int, to, from map[CID]V) {
	if s.order == nil {
		maps.Copy(to, from)
		return
	}
	for k, v := range from {
		if _, ok := to[k]; !ok {
			s.noteAdded(store, k)
		}
		to[k] = v
	}
}

// The canonical texts below are compact JSON with the fields in declaration
// order, as the reference interpreter hashes its structs.

// canonicalRoom is the room on the stack for a canonical text being
// hashed: a service result (three CIDs and their keys) fits, as do the
// tetraplets and canon elements of most scripts, so that computing their
// CIDs allocates only the CID. A longer text grows onto the heap.
const canonicalRoom = 320

func (t Tetraplet) cid() CID {
	var room [canonicalRoom]byte
	return objectCID(t.appendCanonical(room[:0]))
}

func (t Tetraplet) appendCanonical(b []byte) []byte {
	b = append(b, `{"peer_pk":`...)
	b = value.AppendString(b, t.PeerPK)
	b = append(b, `,"service_id":`...)
	b = value.AppendString(b, t.ServiceID)
	b = append(b, `,"function_name":`...)
	b = value.AppendString(b, t.FunctionName)
	b = append(b, `,"lens":`...)
	b = value.AppendString(b, t.Lens)
	return append(b, '}')
}

func (r ServiceResult) cid() CID {
	var room [canonicalRoom]byte
	return objectCID(r.appendCanonical(room[:0]))
}

func (r ServiceResult) appendCanonical(b []byte) []byte {
	b = append(b, `{"value_cid":`...)
	b = value.AppendString(b, string(r.ValueCID))
	b = append(b, `,"argument_hash":`...)
	b = value.AppendString(b, string(r.ArgumentHash))
	b = append(b, `,"tetraplet_cid":`...)
	b = value.AppendString(b, string(r.TetrapletCID))
	return append(b, '}')
}

func (p Provenance) appendJSON(b []byte) []byte {
	switch p.Kind {
	case FromServiceResult:
		b = append(b, `{"type":"service_result","cid":`...)
	case FromCanon:
		b = append(b, `{"type":"canon","cid":`...)
	default:
		return append(b, `{"type":"literal"}`...)
	}
	b = value.AppendString(b, string(p.CID))
	return append(b, '}')
}

func (e CanonElement) cid() CID {
	var room [canonicalRoom]byte
	return objectCID(e.appendCanonical(room[:0]))
}

func (e CanonElement) appendCanonical(b []byte) []byte {
	b = append(b, `{"value":`...)
	b = value.AppendString(b, string(e.ValueCID))
	b = append(b, `,"tetraplet":`...)
	b = value.AppendString(b, string(e.TetrapletCID))
	b = append(b, `,"provenance":`...)
	b = e.Provenance.appendJSON(b)
	return append(b, '}')
}

func (r CanonResult) cid() CID {
	var room [canonicalRoom]byte
	return objectCID(r.appendCanonical(room[:0]))
}

func (r CanonResult) appendCanonical(b []byte) []byte {
	b = append(b, `{"tetraplet":`...)
	b = value.AppendString(b, string(r.TetrapletCID))
	b = append(b, `,"values":[`...)
	for i, v := range r.Values {
		if i > 0 {
			b = append(b, ',')
		}
		b = value.AppendString(b, string(v))
	}
	return append(b, "]}"...)
}
