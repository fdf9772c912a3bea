package codegen

import "github.com/aquarium-p2p/aquarium/aqua/types"

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
	var out []*modelNode
	for _, k := range kids {
		if k != nil && !isEmpty(k) {
			out = append(out, k)
		}
	}
	switch len(out) {
	case 0:
		return emptyLeaf
	case 1:
		return out[0]
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

// uses adds the names an op reads (children excluded).
func opUses(o modelOp, out map[string]bool) {
	switch o := o.(type) {
	case onOp:
		usesNames(o.peer, out)
		for _, v := range o.via {
			usesNames(v, out)
		}
	case nextOp:
		out[o.item] = true
	case matchOp:
		usesNames(o.left, out)
		usesNames(o.right, out)
	case forOp:
		usesNames(o.iter, out)
	case insertOp:
		usesNames(o.val, out)
	case flattenOp:
		usesNames(o.val, out)
	case failOp:
		usesNames(o.val, out)
	case pushOp:
		usesNames(o.val, out)
	case callOp:
		usesNames(o.srv, out)
		for _, a := range o.args {
			usesNames(a, out)
		}
	case canonOp:
		usesNames(o.val, out)
	}
}

func opExports(o modelOp) []string {
	switch o := o.(type) {
	case insertOp:
		return []string{o.m}
	case flattenOp:
		return []string{o.name}
	case pushOp:
		return []string{o.to.name}
	case callOp:
		if o.out != nil {
			return []string{o.out.name}
		}
	case canonOp:
		return []string{o.to.name}
	}
	return nil
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

// treeUses is the reference's usesVarNames over a subtree: uses of every
// node, minus names restricted by the node itself.
func treeUses(n *modelNode, out map[string]bool) {
	local := map[string]bool{}
	opUses(n.op, local)
	for _, k := range n.kids {
		treeUses(k, local)
	}
	if r := opRestricts(n.op); r != "" {
		delete(local, r)
	}
	for k := range local {
		out[k] = true
	}
}

func treeExports(n *modelNode, filter func(*modelNode) bool, out map[string]bool) {
	if filter != nil && !filter(n) {
		return
	}
	local := map[string]bool{}
	for _, e := range opExports(n.op) {
		local[e] = true
	}
	for _, k := range n.kids {
		treeExports(k, filter, local)
	}
	if r := opRestricts(n.op); r != "" {
		delete(local, r)
	}
	for k := range local {
		out[k] = true
	}
}
