package avm

import (
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// match runs the comparison of a match or mismatch and returns its body
// when the body should run. An operand not yet defined makes it wait.
func (x *interp) match(m *air.Match) (air.Instr, error) {
	l, err := x.resolve(m.Left)
	if err == nil {
		var r resolved
		if r, err = x.resolve(m.Right); err == nil {
			if err := x.chargeCompare(l.v, r.v); err != nil {
				return nil, err
			}
			equal := value.Equal(l.v, r.v)
			switch {
			case m.Mismatch && equal:
				return nil, catchable(CodeMismatchValuesEqual, "compared values do not mismatch")
			case !m.Mismatch && !equal:
				return nil, catchable(CodeMatchValuesNotEqual, "compared values do not match")
			}
			return m.Body, nil
		}
	}
	if isJoinable(err) {
		x.complete = false
		return nil, nil
	}
	return nil, err
}

// newVar returns the name a new scopes and whether it is a stream or a
// stream map.
func newVar(n *air.New) (name string, isStream bool) {
	switch v := n.Var.(type) {
	case *air.Stream:
		return v.Name, true
	case *air.StreamMap:
		return v.Name, true
	case *air.Scalar:
		return v.Name, false
	case *air.CanonStream:
		return v.Name, false
	case *air.CanonMap:
		return v.Name, false
	}
	return "", false
}

// newStart opens the scope of a new: a fresh stream, or a cleared name.
func (x *interp) newStart(n *air.New) {
	if name, isStream := newVar(n); isStream {
		x.streams.scopeStart(name, n.Span)
	} else {
		x.sc.newStart(name)
	}
}

// newEnd closes the scope of a new, settling the generations of its
// stream or restoring the name's earlier binding.
func (x *interp) newEnd(n *air.New) error {
	name, isStream := newVar(n)
	if isStream {
		return x.streams.scopeEnd(name).compact(x.setGeneration)
	}
	return x.sc.newEnd(name)
}

// display is an instruction's one-line form used in error objects, as the
// reference interpreter prints it.
func display(in air.Instr) string {
	fv := air.FormatValue
	switch in := in.(type) {
	case *air.Call:
		args := make([]string, len(in.Args))
		for i, a := range in.Args {
			args[i] = fv(a)
		}
		out := ""
		if in.Output != nil {
			out = fv(in.Output)
		}
		return "call " + fv(in.Peer) + " (" + fv(in.Service) + " " + fv(in.Function) + ") [" + strings.Join(args, " ") + "] " + out
	case *air.Canon:
		return "canon " + fv(in.Peer) + " " + fv(in.Source) + " " + fv(in.Dest)
	case *air.Ap:
		return "ap " + fv(in.Arg) + " " + fv(in.Result)
	case *air.ApMap:
		return "ap (" + fv(in.Key) + " " + fv(in.Value) + ") " + fv(in.Map)
	case *air.Fail:
		if in.Value != nil {
			return "fail " + fv(in.Value)
		}
		return "fail " + strconv.FormatInt(in.Code, 10) + ` "` + in.Message + `"`
	case *air.Fold:
		return "fold " + fv(in.Iterable) + " " + fv(in.Iterator)
	case *air.Match:
		if in.Mismatch {
			return "mismatch " + fv(in.Left) + " " + fv(in.Right)
		}
		return "match " + fv(in.Left) + " " + fv(in.Right)
	case *air.Next:
		return "next " + fv(in.Iterator)
	case *air.New:
		return "new " + fv(in.Var)
	case *air.Seq:
		return "seq"
	case *air.Par:
		return "par"
	case *air.Xor:
		return "xor"
	case *air.Never:
		return "never"
	case *air.Null:
		return "null"
	}
	return "unknown"
}

// span returns where an instruction is in the script.
func span(in air.Instr) air.Span { return air.Span{Start: in.Pos(), End: in.EndPos()} }
