package avm

import (
	"bytes"
	"crypto/ed25519"
	"unsafe"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// Memo is what a peer keeps of one particle between its runs, so that a
// run does not redo what the last one did: decode the peer's own data,
// parse the values in it, parse the script, sort the results the peer
// signed and the stores' keys, and, in a run that brings only call
// results, check the states it made against the calls that replay them.
// A host keeps one Memo per particle it is running and passes it
// in Params.Memo; it drops the Memo with the particle (at its deadline).
//
// A Memo only ever stands for the data the last run returned: a run whose
// prevData is anything else decodes prevData as it would without a Memo,
// so a stale Memo costs time, never correctness. It holds no more than
// that data, decoded, and the script's syntax tree.
//
// A Memo is not safe for concurrent use; a particle's runs on one peer
// are sequential anyway.
type Memo struct {
	// data is the Data the last run returned, and decoded what it holds.
	data    []byte
	decoded *data.Data
	// parsed are the values of decoded's stores, parsed.
	parsed map[data.CID]value.Value
	// ours are the result CIDs of the current peer in decoded, sorted,
	// and signed those its signature in decoded covers: the same, unless
	// a LazySign run kept an older signature; nil when not known.
	ours, signed []data.CID
	// script is the last run's script, and root its syntax tree.
	script string
	root   air.Instr
	// argSteps are the steps the arguments of each call state of
	// decoded's trace were charged, by position; -1 where not known.
	argSteps []int32
	// key is the last key a run found to be peer's, so that the runs of
	// a particle derive the peer id from the key once.
	key  ed25519.PrivateKey
	peer string
	// argCIDs are the CIDs of the argument lists the script's calls
	// were made with: a run replays every call of the trace and checks
	// its arguments' hash, and the same lists come back run after run.
	argCIDs cidCache
}

// cidCache remembers the CIDs of texts, up to a total size of texts; past
// it, texts are hashed as they come.
type cidCache struct {
	cids  map[string]data.CID
	bytes int
}

// cidCacheBytes bounds what a cidCache keeps: the argument lists of a few
// thousand calls.
const cidCacheBytes = 1 << 20

// cid returns the CID of text. A nil cache only computes it.
func (c *cidCache) cid(text []byte) data.CID {
	if c == nil {
		return data.ComputeCID(text)
	}
	if id, ok := c.cids[string(text)]; ok {
		return id
	}
	id := data.ComputeCID(text)
	if c.bytes+len(text) <= cidCacheBytes {
		if c.cids == nil {
			c.cids = map[string]data.CID{}
		}
		c.cids[string(text)] = id
		c.bytes += len(text)
	}
	return id
}

// keyOf reports whether a run of this Memo found key to be peer's key.
func (m *Memo) keyOf(key ed25519.PrivateKey, peer string) bool {
	return m != nil && m.peer == peer && bytes.Equal(m.key, key)
}

// noteKey remembers that key is peer's.
func (m *Memo) noteKey(key ed25519.PrivateKey, peer string) {
	if m != nil {
		m.key, m.peer = key, peer
	}
}

// memoState is what one run takes from a Memo: all of it or nothing.
type memoState struct {
	prev         *data.Data
	argSteps     []int32
	parsed       map[data.CID]value.Value
	ours, signed []data.CID
}

// take hands the run what the Memo holds for prevData and empties the
// Memo: the run changes what it was given in place, so a run that fails
// must leave nothing behind that a later run would trust.
func (m *Memo) take(prevData []byte) (memoState, bool) {
	if m == nil || m.decoded == nil || !sameBytes(m.data, prevData) {
		if m != nil {
			m.forget()
		}
		return memoState{}, false
	}
	s := memoState{prev: m.decoded, parsed: m.parsed, ours: m.ours, signed: m.signed, argSteps: m.argSteps}
	m.forget()
	return s, true
}

// keep remembers a successful run's output.
func (m *Memo) keep(encoded []byte, out *data.Data, parsed map[data.CID]value.Value, ours, signed []data.CID, argSteps []int32) {
	if m == nil {
		return
	}
	// Values the run parsed but the output no longer holds (pruned) are
	// not carried on.
	if len(parsed) > len(out.Stores.Values) {
		for c := range parsed {
			if _, ok := out.Stores.Values[c]; !ok {
				delete(parsed, c)
			}
		}
	}
	m.data, m.decoded, m.parsed, m.ours, m.signed, m.argSteps = encoded, out, parsed, ours, signed, argSteps
}

// Forget drops what the Memo holds. A host calls it when the particle
// goes idle on this peer, so that memory follows the particles that are
// running, not those waiting for their deadline.
func (m *Memo) Forget() { m.forget() }

func (m *Memo) forget() {
	m.data, m.decoded, m.parsed, m.ours, m.signed, m.argSteps = nil, nil, nil, nil, nil, nil
}

// argumentCIDs returns the Memo's cache of argument CIDs; nil without a
// Memo. It lives as long as the script does, since the script makes the
// argument lists.
func (m *Memo) argumentCIDs(script string) *cidCache {
	if m == nil {
		return nil
	}
	if m.script != script {
		m.argCIDs = cidCache{}
	}
	return &m.argCIDs
}

// parse returns the syntax tree of script, parsed once per Memo while
// the script stays the same. The tree is never changed by a run.
func (m *Memo) parse(script string, scripts *Scripts) (air.Instr, error) {
	if m != nil && m.root != nil && m.script == script {
		return m.root, nil
	}
	root, err := scripts.parse(script)
	if err == nil && m != nil {
		m.script, m.root = script, root
	}
	return root, err
}

// sameBytes reports whether a and b hold the same bytes, at once when
// they are the same slice (a host passes back the Data it was given).
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || unsafe.SliceData(a) == unsafe.SliceData(b) {
		return true
	}
	return bytes.Equal(a, b)
}
