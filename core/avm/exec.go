package avm

import (
	"strconv"
	"strings"

	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// exec runs one instruction. Every instruction but call (which does it
// itself, with the target peer) records an error it raises or passes on
// in the error variables.
func (x *interp) exec(in air.Instr) error {
	var err error
	switch in := in.(type) {
	case *air.Call:
		return x.call(in)
	case *air.Seq:
		err = x.seq(in)
	case *air.Par:
		err = x.par(in)
	case *air.Xor:
		err = x.xor(in)
	case *air.Null:
	case *air.Never:
		x.complete = false
	case *air.Match:
		err = x.match(in)
	case *air.Fail:
		err = x.fail(in)
	case *air.New:
		err = x.newScope(in)
	case *air.Ap:
		err = x.ap(in)
	case *air.ApMap:
		err = x.apMap(in)
	case *air.Canon:
		err = x.canon(in)
	case *air.Fold:
		err = x.fold(in)
	case *air.Next:
		err = x.next(in)
	default:
		err = uncatchable(CodeTraceError, "unknown instruction %T", in)
	}
	if err != nil {
		_, isCanon := in.(*air.Canon)
		x.setErrors(err, display(in), nil, isCanon)
		x.noteRaised(err, span(in))
	}
	return err
}

func (x *interp) seq(s *air.Seq) error {
	x.complete = true
	if err := x.exec(s.Left); err != nil {
		return err
	}
	if x.complete {
		return x.exec(s.Right)
	}
	return nil
}

func (x *interp) par(p *air.Par) error {
	if err := x.tr.ParStart(); err != nil {
		return errTrace("par", err)
	}
	leftErr, leftComplete, err := x.parBranch(p.Left, x.tr.ParLeftEnd)
	if err != nil {
		return err
	}
	rightErr, rightComplete, err := x.parBranch(p.Right, x.tr.ParRightEnd)
	if err != nil {
		return err
	}
	x.complete = leftComplete || rightComplete
	if leftErr == nil || rightErr == nil {
		x.lastErr.canSet = true
		return nil
	}
	return rightErr
}

// parBranch runs one branch of a par. A catchable error in it is returned
// as branchErr and does not stop the other branch; err is an uncatchable
// error that stops everything.
func (x *interp) parBranch(in air.Instr, end func() error) (branchErr error, complete bool, err error) {
	// A branch that is just (next i) starts incomplete: otherwise the par
	// of (par (call ...) (next i)) would count as complete after the last
	// iteration, whose next does nothing.
	_, isNext := in.(*air.Next)
	x.complete = !isNext
	if err := x.exec(in); err != nil {
		x.complete = false
		if !isCatchable(err) {
			return nil, false, err
		}
		branchErr = err
	}
	if err := end(); err != nil {
		return nil, false, errTrace("par", err)
	}
	return branchErr, x.complete, nil
}

func (x *interp) xor(in *air.Xor) error {
	x.complete = true
	err := x.exec(in.Left)
	if err == nil || !isCatchable(err) {
		return err
	}
	x.complete = true
	x.lastErr.canSet = true
	x.curErr.orig = asExec(err)
	x.curErr.canSet = true
	rerr := x.exec(in.Right)
	if x.curErr.canSet {
		x.curErr = noError()
	}
	if rerr == nil {
		x.curErr.canSet = true
	}
	return rerr
}

func (x *interp) match(m *air.Match) error {
	l, err := x.resolve(m.Left)
	if err == nil {
		var r resolved
		if r, err = x.resolve(m.Right); err == nil {
			equal := value.Equal(l.v, r.v)
			switch {
			case m.Mismatch && equal:
				return catchable(CodeMismatchValuesEqual, "compared values do not mismatch")
			case !m.Mismatch && !equal:
				return catchable(CodeMatchValuesNotEqual, "compared values do not match")
			}
			return x.exec(m.Body)
		}
	}
	if isJoinable(err) {
		x.complete = false
		return nil
	}
	return err
}

func (x *interp) newScope(n *air.New) error {
	var name string
	isStream := false
	switch v := n.Var.(type) {
	case *air.Stream:
		name, isStream = v.Name, true
	case *air.StreamMap:
		name, isStream = v.Name, true
	case *air.Scalar:
		name = v.Name
	case *air.CanonStream:
		name = v.Name
	case *air.CanonMap:
		name = v.Name
	}
	if isStream {
		x.streams.scopeStart(name, n.Span)
	} else {
		x.sc.newStart(name)
	}
	err := x.exec(n.Body)
	var endErr error
	if isStream {
		endErr = x.streams.scopeEnd(name).compact(x.setGeneration)
	} else {
		endErr = x.sc.newEnd(name)
	}
	if err != nil {
		return err
	}
	return endErr
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
