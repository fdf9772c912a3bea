package air

// checkNextPlacement reports folds over streams and stream maps that run
// instructions after their next. Such a fold re-enters its body whenever
// the stream grows, so work placed after (next i) would run in an order
// that depends on message arrival; the reference refuses these scripts.
//
// A next is "pivotal" for an instruction when it is the last thing that
// instruction runs: the next itself, the right branch of seq and par, any
// branch of xor, the body of new and match. A seq or par whose left branch
// ends in a pivotal next runs something after it. Folds over values allow
// that (the right-fold pattern), so only stream folds turn it into an
// error.
func (p *parser) checkNextPlacement(root Instr) {
	c := nextChecker{p: p}
	c.tail(root)
}

type nextChecker struct {
	p *parser
	// pending are seq/par instructions with work after a next, not yet
	// matched with the fold of that next.
	pending []pendingNext
}

type pendingNext struct {
	iterator string
	span     Span
}

// tail returns the iterator of the pivotal next of in, or "".
func (c *nextChecker) tail(in Instr) string {
	switch in := in.(type) {
	case *Next:
		return in.Iterator.Name
	case *Seq:
		return c.merge(in.Span, in.Left, in.Right)
	case *Par:
		return c.merge(in.Span, in.Left, in.Right)
	case *Xor:
		l, r := c.tail(in.Left), c.tail(in.Right)
		if l != "" && r != "" {
			return ""
		}
		return l + r
	case *New:
		return c.tail(in.Body)
	case *Match:
		return c.tail(in.Body)
	case *Fold:
		from := len(c.pending)
		t := c.tail(in.Body)
		if in.Last != nil {
			c.tail(in.Last)
		}
		iter := in.Iterator.Name
		_, overStream := in.Iterable.(*Stream)
		_, overMap := in.Iterable.(*StreamMap)
		kept := c.pending[:from]
		for _, pn := range c.pending[from:] {
			switch {
			case pn.iterator != iter:
				kept = append(kept, pn)
			case overStream || overMap:
				c.p.report(pn.span.Start, pn.span.End,
					"instructions after (next %s): in a fold over a stream, next must be the last thing the body runs", iter)
			}
		}
		c.pending = kept
		if !overStream && !overMap || t == iter {
			return ""
		}
		return t
	}
	return ""
}

func (c *nextChecker) merge(sp Span, left, right Instr) string {
	l, r := c.tail(left), c.tail(right)
	if l == "" {
		return r
	}
	if l == r {
		return l
	}
	c.pending = append(c.pending, pendingNext{iterator: l, span: sp})
	return ""
}
