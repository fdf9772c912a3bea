package codegen

import (
	"slices"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// modelOp is what one node of the model tree does: the reference
// compiler's model layer. Children hang off the modelNode.
type modelOp interface{ isModelOp() }

type (
	seqOp    struct{}
	parOp    struct{}
	detachOp struct{} // co: a par whose branch is not waited for
	xorOp    struct{}
	emptyOp  struct{} // nothing; removed by the wrapping helpers
	nullOp   struct{}
	onOp     struct {
		peer     value
		via      []value
		relayRet bool // parseq: return only as far as the relay
	}
	nextOp     struct{ item string }
	restrictOp struct {
		name  string
		typ   types.Type
		canon bool
	}
	matchOp struct {
		left, right value
		match       bool
	}
	forOp struct {
		item  string
		iter  value
		never bool
	}
	insertOp struct {
		key, val value
		m        string
		typ      types.Type
	}
	flattenOp struct {
		val  value
		name string
	}
	failOp struct{ val value }
	pushOp struct {
		val value
		to  variable
	}
	callOp struct {
		srv  value
		fn   string
		args []value
		out  *variable
	}
	canonOp struct {
		val value
		to  variable
	}
	// captureOp marks where a closure that runs where it was defined is
	// defined; applyTopologyOp runs its inlined body there.
	captureOp       struct{ name string }
	applyTopologyOp struct{ name string }
)

func (seqOp) isModelOp()      {}
func (parOp) isModelOp()      {}
func (detachOp) isModelOp()   {}
func (xorOp) isModelOp()      {}
func (emptyOp) isModelOp()    {}
func (nullOp) isModelOp()     {}
func (onOp) isModelOp()       {}
func (nextOp) isModelOp()     {}
func (restrictOp) isModelOp() {}
func (matchOp) isModelOp()    {}
func (forOp) isModelOp()      {}
func (insertOp) isModelOp()   {}
func (flattenOp) isModelOp()  {}
func (failOp) isModelOp()     {}
func (pushOp) isModelOp()     {}
func (callOp) isModelOp()     {}
func (canonOp) isModelOp()    {}
func (captureOp) isModelOp()  {}

func (applyTopologyOp) isModelOp() {}

// modelNode is a node of the model tree: an exported function with every
// call inlined, every name unique and every value computed (the
// reference's OpModel.Tree), but no peer yet placed. The topology walks
// it with a modelCursor and resolves it to an AIR tree (airNode).
type modelNode struct {
	op   modelOp
	kids []*modelNode
}

func leaf(o modelOp) *modelNode { return &modelNode{op: o} }

func wrap(o modelOp, kids ...*modelNode) *modelNode { return &modelNode{op: o, kids: kids} }

var emptyLeaf = leaf(emptyOp{})

func isEmpty(n *modelNode) bool { _, ok := n.op.(emptyOp); return ok }

// seqOf wraps children in a seq, dropping empty ones; one child is
// returned as is, none gives an empty node.
func seqOf(kids ...*modelNode) *modelNode {
	n := 0
	var last *modelNode
	for _, k := range kids {
		if k != nil && !isEmpty(k) {
			n, last = n+1, k
		}
	}
	switch n {
	case 0:
		return emptyLeaf
	case 1:
		return last
	}
	out := make([]*modelNode, 0, n)
	for _, k := range kids {
		if k != nil && !isEmpty(k) {
			out = append(out, k)
		}
	}
	return &modelNode{op: seqOp{}, kids: out}
}

// xorOf wraps children in an xor unless the first is empty.
func xorOf(kids ...*modelNode) *modelNode {
	if len(kids) == 0 || isEmpty(kids[0]) {
		return emptyLeaf
	}
	return &modelNode{op: xorOp{}, kids: kids}
}

// parOf combines several prefixes in parallel, as the reference does with
// independent value computations.
func parOf(kids []*modelNode) *modelNode {
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	return &modelNode{op: parOp{}, kids: kids}
}

func isSeqGroup(o modelOp) bool {
	switch o.(type) {
	case seqOp, onOp, restrictOp, matchOp, forOp, applyTopologyOp:
		return true
	}
	return false
}

func isParGroup(o modelOp) bool {
	switch o.(type) {
	case parOp, detachOp:
		return true
	}
	return false
}

func isGroup(o modelOp) bool {
	_, x := o.(xorOp)
	return x || isSeqGroup(o) || isParGroup(o)
}

func isForceExec(o modelOp) bool {
	switch o.(type) {
	case callOp, canonOp:
		return true
	}
	return false
}

func isNoExecOp(o modelOp) bool {
	switch o.(type) {
	case emptyOp, nullOp, captureOp:
		return true
	}
	return false
}

// opUsesAny reports whether an op reads any of the names (children
// excluded).
func opUsesAny(o modelOp, names []string) bool {
	uses := func(vs ...value) bool {
		for _, v := range vs {
			for _, n := range names {
				if valueUses(v, n) {
					return true
				}
			}
		}
		return false
	}
	switch o := o.(type) {
	case onOp:
		return uses(o.peer) || uses(o.via...)
	case nextOp:
		return slices.Contains(names, o.item)
	case matchOp:
		return uses(o.left, o.right)
	case forOp:
		return uses(o.iter)
	case insertOp:
		return uses(o.val)
	case flattenOp:
		return uses(o.val)
	case failOp:
		return uses(o.val)
	case pushOp:
		return uses(o.val)
	case callOp:
		return uses(o.srv) || uses(o.args...)
	case canonOp:
		return uses(o.val)
	}
	return false
}

// opExport is the name an op writes (children excluded), if any.
func opExport(o modelOp) (string, bool) {
	switch o := o.(type) {
	case insertOp:
		return o.m, true
	case flattenOp:
		return o.name, true
	case pushOp:
		return o.to.name, true
	case callOp:
		if o.out != nil {
			return o.out.name, true
		}
	case canonOp:
		return o.to.name, true
	}
	return "", false
}

func opRestricts(o modelOp) string {
	switch o := o.(type) {
	case restrictOp:
		return o.name
	case forOp:
		return o.item
	}
	return ""
}

// treeUsesAny reports whether a subtree reads any of the names, as the
// reference's usesVarNames sees it: a name a node restricts is not read
// in that node's subtree.
func treeUsesAny(n *modelNode, names []string) bool {
	if r := opRestricts(n.op); r != "" && slices.Contains(names, r) {
		names = slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == r })
		if len(names) == 0 {
			return false
		}
	}
	if opUsesAny(n.op, names) {
		return true
	}
	for _, k := range n.kids {
		if treeUsesAny(k, names) {
			return true
		}
	}
	return false
}

// treeExports appends to out the names a subtree exports, but for what
// it sends back only as far as a relay (an on with relayRet) and for the
// names a node restricts in its own subtree. Names may repeat.
func treeExports(n *modelNode, out []string) []string {
	if on, ok := n.op.(onOp); ok && on.relayRet {
		return out
	}
	start := len(out)
	if e, ok := opExport(n.op); ok {
		out = append(out, e)
	}
	for _, k := range n.kids {
		out = treeExports(k, out)
	}
	if r := opRestricts(n.op); r != "" {
		out = out[:start+len(slices.DeleteFunc(out[start:], func(s string) bool { return s == r }))]
	}
	return out
}
