package data

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mr-tron/base58"
)

// DumpJSON returns data as indented JSON for people to read, in the shape
// of the reference interpreter's to_human_readable_data: the versions,
// and the data with its trace, call counter, stores keyed by CID (values
// as their JSON text) and signatures keyed by public key, both in
// base58 behind the key format byte. Keys are sorted.
func DumpJSON(d *Data) ([]byte, error) {
	trace := make([]any, len(d.Trace))
	for i, s := range d.Trace {
		trace[i] = dumpState(s)
	}
	values := make(map[CID]string, len(d.Stores.Values))
	for c, v := range d.Stores.Values {
		values[c] = string(v)
	}
	elements := make(map[CID]any, len(d.Stores.CanonElements))
	for c, el := range d.Stores.CanonElements {
		elements[c] = map[string]any{
			"value":      el.ValueCID,
			"tetraplet":  el.TetrapletCID,
			"provenance": json.RawMessage(el.Provenance.appendJSON(nil)),
		}
	}
	results := make(map[CID]any, len(d.Stores.CanonResults))
	for c, r := range d.Stores.CanonResults {
		vals := r.Values
		if vals == nil {
			vals = []CID{}
		}
		results[c] = map[string]any{"tetraplet": r.TetrapletCID, "values": vals}
	}
	sigs := make(map[string]string, len(d.Signatures))
	for _, s := range d.Signatures {
		sigs[base58.Encode(appendKey(nil, s.PublicKey))] = base58.Encode(appendKey(nil, s.Sig))
	}
	doc := map[string]any{
		"versions": map[string]string{
			"interpreter_version": d.InterpreterVersion,
			"version":             DataVersion,
		},
		"data": map[string]any{
			"trace": trace,
			"lcid":  d.LastCallID,
			"cid_info": map[string]any{
				"value_store":          values,
				"tetraplet_store":      d.Stores.Tetraplets,
				"service_result_store": d.Stores.ServiceResults,
				"canon_element_store":  elements,
				"canon_result_store":   results,
			},
			"signatures": sigs,
		},
	}
	// Struct fields marshal in declaration order; a round trip through
	// maps sorts every object's keys, as the reference prints them.
	flat, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var sorted any
	dec := json.NewDecoder(bytes.NewReader(flat))
	dec.UseNumber()
	if err := dec.Decode(&sorted); err != nil {
		return nil, err
	}
	return json.MarshalIndent(sorted, "", "  ")
}

func dumpState(s State) any {
	switch s := s.(type) {
	case *Par:
		return map[string]any{"par": []uint32{s.Left, s.Right}}
	case *Call:
		var v any
		switch s.Kind {
		case CallSent:
			if s.HasID {
				v = map[string]any{"sent_by": map[string]any{"PeerIdWithCallId": map[string]any{"peer_id": s.Peer, "call_id": s.ID}}}
			} else {
				v = map[string]any{"sent_by": map[string]any{"PeerId": s.Peer}}
			}
		case CallScalar:
			v = map[string]any{"executed": map[string]any{"scalar": s.CID}}
		case CallStream:
			v = map[string]any{"executed": map[string]any{"stream": map[string]any{"cid": s.CID, "generation": s.Gen}}}
		case CallUnused:
			v = map[string]any{"executed": map[string]any{"unused": s.CID}}
		case CallFailed:
			v = map[string]any{"failed": s.CID}
		}
		return map[string]any{"call": v}
	case *Fold:
		lore := make([]any, len(s.Lore))
		for i, it := range s.Lore {
			lore[i] = map[string]any{
				"pos": it.ValuePos,
				"desc": []any{
					map[string]uint32{"pos": it.Before.Pos, "len": it.Before.Len},
					map[string]uint32{"pos": it.After.Pos, "len": it.After.Len},
				},
			}
		}
		return map[string]any{"fold": map[string]any{"lore": lore}}
	case *Ap:
		return map[string]any{"ap": map[string]any{"gens": []uint32{s.Gen}}}
	case *Canon:
		if s.Sent {
			return map[string]any{"canon": map[string]any{"sent_by": s.Peer}}
		}
		return map[string]any{"canon": map[string]any{"executed": s.CID}}
	}
	return fmt.Sprint(s)
}
