package codegen

import (
	"maps"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// The topology pass decides where every instruction runs and inserts the
// hops between peers. It follows the reference compiler's strategies:
// for every node it computes where execution is before it, where it
// begins, ends and continues, and whether it must explicitly return.

// tpath is a stack of enclosing on scopes, innermost first.
type tpath []onOp

func sameOn(a, b onOp) bool {
	if !sameValue(a.peer, b.peer) || len(a.via) != len(b.via) || a.relayRet != b.relayRet {
		return false
	}
	for i := range a.via {
		if !sameValue(a.via[i], b.via[i]) {
			return false
		}
	}
	return true
}

func (p tpath) equal(q tpath) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if !sameOn(p[i], q[i]) {
			return false
		}
	}
	return true
}

func (p tpath) peer() value {
	if len(p) == 0 {
		return nil
	}
	return p[0].peer
}

func (p tpath) lastRelay() value {
	if len(p) == 0 || len(p[0].via) == 0 {
		return nil
	}
	return p[0].via[len(p[0].via)-1]
}

// toRelay is the path of the innermost relay: the first on with a via,
// moved to its last relay.
func (p tpath) toRelay() tpath {
	for i, on := range p {
		if len(on.via) > 0 {
			r := onOp{peer: on.via[len(on.via)-1], via: on.via[:len(on.via)-1], relayRet: on.relayRet}
			return append(tpath{r}, p[i+1:]...)
		}
	}
	return nil
}

func reversePath(p tpath) tpath {
	out := make(tpath, len(p))
	for i, on := range p {
		out[len(p)-1-i] = on
	}
	return out
}

func commonPrefix(a, b tpath) tpath {
	var out tpath
	for i := 0; i < len(a) && i < len(b) && sameOn(a[i], b[i]); i++ {
		out = append(out, a[i])
	}
	return out
}

func containsValue(vs []value, v value) bool {
	for _, x := range vs {
		if sameValue(x, v) {
			return true
		}
	}
	return false
}

// findPath lists the peers to pass through from one location to another,
// excluding both ends. Paths list their ons innermost first, so the part
// the two locations share is at the ends of the slices.
func findPath(from, to tpath) []value {
	shared := 0
	for shared < len(from) && shared < len(to) && sameOn(from[len(from)-1-shared], to[len(to)-1-shared]) {
		shared++
	}
	f, t := from[:len(from)-shared], to[:len(to)-shared]
	fromPeer, toPeer := from.peer(), to.peer()
	differ := !optEqual(fromPeer, toPeer)
	if len(f) == 0 && differ && len(from) > 0 {
		f = from[:1]
	}
	if len(t) == 0 && differ && len(to) > 0 {
		t = to[:1]
	}
	var seq []value
	if fromPeer != nil {
		seq = append(seq, fromPeer)
	}
	// Out of the ons being left, innermost first, through their relays
	// backwards; then into the ons being entered, outermost first.
	for _, on := range f {
		for k := len(on.via) - 1; k >= 0; k-- {
			seq = append(seq, on.via[k])
		}
	}
	for j := len(t) - 1; j >= 0; j-- {
		seq = append(seq, t[j].via...)
	}
	if toPeer != nil {
		seq = append(seq, toPeer)
	}
	return optimizePath(seq, fromPeer, toPeer)
}

func optEqual(a, b value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameValue(a, b)
}

func optimizePath(ids []value, from, to value) []value {
	var acc []value
	for _, p := range ids {
		switch {
		case len(acc) > 0 && sameValue(acc[len(acc)-1], p):
		case containsValue(acc, p):
			var cut []value
			for _, a := range acc {
				if sameValue(a, p) {
					break
				}
				cut = append(cut, a)
			}
			acc = append(cut, p)
		default:
			acc = append(acc, p)
		}
	}
	if len(acc) > 0 && from != nil && sameValue(acc[0], from) {
		acc = acc[1:]
	}
	if len(acc) > 0 && to != nil && sameValue(acc[len(acc)-1], to) {
		acc = acc[:len(acc)-1]
	}
	return acc
}

func findPathEnforce(from, to tpath) []value {
	p := findPath(from, to)
	if tp := to.peer(); tp != nil && (len(p) == 0 || !sameValue(p[len(p)-1], tp)) {
		p = append(p, tp)
	}
	return p
}

func findRelayPathEnforcement(before, begin tpath) []value {
	peer := begin.peer()
	if peer == nil || len(begin) < 1 {
		return nil
	}
	prev := begin[1:]
	lr := prev.lastRelay()
	if lr == nil || !sameValue(lr, peer) {
		return nil
	}
	if len(before) > 0 && sameValue(before[0].peer, peer) {
		return nil
	}
	return []value{peer}
}

type exitStrategy int

const (
	exitEmpty exitStrategy = iota
	exitToRelay
	exitFull
)

// modelCursor is a node of the model tree as the topology sees it: with
// its parent and position, and what the topology has worked out for it
// so far (where execution is before it, where it begins and ends...).
type modelCursor struct {
	n      *modelNode
	parent *modelCursor
	idx    int
	kids   []*modelCursor

	noExec                                      *bool
	pathOn, beginsOn, endsOn, afterOn, beforeOn *tpath
	finally                                     *tpath
	captured                                    map[string]*modelCursor
	exit                                        *exitStrategy
	firstExec, lastExec, nextExec               **tpath
	firstExecDone, lastExecDone, nextExecDone   bool
}

func buildCursor(n *modelNode, parent *modelCursor, idx int) *modelCursor {
	t := &modelCursor{n: n, parent: parent, idx: idx}
	t.kids = make([]*modelCursor, len(n.kids))
	for i, k := range n.kids {
		t.kids[i] = buildCursor(k, t, i)
	}
	return t
}

func (t *modelCursor) op() modelOp { return t.n.op }

func (t *modelCursor) parentOp() modelOp {
	if t.parent == nil {
		return nil
	}
	return t.parent.op()
}

func (t *modelCursor) isNoExec() bool {
	if t.noExec != nil {
		return *t.noExec
	}
	r := false
	switch {
	case isNoExecOp(t.op()):
		r = true
	case isGroup(t.op()):
		r = true
		for _, k := range t.kids {
			if !k.isNoExec() {
				r = false
				break
			}
		}
	}
	t.noExec = &r
	return r
}

func (t *modelCursor) rawPrev() *modelCursor {
	if t.parent == nil || t.idx == 0 {
		return nil
	}
	return t.parent.kids[t.idx-1]
}

func (t *modelCursor) rawNext() *modelCursor {
	if t.parent == nil || t.idx+1 >= len(t.parent.kids) {
		return nil
	}
	return t.parent.kids[t.idx+1]
}

func (t *modelCursor) prevSibling() *modelCursor {
	for c := t.rawPrev(); c != nil; c = c.rawPrev() {
		if !c.isNoExec() {
			return c
		}
	}
	return nil
}

func (t *modelCursor) nextSibling() *modelCursor {
	for c := t.rawNext(); c != nil; c = c.rawNext() {
		if !c.isNoExec() {
			return c
		}
	}
	return nil
}

func (t *modelCursor) firstChild() *modelCursor {
	if len(t.kids) == 0 {
		return nil
	}
	if c := t.kids[0]; !c.isNoExec() {
		return c
	}
	return t.kids[0].nextSibling()
}

func (t *modelCursor) lastChild() *modelCursor {
	if len(t.kids) == 0 {
		return nil
	}
	if c := t.kids[len(t.kids)-1]; !c.isNoExec() {
		return c
	}
	return t.kids[len(t.kids)-1].prevSibling()
}

func (t *modelCursor) children() []*modelCursor {
	var out []*modelCursor
	for _, k := range t.kids {
		if !k.isNoExec() {
			out = append(out, k)
		}
	}
	return out
}

// moveRight is the next sibling, or the parent's, and so on.
func (t *modelCursor) moveRight() *modelCursor {
	for c := t; c != nil; c = c.parent {
		if n := c.rawNext(); n != nil {
			return n
		}
	}
	return nil
}

func (t *modelCursor) path() tpath {
	if t.pathOn != nil {
		return *t.pathOn
	}
	var p tpath
	var parentPath tpath
	if t.parent != nil {
		parentPath = t.parent.path()
	}
	switch o := t.op().(type) {
	case onOp:
		p = append(tpath{o}, parentPath...)
	case applyTopologyOp:
		p = parentPath
		if c, ok := t.capturedTopologies()[o.name]; ok {
			p = c.path()
		}
	default:
		p = parentPath
	}
	t.pathOn = &p
	return p
}

// moveLeft is the previous sibling, or the parent's, and so on.
func (t *modelCursor) moveLeft() *modelCursor {
	for c := t; c != nil; c = c.parent {
		if p := c.rawPrev(); p != nil {
			return p
		}
	}
	return nil
}

// capturedTopologies are the closures captured to the left of t, by
// name: the places where their bodies run.
func (t *modelCursor) capturedTopologies() map[string]*modelCursor {
	if t.captured != nil {
		return t.captured
	}
	out := map[string]*modelCursor{}
	if _, ok := t.op().(captureOp); !ok && len(t.kids) > 0 {
		maps.Copy(out, t.kids[len(t.kids)-1].capturedTopologies())
	}
	if l := t.moveLeft(); l != nil {
		maps.Copy(out, l.capturedTopologies())
	}
	if c, ok := t.op().(captureOp); ok {
		out[c.name] = t
	}
	t.captured = out
	return out
}

func (t *modelCursor) currentPeer() value { return t.path().peer() }

func (t *modelCursor) firstExecutesOn() *tpath {
	if t.firstExecDone {
		return *t.firstExec
	}
	var r *tpath
	if isForceExec(t.op()) {
		p := t.path()
		r = &p
	} else {
		for _, c := range t.children() {
			if r = c.firstExecutesOn(); r != nil {
				break
			}
		}
	}
	t.firstExec, t.firstExecDone = &r, true
	return r
}

func (t *modelCursor) lastExecutesOn() *tpath {
	if t.lastExecDone {
		return *t.lastExec
	}
	var r *tpath
	if isForceExec(t.op()) {
		p := t.path()
		r = &p
	} else {
		cs := t.children()
		for i := len(cs) - 1; i >= 0; i-- {
			if r = cs[i].lastExecutesOn(); r != nil {
				break
			}
		}
	}
	t.lastExec, t.lastExecDone = &r, true
	return r
}

func (t *modelCursor) nextExecutesOn() *tpath {
	if t.nextExecDone {
		return *t.nextExec
	}
	var r *tpath
	if p := t.parent; p != nil {
		if isSeqGroup(p.op()) {
			for c := t.rawNext(); c != nil && r == nil; c = c.rawNext() {
				r = c.firstExecutesOn()
			}
			if r == nil {
				r = p.nextExecutesOn()
			}
		} else {
			r = p.nextExecutesOn()
		}
	}
	t.nextExec, t.nextExecDone = &r, true
	return r
}

// before: where execution is before this node starts.
func (t *modelCursor) before() tpath {
	if t.beforeOn != nil {
		return *t.beforeOn
	}
	var r tpath
	po := t.parentOp()
	defaultBefore := func() tpath {
		if t.parent != nil {
			return t.parent.begins()
		}
		return t.path()
	}
	switch {
	case po == nil:
		r = t.begins()
	case isXor(po):
		if p := t.prevSibling(); p != nil {
			r = p.begins()
		} else {
			r = defaultBefore()
		}
	case isSeqGroup(po):
		if p := t.prevSibling(); p != nil {
			r = p.finallyOn()
		} else {
			r = defaultBefore()
		}
	default:
		r = defaultBefore()
	}
	t.beforeOn = &r
	return r
}

func isXor(o modelOp) bool { _, ok := o.(xorOp); return ok }

func (t *modelCursor) begins() tpath {
	if t.beginsOn != nil {
		return *t.beginsOn
	}
	var r tpath
	switch o := t.op().(type) {
	case failOp:
		r = t.path()
	case nextOp:
		r = t.path()
		if isSeqGroup(t.parentOp()) {
			for p := t.parent; p != nil; p = p.parent {
				if _, ok := p.op().(forOp); ok {
					r = p.begins()
					break
				}
			}
		}
	case forOp:
		r = t.forBegins(o)
	case parOp:
		cs := t.children()
		if len(cs) == 0 {
			r = t.path()
		} else {
			acc := reversePath(cs[0].begins())
			for _, c := range cs[1:] {
				acc = commonPrefix(acc, reversePath(c.begins()))
			}
			r = reversePath(acc)
		}
	default:
		r = t.path()
	}
	t.beginsOn = &r
	return r
}

func (t *modelCursor) forBegins(f forOp) tpath {
	first := t.firstChild()
	if first != nil {
		if _, ok := first.op().(nextOp); ok {
			first = first.nextSibling()
		}
	}
	if first == nil {
		return t.path()
	}
	child := first.begins()
	var acc tpath
	found := false
	for i := len(child) - 1; i >= 0 && !found; i-- {
		on := child[i]
		viaUses := false
		for _, v := range on.via {
			m := map[string]bool{}
			usesNames(v, m)
			if m[f.item] {
				viaUses = true
			}
		}
		peerUses := map[string]bool{}
		usesNames(on.peer, peerUses)
		switch {
		case viaUses:
			found = true
		case len(acc) > 0 && len(acc[0].via) > 0 && peerUses[f.item]:
			found = true
			acc = append(tpath{{peer: acc[0].via[0], via: acc[0].via}}, acc...)
		default:
			acc = append(tpath{on}, acc...)
		}
	}
	return acc
}

func (t *modelCursor) ends() tpath {
	if t.endsOn != nil {
		return *t.endsOn
	}
	var r tpath
	o := t.op()
	switch {
	case isSeqGroup(o):
		r = t.childFinally(t.lastChild())
	case isXor(o):
		r = t.childFinally(t.firstChild())
	case isParGroup(o):
		ex := exitEmpty
		for _, c := range t.children() {
			if e := c.forceExit(); e > ex {
				ex = e
			}
		}
		switch ex {
		case exitEmpty:
			r = t.begins()
		case exitToRelay:
			r = t.path().toRelay()
		default:
			r = t.after()
		}
	case t.parent == nil:
		r = t.path()
	default:
		r = t.begins()
	}
	t.endsOn = &r
	return r
}

func (t *modelCursor) childFinally(c *modelCursor) tpath {
	if c == nil {
		return t.begins()
	}
	switch c.forceExit() {
	case exitToRelay:
		return c.path().toRelay()
	case exitFull:
		return t.after()
	}
	return c.ends()
}

func (t *modelCursor) afterParent() tpath {
	if t.parent != nil {
		return t.parent.after()
	}
	return t.path()
}

func (t *modelCursor) after() tpath {
	if t.afterOn != nil {
		return *t.afterOn
	}
	var r tpath
	po := t.parentOp()
	switch {
	case po == nil:
		r = t.path()
	case isParGroup(po):
		r = t.afterParent()
	case isXor(po):
		switch t.forceExit() {
		case exitToRelay:
			r = t.path().toRelay()
		case exitFull:
			if pe := t.closestParExit(); pe != nil {
				r = pe.after()
			} else {
				r = t.afterParent()
			}
		default:
			r = t.path()
		}
	case isSeqGroup(po):
		if n := t.nextSibling(); n != nil {
			r = n.begins()
		} else {
			r = t.afterParent()
		}
	default:
		r = t.path()
	}
	t.afterOn = &r
	return r
}

func (t *modelCursor) forceExit() exitStrategy {
	if t.exit != nil {
		return *t.exit
	}
	var r exitStrategy
	switch o := t.op().(type) {
	case onOp:
		if o.relayRet {
			r = exitToRelay
		} else {
			r = t.afterForceExit()
		}
	case failOp:
		r = exitEmpty
	default:
		r = t.afterForceExit()
	}
	t.exit = &r
	return r
}

func (t *modelCursor) afterForceExit() exitStrategy {
	po := t.parentOp()
	switch {
	case po == nil:
		return exitEmpty
	case isParGroup(po):
		if t.exportsUsedLater() {
			return exitFull
		}
		return exitEmpty
	case isXor(po):
		if c := t.closestParExitChild(); c != nil {
			return c.forceExit()
		}
		if t.parent.hasExecLater() {
			return exitFull
		}
		return exitEmpty
	}
	return exitEmpty
}

func (t *modelCursor) hasExecLater() bool {
	for c := t.moveRight(); c != nil; c = c.moveRight() {
		if !c.isNoExec() {
			return true
		}
	}
	return false
}

func (t *modelCursor) namesUsedLater() map[string]bool {
	out := map[string]bool{}
	for c := t.moveRight(); c != nil; c = c.moveRight() {
		treeUses(c.n, out)
	}
	return out
}

func (t *modelCursor) exportsUsedLater() bool {
	exports := map[string]bool{}
	treeExports(t.n, func(n *modelNode) bool {
		if on, ok := n.op.(onOp); ok && on.relayRet {
			return false
		}
		return true
	}, exports)
	if len(exports) == 0 {
		return false
	}
	for n := range t.namesUsedLater() {
		if exports[n] {
			return true
		}
	}
	return false
}

// closestParExitChild finds the par branch this xor branch exits from, if
// it is at the end of one.
func (t *modelCursor) closestParExitChild() *modelCursor {
	for p := t.parent; p != nil; p = p.parent {
		po := p.parentOp()
		switch {
		case po != nil && isSeqGroup(po):
			if p.nextSibling() == nil {
				continue
			}
			return nil
		case po != nil && isXor(po):
			continue
		case po != nil && isParGroup(po):
			return p
		}
		return nil
	}
	return nil
}

func (t *modelCursor) closestParExit() *modelCursor {
	if c := t.closestParExitChild(); c != nil {
		return c.parent
	}
	return nil
}

func (t *modelCursor) finallyOn() tpath {
	if t.finally != nil {
		return *t.finally
	}
	var r tpath
	switch t.forceExit() {
	case exitFull:
		r = t.after()
	case exitToRelay:
		r = t.path().toRelay()
	default:
		r = t.ends()
	}
	t.finally = &r
	return r
}

func (t *modelCursor) pathBefore() []value {
	bef, beg := t.before(), t.begins()
	path := findPath(bef, beg)
	if where := t.firstExecutesOn(); where != nil && !where.equal(beg) {
		path = append(path, findRelayPathEnforcement(bef, beg)...)
	}
	if _, ok := t.op().(failOp); ok {
		if peer := beg.peer(); peer != nil && len(path) > 0 && !sameValue(path[len(path)-1], peer) {
			path = append(path, peer)
		}
	}
	return path
}

func (t *modelCursor) pathAfterVia() []value {
	switch t.forceExit() {
	case exitToRelay:
		return findPathEnforce(t.ends(), t.path().toRelay())
	case exitFull:
		ends, after, next := t.ends(), t.after(), t.nextExecutesOn()
		if next == nil || next.equal(after) {
			return findPath(ends, after)
		}
		return findPathEnforce(ends, after.toRelay())
	}
	return nil
}

func (t *modelCursor) pathAfterAndPingNext() []value {
	if t.forceExit() != exitFull {
		return t.pathAfterVia()
	}
	e, a, l := t.ends(), t.after(), t.lastExecutesOn()
	var appendix []value
	switch {
	case e.equal(a):
	case l != nil && l.equal(e):
		if len(a) > 0 && !(len(e) > 0 && sameOn(e[0], a[0])) {
			appendix = []value{a[0].peer}
		}
	default:
		appendix = findRelayPathEnforcement(a, e)
		if p := a.peer(); p != nil {
			appendix = append(appendix, p)
		}
	}
	return append(t.pathAfterVia(), appendix...)
}

func (t *modelCursor) pathAfter() []value {
	po := t.parentOp()
	switch {
	case po != nil && isParGroup(po):
		return t.pathAfterAndPingNext()
	case po != nil && isXor(po):
		if t.closestParExit() != nil {
			return t.pathAfterAndPingNext()
		}
	}
	return t.pathAfterVia()
}

func isCollection(t types.Type) bool {
	switch t.(type) {
	case *types.Array, *types.Option, *types.Stream:
		return true
	}
	return false
}
