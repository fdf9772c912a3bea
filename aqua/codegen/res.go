package codegen

import (
	"strconv"

	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/air"
)

// airNode is a node of the AIR tree that resolve makes of the model tree,
// hops to other peers included: an AIR instruction whose children are
// not yet folded into binary seq/par/xor (toInstr folds them).
type airNode struct {
	kind  resKind
	instr air.Instr // for leaves
	// fold, new, match headers
	fold  *air.Fold
	nw    *air.New
	match *air.Match
	never bool
	kids  []*airNode
}

type resKind uint8

const (
	resSeq resKind = iota
	resPar
	resXor
	resFold
	resNew
	resMatch
	resLeaf
)

// resolve runs the topology over a model tree and produces the AIR.
// b holds the cursors (buildCursor).
func resolve(root *modelNode, b *cursorBuilder) air.Instr {
	t := b.buildCursor(root)
	counter := 0
	out := resolveNode(t, &counter, nil)
	if len(out) == 0 {
		return &air.Null{}
	}
	r := out[0]
	if len(out) > 1 {
		r = &airNode{kind: resSeq, kids: out}
	}
	return toInstr(flattenSeq(r))
}

// resolveNode appends to out the AIR of a model node, with the hops
// into and out of it. counter numbers the nodes in the order visited.
func resolveNode(t *modelCursor, counter *int, out []*airNode) []*airNode {
	*counter++
	cur := makeRes(t, *counter)
	if cur == nil {
		return out
	}
	for _, k := range t.kids {
		cur.kids = resolveNode(k, counter, cur.kids)
	}
	before := through(t.pathBefore(), false)
	after := through(t.pathAfter(), true)
	if len(before) == 0 && len(after) == 0 {
		return append(out, cur)
	}
	kids := append(append(before, cur), after...)
	return append(out, &airNode{kind: resSeq, kids: kids})
}

func hop(peer value) *airNode {
	canon := &air.Canon{Peer: toAir(peer), Source: &air.Stream{Name: "$-hop-"}, Dest: &air.CanonStream{Name: "#-hopc-"}}
	return &airNode{kind: resNew, nw: &air.New{Var: &air.Stream{Name: "$-hop-"}}, kids: []*airNode{
		{kind: resNew, nw: &air.New{Var: &air.CanonStream{Name: "#-hopc-"}}, kids: []*airNode{{kind: resLeaf, instr: canon}}},
	}}
}

func through(peers []value, reversed bool) []*airNode {
	var out []*airNode
	for _, p := range peers {
		if isCollection(typeOf(p)) {
			item := &air.Scalar{Name: "-via-peer-"}
			steps := []*airNode{hop(variable{name: "-via-peer-", typ: types.Typ(types.String)}), {kind: resLeaf, instr: &air.Next{Iterator: item}}}
			if reversed {
				steps[0], steps[1] = steps[1], steps[0]
			}
			out = append(out, &airNode{kind: resFold, fold: &air.Fold{Iterable: toAir(p), Iterator: item}, kids: steps})
			continue
		}
		out = append(out, hop(p))
	}
	return out
}

func peerOr(t *modelCursor) value {
	if p := t.currentPeer(); p != nil {
		return p
	}
	return initPeer
}

// makeRes turns one model node into its AIR form; nil drops the node and
// its subtree.
func makeRes(t *modelCursor, i int) *airNode {
	switch o := t.op().(type) {
	case seqOp, onOp, applyTopologyOp:
		return &airNode{kind: resSeq}
	case matchOp:
		return &airNode{kind: resMatch, match: &air.Match{Mismatch: !o.match, Left: toAir(o.left), Right: toAir(o.right)}}
	case forOp:
		if l, ok := o.iter.(literal); ok && l.text == "[]" {
			return nil
		}
		return &airNode{kind: resFold, fold: &air.Fold{Iterable: toAir(o.iter), Iterator: &air.Scalar{Name: o.item}}, never: o.never}
	case restrictOp:
		return &airNode{kind: resNew, nw: &air.New{Var: toAir(variable{name: o.name, typ: o.typ, canon: o.canon})}}
	case parOp, detachOp:
		return &airNode{kind: resPar}
	case xorOp:
		return &airNode{kind: resXor}
	case nextOp:
		return leafRes(&air.Next{Iterator: &air.Scalar{Name: o.item}})
	case pushOp:
		if sv, ok := isStreamVar(o.val); ok {
			tmp := "push-to-stream-" + strconv.Itoa(i)
			canon := variable{name: tmp, typ: sv.typ, canon: true}
			return &airNode{kind: resSeq, kids: []*airNode{
				leafRes(&air.Canon{Peer: toAir(peerOr(t)), Source: toAir(sv.bare()), Dest: toAir(canon)}),
				leafRes(&air.Ap{Arg: toAir(variable{name: tmp, typ: sv.typ, canon: true, props: sv.props}), Result: toAir(o.to)}),
			}}
		}
		return leafRes(&air.Ap{Arg: toAir(o.val), Result: toAir(o.to)})
	case canonOp:
		return leafRes(&air.Canon{Peer: toAir(peerOr(t)), Source: toAir(o.val), Dest: toAir(o.to)})
	case insertOp:
		m, _ := toAir(variable{name: o.m, typ: o.typ}).(*air.StreamMap)
		return leafRes(&air.ApMap{Key: toAir(o.key), Value: toAir(o.val), Map: m})
	case flattenOp:
		return leafRes(&air.Ap{Arg: toAir(o.val), Result: &air.Scalar{Name: o.name}})
	case failOp:
		return leafRes(&air.Fail{Value: toAir(o.val)})
	case callOp:
		c := &air.Call{Peer: toAir(peerOr(t)), Service: toAir(o.srv), Function: &air.String{Value: o.fn}}
		for _, a := range o.args {
			c.Args = append(c.Args, toAir(a))
		}
		if o.out != nil {
			c.Output = toAir(*o.out)
		}
		return leafRes(c)
	case nullOp:
		return leafRes(&air.Null{})
	}
	return nil
}

func leafRes(in air.Instr) *airNode { return &airNode{kind: resLeaf, instr: in} }

// flattenSeq merges nested seqs and unwraps single-child seqs, as the
// reference does after topology.
func flattenSeq(r *airNode) *airNode {
	for i, k := range r.kids {
		r.kids[i] = flattenSeq(k)
	}
	if r.kind != resSeq {
		return r
	}
	if len(r.kids) == 1 {
		return r.kids[0]
	}
	var out []*airNode
	for _, k := range r.kids {
		if k.kind == resSeq {
			out = append(out, k.kids...)
		} else {
			out = append(out, k)
		}
	}
	r.kids = out
	return r
}

func toInstr(r *airNode) air.Instr {
	kids := make([]air.Instr, len(r.kids))
	for i, k := range r.kids {
		kids[i] = toInstr(k)
	}
	single := func() air.Instr {
		switch len(kids) {
		case 0:
			return &air.Null{}
		case 1:
			return kids[0]
		}
		acc := kids[0]
		for _, k := range kids[1:] {
			acc = &air.Seq{Left: acc, Right: k}
		}
		return acc
	}
	switch r.kind {
	case resLeaf:
		return r.instr
	case resSeq:
		return single()
	case resPar, resXor:
		switch len(kids) {
		case 0:
			return &air.Null{}
		case 1:
			kids = append(kids, &air.Null{})
		}
		acc := kids[0]
		for _, k := range kids[1:] {
			if r.kind == resPar {
				acc = &air.Par{Left: acc, Right: k}
			} else {
				acc = &air.Xor{Left: acc, Right: k}
			}
		}
		return acc
	case resFold:
		f := *r.fold
		f.Body = single()
		if r.never {
			f.Last = &air.Never{}
		} else {
			f.Last = &air.Null{}
		}
		return &f
	case resNew:
		n := *r.nw
		n.Body = single()
		return &n
	case resMatch:
		m := *r.match
		m.Body = single()
		return &m
	}
	return &air.Null{}
}
