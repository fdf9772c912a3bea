package data

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// DumpJSON returns data as indented JSON for people to read: the trace one
// state per line-ish object, the stores keyed by CID with values shown as
// JSON, and the signatures keyed by peer id.
func DumpJSON(d *Data) ([]byte, error) {
	trace := make([]any, len(d.Trace))
	for i, s := range d.Trace {
		trace[i] = dumpState(s)
	}
	values := make(map[CID]json.RawMessage, len(d.Stores.Values))
	for c, v := range d.Stores.Values {
		values[c] = json.RawMessage(v)
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
	sigs := make(map[string]any, len(d.Signatures))
	for id, s := range d.Signatures {
		sigs[id] = map[string]string{
			"public_key": base64.StdEncoding.EncodeToString(s.PublicKey),
			"signature":  base64.StdEncoding.EncodeToString(s.Sig),
		}
	}
	doc := map[string]any{
		"format_version":       FormatVersion,
		"interpreter_version":  d.InterpreterVersion,
		"last_call_request_id": d.LastCallID,
		"trace":                trace,
		"cid_info": map[string]any{
			"value_store":          values,
			"tetraplet_store":      d.Stores.Tetraplets,
			"service_result_store": d.Stores.ServiceResults,
			"canon_element_store":  elements,
			"canon_result_store":   results,
		},
		"signatures": sigs,
	}
	return json.MarshalIndent(doc, "", "  ")
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
				v = map[string]any{"sent_by": map[string]any{"peer_id": s.Peer, "call_id": s.ID}}
			} else {
				v = map[string]any{"sent_by": s.Peer}
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
				"pos":  it.ValuePos,
				"desc": [][2]uint32{{it.Before.Pos, it.Before.Len}, {it.After.Pos, it.After.Len}},
			}
		}
		return map[string]any{"fold": map[string]any{"lore": lore}}
	case *Ap:
		return map[string]any{"ap": map[string]any{"gens": []uint32{s.Gen}}}
	case *Canon:
		if s.Sent {
			return map[string]any{"canon": map[string]any{"sent_by": s.Peer}}
		}
		return map[string]any{"canon": map[string]any{"cid": s.CID}}
	}
	return fmt.Sprint(s)
}
