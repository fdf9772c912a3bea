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

// findPath lists the peers to pass through from one location to another,
// excluding both ends. Paths list their ons innermost first, so the part
// the two locations share is at the ends of the slices.
func findPath(from, to tpath) []value {
	shared := 0
	for shared < len(from) && shared < len(to) && sameOn(from[len(from)-1-shared], to[len(to)-1-shared]) {
		shared++
	}
	if shared == len(from) && shared == len(to) {
		return nil // the same place: no way to go
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
	n := 2
	for _, on := range f {
		n += len(on.via)
	}
	for _, on := range t {
		n += len(on.via)
	}
	seq := make([]value, 0, n)
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

// optimizePath removes the detours from a list of peers: a peer the
// list comes back to cuts out whatever lies between. It reuses the
// list's array.
func optimizePath(ids []value, from, to value) []value {
	acc := ids[:0]
	for _, p := range ids {
		switch {
		case len(acc) > 0 && sameValue(acc[len(acc)-1], p):
		default:
			cut := len(acc)
			for i, a := range acc {
				if sameValue(a, p) {
					cut = i
					break
				}
			}
			// acc never runs ahead of the peer being read.
			acc = append(acc[:cut], p)
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

type exitStrategy uint8

const (
	exitEmpty exitStrategy = iota
	exitToRelay
	exitFull
)

// modelCursor is a node of the model tree as the topology sees it: with
// its parent and position, and what the topology has worked out for it
// so far (where execution is before it, where it begins and ends...).
// Each of those is worked out once, on first use: done records which
// are.
type modelCursor struct {
	n      *modelNode
	parent *modelCursor
	idx    int32
	done   memo
	noExec bool
	exit   exitStrategy
	kids   []*modelCursor

	// Where execution is before a node and where it is when the node
	// is done (before, finallyOn) are asked once a node, and not kept.
	pathOn, beginsOn, endsOn, afterOn tpath
	captured                          map[string]*modelCursor
	// firstExec, lastExec and nextExec point at the path of the node
	// that executes first, last or next; nil when none does.
	firstExec, lastExec, nextExec *tpath
}

// memo is a set of the properties of a modelCursor already worked out.
type memo uint16

const (
	memoNoExec memo = 1 << iota
	memoExit
	memoPath
	memoBegins
	memoEnds
	memoAfter
	memoCaptured
	memoFirstExec
	memoLastExec
	memoNextExec
)

// buildCursor makes the cursors of a whole model tree, all of them in
// one array and their children in another: the topology visits every
// node of a function's tree a few times, and a cursor apiece would be
// an allocation apiece. The arrays are b's when they are large enough:
// a Generate resolves one function after another, and nothing keeps
// the cursors of one once it is resolved.
func (b *cursorBuilder) buildCursor(root *modelNode) *modelCursor {
	nodes, edges := 0, 0
	var count func(n *modelNode)
	count = func(n *modelNode) {
		nodes++
		edges += len(n.kids)
		for _, k := range n.kids {
			count(k)
		}
	}
	count(root)
	// build writes every cursor and child it hands out whole.
	if cap(b.cursors) < nodes {
		b.cursors = make([]modelCursor, 0, nodes)
	}
	if cap(b.kids) < edges {
		b.kids = make([]*modelCursor, 0, edges)
	}
	b.cursors, b.kids = b.cursors[:0], b.kids[:0]
	return b.build(root, nil, 0)
}

// cursorBuilder hands out the cursors of one tree from its arrays,
// which are made large enough at the start and never grow.
type cursorBuilder struct {
	cursors []modelCursor
	kids    []*modelCursor
}

func (b *cursorBuilder) build(n *modelNode, parent *modelCursor, idx int32) *modelCursor {
	b.cursors = append(b.cursors, modelCursor{n: n, parent: parent, idx: idx})
	t := &b.cursors[len(b.cursors)-1]
	start := len(b.kids)
	b.kids = b.kids[:start+len(n.kids)]
	t.kids = b.kids[start:len(b.kids):len(b.kids)]
	for i, k := range n.kids {
		t.kids[i] = b.build(k, t, int32(i))
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
	if t.done&memoNoExec != 0 {
		return t.noExec
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
	t.noExec, t.done = r, t.done|memoNoExec
	return r
}

func (t *modelCursor) rawPrev() *modelCursor {
	if t.parent == nil || t.idx == 0 {
		return nil
	}
	return t.parent.kids[t.idx-1]
}

func (t *modelCursor) rawNext() *modelCursor {
	if t.parent == nil || int(t.idx)+1 >= len(t.parent.kids) {
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
	if t.done&memoPath != 0 {
		return t.pathOn
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
	t.pathOn, t.done = p, t.done|memoPath
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
	if t.done&memoCaptured != 0 {
		return t.captured
	}
	_, capture := t.op().(captureOp)
	var inner, left map[string]*modelCursor
	if !capture && len(t.kids) > 0 {
		inner = t.kids[len(t.kids)-1].capturedTopologies()
	}
	if l := t.moveLeft(); l != nil {
		left = l.capturedTopologies()
	}
	// The maps are read only once made, so a node that adds nothing
	// shares the one it sees.
	var out map[string]*modelCursor
	switch {
	case !capture && len(inner) == 0:
		out = left
	case !capture && len(left) == 0:
		out = inner
	default:
		out = make(map[string]*modelCursor, len(inner)+len(left)+1)
		maps.Copy(out, inner)
		maps.Copy(out, left)
		if capture {
			out[t.op().(captureOp).name] = t
		}
	}
	t.captured, t.done = out, t.done|memoCaptured
	return out
}

func (t *modelCursor) currentPeer() value { return t.path().peer() }

func (t *modelCursor) firstExecutesOn() *tpath {
	if t.done&memoFirstExec != 0 {
		return t.firstExec
	}
	var r *tpath
	if isForceExec(t.op()) {
		t.path()
		r = &t.pathOn
	} else {
		for _, c := range t.kids {
			if c.isNoExec() {
				continue
			}
			if r = c.firstExecutesOn(); r != nil {
				break
			}
		}
	}
	t.firstExec, t.done = r, t.done|memoFirstExec
	return r
}

func (t *modelCursor) lastExecutesOn() *tpath {
	if t.done&memoLastExec != 0 {
		return t.lastExec
	}
	var r *tpath
	if isForceExec(t.op()) {
		t.path()
		r = &t.pathOn
	} else {
		for i := len(t.kids) - 1; i >= 0; i-- {
			if c := t.kids[i]; c.isNoExec() {
				continue
			}
			if r = t.kids[i].lastExecutesOn(); r != nil {
				break
			}
		}
	}
	t.lastExec, t.done = r, t.done|memoLastExec
	return r
}

func (t *modelCursor) nextExecutesOn() *tpath {
	if t.done&memoNextExec != 0 {
		return t.nextExec
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
	t.nextExec, t.done = r, t.done|memoNextExec
	return r
}

// before: where execution is before this node starts.
func (t *modelCursor) before() tpath {
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
	return r
}

func isXor(o modelOp) bool { _, ok := o.(xorOp); return ok }

func (t *modelCursor) begins() tpath {
	if t.done&memoBegins != 0 {
		return t.beginsOn
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
		// Where the branches all begin: the outermost ons their
		// paths share, which are at the paths' ends.
		var first tpath
		shared, any := 0, false
		for _, c := range t.kids {
			if c.isNoExec() {
				continue
			}
			b := c.begins()
			if !any {
				first, shared, any = b, len(b), true
				continue
			}
			n := 0
			for n < shared && n < len(b) && sameOn(first[len(first)-1-n], b[len(b)-1-n]) {
				n++
			}
			shared = n
		}
		if any {
			r = first[len(first)-shared : len(first) : len(first)]
		} else {
			r = t.path()
		}
	default:
		r = t.path()
	}
	t.beginsOn, t.done = r, t.done|memoBegins
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
			if valueUses(v, f.item) {
				viaUses = true
			}
		}
		switch {
		case viaUses:
			found = true
		case len(acc) > 0 && len(acc[0].via) > 0 && valueUses(on.peer, f.item):
			found = true
			acc = append(tpath{{peer: acc[0].via[0], via: acc[0].via}}, acc...)
		default:
			acc = append(tpath{on}, acc...)
		}
	}
	return acc
}

func (t *modelCursor) ends() tpath {
	if t.done&memoEnds != 0 {
		return t.endsOn
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
		for _, c := range t.kids {
			if c.isNoExec() {
				continue
			}
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
	t.endsOn, t.done = r, t.done|memoEnds
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
	if t.done&memoAfter != 0 {
		return t.afterOn
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
	t.afterOn, t.done = r, t.done|memoAfter
	return r
}

func (t *modelCursor) forceExit() exitStrategy {
	if t.done&memoExit != 0 {
		return t.exit
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
	t.exit, t.done = r, t.done|memoExit
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

// exportsUsedLater reports whether anything after t reads what t
// exports (but for what it sends back only as far as a relay).
func (t *modelCursor) exportsUsedLater() bool {
	exports := treeExports(t.n, nil)
	if len(exports) == 0 {
		return false
	}
	for c := t.moveRight(); c != nil; c = c.moveRight() {
		if treeUsesAny(c.n, exports) {
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
	var r tpath
	switch t.forceExit() {
	case exitFull:
		r = t.after()
	case exitToRelay:
		r = t.path().toRelay()
	default:
		r = t.ends()
	}
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
