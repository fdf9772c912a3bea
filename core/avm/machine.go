package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
)

// The interpreter runs a script on a machine with an explicit stack of
// frames instead of by Go recursion. Instruction nesting and fold
// iterations then use heap memory, bounded by the run's limits, and no
// script or data can make a run exhaust the goroutine's stack: a fold over
// ten million values is a loop, not ten million nested calls.
//
// An instruction either finishes at once (call, ap, canon, fail, null,
// never) or pushes a frame that says what to do when its current child
// finishes, and names the child to start. When a child finishes, its
// result goes to the frame on top, which starts another child or finishes
// in turn. A child that is the last thing its parent does (the right
// branch of a seq, the body of a match, the last instruction of a fold)
// replaces its parent instead of stacking on it, and the frames of
// consecutive (next i) of one fold share one entry, so the common folds,
// (seq body (next i)), run in constant stack.
//
// An error passes from a child to every instruction it leaves, and each
// records it in the error variables. Recording the same error again with
// nothing done in between changes nothing (the variables lock after the
// first), which is why a parent that a child replaced, or a shared entry,
// records it once.

// frameKind says which part of an instruction a frame waits on.
type frameKind uint8

const (
	// seqLeft waits on the left branch of a seq.
	seqLeft frameKind = iota + 1
	// parLeft and parRight wait on the branches of a par.
	parLeft
	parRight
	// xorLeft and xorRight wait on the branches of a xor.
	xorLeft
	xorRight
	// newBody waits on the body of a new.
	newBody
	// foldBody waits on a fold's body for its first item: all of a fold
	// over a value, one generation of a fold over a stream.
	foldBody
	// streamFold waits on the generations of a fold over a stream.
	streamFold
	// nextBody waits on the body a (next i) runs for the following item;
	// n such waits on one fold stack up without anything between them.
	nextBody
)

// frame is an instruction in progress.
type frame struct {
	kind frameKind
	in   air.Instr
	// fs is the fold of foldBody and nextBody.
	fs *foldState
	// sf is the state of a streamFold.
	sf *streamFoldState
	// n counts the nextBody waits this frame stands for.
	n int
	// leftErr and leftComplete are how the left branch of a par ended,
	// kept while its right branch runs.
	leftErr      *execError
	leftComplete bool
}

// streamFoldState is a fold over a stream between its generations.
type streamFoldState struct {
	id          int
	s           *stream
	c           cursor
	gens        [][]*val
	gen         int
	anyComplete bool
}

// stack is the machine's stack of frames. It grows in chunks, so that
// growing never copies the frames it holds: a run that goes deep pays for
// its frames once, not again at every doubling of one slice.
type stack struct {
	// top is the chunk in use; it is empty only when the stack is.
	top []frame
	// below are the full chunks under top, spare an emptied one kept for
	// the next push, so that a stack going up and down across a chunk's
	// edge does not allocate each time.
	below [][]frame
	spare []frame
}

// Chunks start small, for the shallow scripts most are, and grow to a
// size that makes their allocations rare.
const (
	firstChunk = 16
	maxChunk   = 4096
)

func (s *stack) empty() bool { return len(s.top) == 0 }

// peek returns the frame on top; the stack must not be empty.
func (s *stack) peek() *frame { return &s.top[len(s.top)-1] }

func (s *stack) push(f frame) {
	if len(s.top) == cap(s.top) {
		if s.top != nil {
			s.below = append(s.below, s.top)
		}
		switch {
		case s.spare != nil:
			s.top, s.spare = s.spare, nil
		case s.top == nil:
			s.top = make([]frame, 0, firstChunk)
		default:
			s.top = make([]frame, 0, min(2*cap(s.top), maxChunk))
		}
	}
	s.top = append(s.top, f)
}

func (s *stack) pop() {
	s.top[len(s.top)-1] = frame{}
	s.top = s.top[:len(s.top)-1]
	if len(s.top) == 0 && len(s.below) > 0 {
		s.spare = s.top
		s.top = s.below[len(s.below)-1]
		s.below[len(s.below)-1] = nil
		s.below = s.below[:len(s.below)-1]
	}
}

func (x *interp) push(f frame) { x.stack.push(f) }

func (x *interp) pop() { x.stack.pop() }

// exec runs root to its end and returns the error it ended with.
func (x *interp) exec(root air.Instr) error {
	next, err := root, error(nil)
	for {
		for next != nil {
			next, err = x.start(next)
		}
		if x.stack.empty() {
			return err
		}
		next, err = x.resume(err)
	}
}

// finish records the error an instruction ends with, if any, in the
// error variables and returns it. Calls record their own errors, with
// the peer they were meant for.
func (x *interp) finish(in air.Instr, err error) error {
	if err != nil {
		_, isCanon := in.(*air.Canon)
		x.setErrors(err, display(in), nil, isCanon)
		x.noteRaised(err, span(in))
	}
	return err
}

// start begins an instruction. It returns the instruction to start next
// (a child, with a frame pushed to wait on it, or the one replacing in),
// or nil and the error in finished with.
func (x *interp) start(in air.Instr) (air.Instr, error) {
	if err := x.count(); err != nil {
		return nil, x.finish(in, err)
	}
	var err error
	switch in := in.(type) {
	case *air.Call:
		return nil, x.call(in)
	case *air.Seq:
		x.complete = true
		x.push(frame{kind: seqLeft, in: in})
		return in.Left, nil
	case *air.Par:
		if err := x.tr.ParStart(); err != nil {
			return nil, x.finish(in, errTrace("par", err))
		}
		x.push(frame{kind: parLeft, in: in})
		return x.branch(in.Left), nil
	case *air.Xor:
		x.complete = true
		x.push(frame{kind: xorLeft, in: in})
		return in.Left, nil
	case *air.Null:
	case *air.Never:
		x.complete = false
	case *air.Match:
		var body air.Instr
		if body, err = x.match(in); body != nil {
			return body, nil
		}
	case *air.Fail:
		err = x.fail(in)
	case *air.New:
		x.newStart(in)
		x.push(frame{kind: newBody, in: in})
		return in.Body, nil
	case *air.Ap:
		err = x.ap(in)
	case *air.ApMap:
		err = x.apMap(in)
	case *air.Canon:
		err = x.canon(in)
	case *air.Fold:
		var body air.Instr
		if body, err = x.fold(in); body != nil {
			return body, nil
		}
	case *air.Next:
		var body air.Instr
		if body, err = x.next(in); body != nil {
			return body, nil
		}
	default:
		err = uncatchable(CodeTraceError, "unknown instruction %T", in)
	}
	return nil, x.finish(in, err)
}

// resume hands the result of a finished child to the frame on top. It
// returns the next instruction to start, or nil and the error the frame's
// instruction finished with.
func (x *interp) resume(err error) (air.Instr, error) {
	f := x.stack.peek()
	switch f.kind {
	case seqLeft:
		s := f.in.(*air.Seq)
		x.pop()
		if err == nil && x.complete {
			return s.Right, nil
		}
		return nil, x.finish(s, err)
	case parLeft:
		p := f.in.(*air.Par)
		branchErr, fatal := x.branchEnd(err, x.tr.ParLeftEnd)
		if fatal != nil {
			x.pop()
			return nil, x.finish(p, fatal)
		}
		f.kind, f.leftComplete = parRight, x.complete
		if branchErr != nil {
			f.leftErr = asExec(branchErr)
		}
		return x.branch(p.Right), nil
	case parRight:
		p := f.in.(*air.Par)
		leftErr, leftComplete := f.leftErr, f.leftComplete
		x.pop()
		rightErr, fatal := x.branchEnd(err, x.tr.ParRightEnd)
		if fatal != nil {
			return nil, x.finish(p, fatal)
		}
		x.complete = leftComplete || x.complete
		if leftErr == nil || rightErr == nil {
			x.lastErr.canSet = true
			return nil, nil
		}
		return nil, x.finish(p, rightErr)
	case xorLeft:
		xi := f.in.(*air.Xor)
		if err == nil || !isCatchable(err) {
			x.pop()
			return nil, x.finish(xi, err)
		}
		x.complete = true
		x.lastErr.canSet = true
		x.curErr.orig = asExec(err)
		x.curErr.canSet = true
		f.kind = xorRight
		return xi.Right, nil
	case xorRight:
		xi := f.in.(*air.Xor)
		x.pop()
		if x.curErr.canSet {
			x.curErr = noError()
		}
		if err == nil {
			x.curErr.canSet = true
		}
		return nil, x.finish(xi, err)
	case newBody:
		n := f.in.(*air.New)
		x.pop()
		endErr := x.newEnd(n)
		if err == nil {
			err = endErr
		}
		return nil, x.finish(n, err)
	case foldBody:
		fo, fs := f.in.(*air.Fold), f.fs
		x.pop()
		x.foldEnd(fs)
		if fs.streamFold >= 0 {
			// One generation of a stream fold: its frame below decides.
			return nil, err
		}
		return nil, x.finish(fo, err)
	case streamFold:
		return x.generationEnd(f, err)
	case nextBody:
		return x.nextEnd(f, err)
	}
	return nil, uncatchable(CodeTraceError, "unknown frame %d", f.kind)
}

// branch prepares a par branch. A branch that is just (next i) starts
// incomplete: otherwise the par of (par (call ...) (next i)) would count
// as complete after the last iteration, whose next does nothing.
func (x *interp) branch(in air.Instr) air.Instr {
	_, isNext := in.(*air.Next)
	x.complete = !isNext
	return in
}

// branchEnd closes a par branch that ended with err. A catchable error is
// returned as branchErr and does not stop the other branch; fatal is an
// uncatchable error that stops everything.
func (x *interp) branchEnd(err error, end func() error) (branchErr, fatal error) {
	if err != nil {
		x.complete = false
		if !isCatchable(err) {
			return nil, err
		}
		branchErr = err
	}
	if err := end(); err != nil {
		return nil, errTrace("par", err)
	}
	return branchErr, nil
}
