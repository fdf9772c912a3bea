package debug

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/peer"
)

// Namer gives peers names people recognise, such as "node1" or "client";
// nil names them by their shortened ids.
type Namer func(peer.ID) string

func (n Namer) name(id peer.ID) string {
	if n != nil {
		if s := n(id); s != "" {
			return s
		}
	}
	return id.ShortString()
}

// Render writes a hop for people to read: where it ran, the instructions
// it stopped at with the variables the script could see at each, the
// calls it asked for and was answered, where it sent the particle, its
// error, and the particle's data after it, state by state with the
// values the states refer to. The variables come from re-running the hop
// (see Hop.Scopes).
func Render(w io.Writer, h *Hop, names Namer) error {
	b := &strings.Builder{}
	o := h.Outcome
	fmt.Fprintf(b, "hop %d: particle %s at %s\n", h.Seq, h.Particle.ID, names.name(h.Peer))
	arrived := "call results only"
	if h.Current != nil {
		arrived = fmt.Sprintf("%d bytes of data", len(h.Current))
	}
	fmt.Fprintf(b, "  in:  %s, %d bytes kept from before, %s\n", arrived, len(h.Prev), plural(len(h.Results), "call result"))
	fmt.Fprintf(b, "  out: %d bytes, ret code %d", len(o.Data), o.RetCode)
	if o.Complete {
		b.WriteString(", complete")
	}
	b.WriteString("\n")
	if o.ErrorMessage != "" {
		fmt.Fprintf(b, "  error: %s\n", o.ErrorMessage)
	}
	if len(o.Stops) > 0 {
		b.WriteString("stopped at:\n")
		scopes, err := h.Scopes()
		if err != nil {
			fmt.Fprintf(b, "  (no variables: %v)\n", err)
		}
		for i, s := range o.Stops {
			line, col := Position(h.Particle.Script, s.Span.Start)
			what := s.Kind.String()
			switch s.Kind {
			case avm.StopSend:
				what = "send to " + names.name(peer.ID(s.Peer))
			case avm.StopCall:
				what = fmt.Sprintf("call #%d", s.CallID)
			}
			fmt.Fprintf(b, "  %d:%d %s: %s\n", line, col, what, Instruction(h.Particle.Script, s.Span))
			if i < len(scopes) {
				renderScope(b, scopes[i], i > 0 && reflect.DeepEqual(scopes[i], scopes[i-1]), names)
			}
		}
	}
	if len(h.Results) > 0 {
		b.WriteString("call results given:\n")
		for _, id := range slices.Sorted(maps.Keys(h.Results)) {
			r := h.Results[id]
			fmt.Fprintf(b, "  #%d ret code %d: %s\n", id, r.RetCode, r.Result)
		}
	}
	if len(o.CallRequests) > 0 {
		b.WriteString("calls asked for:\n")
		for _, id := range slices.Sorted(maps.Keys(o.CallRequests)) {
			r := o.CallRequests[id]
			args := make([]string, len(r.Arguments))
			for i, a := range r.Arguments {
				args[i] = string(a)
			}
			fmt.Fprintf(b, "  #%d %s.%s(%s)\n", id, r.ServiceID, r.FunctionName, strings.Join(args, ", "))
		}
	}
	if len(o.NextPeers) > 0 {
		to := make([]string, len(o.NextPeers))
		for i, p := range o.NextPeers {
			to[i] = names.name(peer.ID(p))
		}
		fmt.Fprintf(b, "sent to: %s\n", strings.Join(to, ", "))
	}
	if err := renderData(b, o.Data, names); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// renderScope writes the variables a script could see at a stop, one a
// line, or that they are those of the stop before.
func renderScope(b *strings.Builder, sc avm.Scope, same bool, names Namer) {
	const indent = "      "
	switch {
	case same:
		b.WriteString(indent + "the same variables\n")
		return
	case len(sc.Variables) == 0 && sc.LastError == nil:
		b.WriteString(indent + "no variables\n")
		return
	}
	for _, v := range sc.Variables {
		b.WriteString(indent + describeVariable(v, names) + "\n")
	}
	if sc.LastError != nil {
		b.WriteString(indent + "%last_error% = " + describeError(sc.LastError, names) + "\n")
	}
}

// describeError renders an error object: its code and message, and the
// instruction and peer that raised it.
func describeError(obj json.RawMessage, names Namer) string {
	var e struct {
		Code        int64  `json:"error_code"`
		Message     string `json:"message"`
		Instruction string `json:"instruction"`
		Peer        string `json:"peer_id"`
	}
	if json.Unmarshal(obj, &e) != nil {
		return shortJSON(obj)
	}
	s := fmt.Sprintf("error %d: %s", e.Code, e.Message)
	switch {
	case e.Instruction != "" && e.Peer != "":
		s += fmt.Sprintf("  (%s, on %s)", e.Instruction, names.name(peer.ID(e.Peer)))
	case e.Instruction != "":
		s += "  (" + e.Instruction + ")"
	}
	return s
}

// describeVariable renders a variable with its value and where the value
// came from.
func describeVariable(v avm.Variable, names Namer) string {
	switch v.Kind {
	case avm.VarStream, avm.VarStreamMap:
		if len(v.Generations) == 0 {
			return v.Name + " = empty " + v.Kind.String()
		}
		gens := make([]string, len(v.Generations))
		for i, g := range v.Generations {
			vals := make([]string, len(g))
			for j, e := range g {
				vals[j] = shortJSON(e)
			}
			gens[i] = fmt.Sprintf("gen %d [%s]", i, strings.Join(vals, ", "))
		}
		return v.Name + " = " + strings.Join(gens, ", ")
	case avm.VarIterator:
		return fmt.Sprintf("%s = %s  (item %d of %d%s)", v.Name, shortJSON(v.Value), v.Item+1, v.Items, origin(v.From, ", from ", names))
	case avm.VarCanon, avm.VarCanonMap:
		return fmt.Sprintf("%s = %s  (%s taken on %s)", v.Name, shortJSON(v.Value), v.Kind, names.name(peer.ID(v.From.PeerPK)))
	}
	if o := origin(v.From, "", names); o != "" {
		return fmt.Sprintf("%s = %s  (%s)", v.Name, shortJSON(v.Value), o)
	}
	return v.Name + " = " + shortJSON(v.Value)
}

// origin says which service call a value came from, after prefix; a
// literal has none.
func origin(t data.Tetraplet, prefix string, names Namer) string {
	if t.ServiceID == "" {
		return ""
	}
	s := fmt.Sprintf("%s%s.%s on %s", prefix, t.ServiceID, t.FunctionName, names.name(peer.ID(t.PeerPK)))
	if t.Lens != "" {
		s += ", " + t.Lens
	}
	return s
}

// renderData writes the trace of encoded interpreter data.
func renderData(b *strings.Builder, encoded []byte, names Namer) error {
	if len(encoded) == 0 {
		b.WriteString("data: empty\n")
		return nil
	}
	d, err := data.Decode(encoded)
	if err != nil {
		fmt.Fprintf(b, "data: cannot decode: %v\n", err)
		return nil
	}
	fmt.Fprintf(b, "data: %s, last call id %d, signed by %s\n", plural(len(d.Trace), "state"), d.LastCallID, plural(len(d.Signatures), "peer"))
	for i, s := range d.Trace {
		fmt.Fprintf(b, "  %3d %s\n", i, describeState(d, s, names))
	}
	return nil
}

// describeState renders one trace state with the value it refers to.
func describeState(d *data.Data, s data.State, names Namer) string {
	switch s := s.(type) {
	case *data.Par:
		return fmt.Sprintf("par %d | %d", s.Left, s.Right)
	case *data.Call:
		switch s.Kind {
		case data.CallSent:
			if s.HasID {
				return fmt.Sprintf("call waiting for result #%d at %s", s.ID, names.name(peer.ID(s.Peer)))
			}
			return "call sent on by " + names.name(peer.ID(s.Peer))
		case data.CallScalar:
			return "call = " + serviceResult(d, s.CID, names)
		case data.CallStream:
			return fmt.Sprintf("call -> stream gen %d = %s", s.Gen, serviceResult(d, s.CID, names))
		case data.CallUnused:
			return "call done, result unused"
		case data.CallFailed:
			return "call failed: " + serviceResult(d, s.CID, names)
		}
	case *data.Fold:
		its := make([]string, len(s.Lore))
		for i, it := range s.Lore {
			its[i] = fmt.Sprintf("value@%d", it.ValuePos)
		}
		return fmt.Sprintf("fold over stream, %d iterations: %s", len(s.Lore), strings.Join(its, " "))
	case *data.Ap:
		return fmt.Sprintf("ap -> stream gen %d", s.Gen)
	case *data.Canon:
		if s.Sent {
			return "canon sent on by " + names.name(peer.ID(s.Peer))
		}
		r, ok := d.Stores.CanonResults[s.CID]
		if !ok {
			return "canon (result missing)"
		}
		vals := make([]string, len(r.Values))
		for i, c := range r.Values {
			vals[i] = "?"
			if el, ok := d.Stores.CanonElements[c]; ok {
				vals[i] = shortJSON(d.Stores.Values[el.ValueCID])
			}
		}
		return "canon = [" + strings.Join(vals, ", ") + "]"
	}
	return s.String()
}

// serviceResult renders a stored call result with where it came from.
func serviceResult(d *data.Data, c data.CID, names Namer) string {
	sr, ok := d.Stores.ServiceResults[c]
	if !ok {
		return "(result missing)"
	}
	v := shortJSON(d.Stores.Values[sr.ValueCID])
	if t, ok := d.Stores.Tetraplets[sr.TetrapletCID]; ok {
		v += fmt.Sprintf("  (%s.%s on %s)", t.ServiceID, t.FunctionName, names.name(peer.ID(t.PeerPK)))
	}
	return v
}

// shortJSON renders JSON text on one line, cut to a readable length.
func shortJSON(text []byte) string {
	if text == nil {
		return "(value missing)"
	}
	var v any
	if json.Unmarshal(text, &v) == nil {
		if b, err := json.Marshal(v); err == nil {
			text = b
		}
	}
	const limit = 120
	if len(text) > limit {
		return string(text[:limit]) + "…"
	}
	return string(text)
}

// DataJSON returns a hop's data after it ran as indented JSON: the
// complete trace, stores and signatures.
func DataJSON(h *Hop) ([]byte, error) {
	d, err := data.Decode(h.Outcome.Data)
	if err != nil {
		return nil, fmt.Errorf("hop %d: %w", h.Seq, err)
	}
	return data.DumpJSON(d)
}

// Position returns the 1-based line and column of a byte offset in
// script.
func Position(script string, offset int) (line, col int) {
	offset = min(max(offset, 0), len(script))
	before := script[:offset]
	line = strings.Count(before, "\n") + 1
	col = offset - strings.LastIndexByte(before, '\n')
	return line, col
}

// Instruction returns the first line of the instruction at span, for
// showing where a hop stopped.
func Instruction(script string, span air.Span) string {
	if span.Start < 0 || span.End > len(script) || span.Start >= span.End {
		return "(unknown instruction)"
	}
	text := script[span.Start:span.End]
	if first, _, cut := strings.Cut(text, "\n"); cut {
		return strings.TrimSpace(first) + " …"
	}
	return text
}

// plural writes a count and a noun that agrees with it.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
