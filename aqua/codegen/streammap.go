package codegen

import (
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// Stream maps. A map %m is a stream of {"key": k, "value": v} pairs; its
// methods become folds over it and canons of it, with names made from the
// map's name as the reference compiler makes them ("-m_canon",
// "-m_iter", ...):
//
//	get(k)        (canon %m #%-m_canon), then #%-m_canon.$.[k]: every value
//	              pushed under k, in order, or [] (a snapshot)
//	contains(k)   get(k), then whether it is empty
//	getStream(k)  (par (fold %m i (seq (xor (match i.$.key k (ap i.$.value $r)) (null)) (next i)) (never)) (null)):
//	              a stream that follows the map
//	keysStream()  the same for every key
//	keys()        keysStream() canonicalized at once (a snapshot)
//
// A stream that follows the map has the pairs the map had when the method
// was called, and those that reach the map later from other peers; the
// fold has passed those pushed later in the same run.
//
// keys() and "for x <- m" go through a fold over the map itself, not over
// its canonical form as the reference does: AquaVM 0.64 changed folds over
// a canonical map to visit each key once, with its last value, while Aqua
// programs expect every pair, duplicates included, in insertion order
// (the reference's own tests say so). A fold over %m visits every pair on
// every AquaVM version.

// mapName makes a name for something derived from the map m, the way the
// reference does ("-m_suffix"), reserving it.
func (in *inliner) mapName(m variable, suffix string) string {
	return in.names.findAndForbid("-" + m.name + "_" + suffix)
}

// mapMethod inlines a method call on the stream map m and the properties
// applied to its result.
func (in *inliner) mapMethod(m variable, mt *types.StreamMap, call rawProp, rest []rawProp, propsAllowed bool) (value, inl) {
	var args []value
	var argsInl inl
	for _, a := range call.args {
		v, i := in.unfold(a, true)
		args = append(args, v)
		argsInl = argsInl.add(i)
	}
	m = m.bare()
	var res variable
	var resInl inl
	switch {
	case call.name == "get" && len(args) == 1:
		key, ki := in.flatKey(args[0])
		res, resInl = in.mapGet(m, mt, key)
		resInl = ki.mergeWith(resInl, true)
	case call.name == "contains" && len(args) == 1:
		key, ki := in.flatKey(args[0])
		res, resInl = in.mapContains(m, mt, key)
		resInl = ki.mergeWith(resInl, true)
	case call.name == "getStream" && len(args) == 1:
		res, resInl = in.mapGetStream(m, mt, args[0])
	case call.name == "keysStream" && len(args) == 0:
		res, resInl = in.mapKeysStream(m, mt)
	case call.name == "keys" && len(args) == 0:
		res, resInl = in.mapKeys(m, mt)
	default:
		in.g.failf("stream map %s has no method %s taking %d argument(s)", m.name, call.name, len(args))
		return literal{text: `""`}, inl{}
	}
	// The arguments are computed first, then the method, which uses them.
	acc := argsInl.mergeWith(resInl, true)
	if st, ok := res.typ.(*types.Stream); ok && !res.canon && len(rest) > 0 && rest[0].kind == rawIndexProp {
		// An element of a live result waits for it, as s[n] does.
		gate, gi := in.streamGate(res.name, st, rest[0].idx, rest[0].typ)
		return in.unfoldProps(acc.mergeWith(gi, true), gate, rest[1:], propsAllowed)
	}
	return in.unfoldProps(acc, res, rest, propsAllowed)
}

// iterator records the name of a fold iterator.
func (in *inliner) iterator(name string) {
	if in.iterators == nil {
		in.iterators = map[string]bool{}
	}
	in.iterators[name] = true
}

// flatKey gives a key with a lens, or a fold iterator, a name of its own:
// the lens of the canonical map's values (#%m.$.[key]) can only name a
// plain variable.
func (in *inliner) flatKey(key value) (value, inl) {
	v, ok := key.(variable)
	if !ok || len(v.props) == 0 && !in.iterators[v.name] {
		return key, inl{}
	}
	name := in.names.findAndForbid("-" + v.name + "_ap")
	return variable{name: name, typ: typeOf(v)}, inl{predo: []*modelNode{leaf(flattenOp{val: v, name: name})}}
}

// mapGet reads every value of key from a snapshot of the map.
func (in *inliner) mapGet(m variable, mt *types.StreamMap, key value) (variable, inl) {
	res, tree := in.mapGetTree(m, mt, key)
	return res, inl{predo: []*modelNode{tree}}
}

func (in *inliner) mapGetTree(m variable, mt *types.StreamMap, key value) (variable, *modelNode) {
	canon := variable{name: in.mapName(m, "canon"), typ: mt, canon: true}
	var keyName string
	var flatKey *modelNode
	switch k := key.(type) {
	case variable:
		keyName = k.name
	case literal:
		keyName = in.mapName(m, "idx")
		flatKey = leaf(flattenOp{val: k, name: keyName})
	}
	res := canon.withProp(property{kind: indexProp, name: keyName, typ: &types.Array{Elem: mt.Elem}})
	return res, seqOf(leaf(canonOp{val: m, to: canon}), flatKey)
}

// mapContains checks whether a snapshot of the map has the key.
func (in *inliner) mapContains(m variable, mt *types.StreamMap, key value) (variable, inl) {
	arr := variable{name: in.mapName(m, "array"), typ: &types.Array{Elem: mt.Elem}}
	res := variable{name: in.mapName(m, "contains_result"), typ: types.Typ(types.Bool)}
	values, get := in.mapGetTree(m, mt, key)
	length := arr.withProp(property{kind: functorProp, name: "length", typ: types.Typ(types.U32)})
	tree := seqOf(
		get,
		leaf(flattenOp{val: values, name: arr.name}),
		xorOf(
			wrap(matchOp{left: length, right: number(0), match: true}, leaf(flattenOp{val: falseLit, name: res.name})),
			leaf(flattenOp{val: trueLit, name: res.name}),
		),
	)
	return res, inl{predo: []*modelNode{tree}}
}

// mapGetStream makes a stream of the values pushed under key.
func (in *inliner) mapGetStream(m variable, mt *types.StreamMap, key value) (variable, inl) {
	res := variable{name: in.mapName(m, "get_stream_result"), typ: &types.Stream{Elem: mt.Elem}}
	in.resolved(res.name, res)
	tree := in.followMap(m, mt, func(pair variable) *modelNode {
		return xorOf(wrap(matchOp{left: pair.withProp(pairKey), right: key, match: true},
			leaf(pushOp{val: pair.withProp(pairValue(mt)), to: res})))
	})
	return res, inl{predo: []*modelNode{tree}}
}

// mapKeysStream makes a stream of the keys pushed, one for each pair.
func (in *inliner) mapKeysStream(m variable, mt *types.StreamMap) (variable, inl) {
	res := variable{name: in.mapName(m, "keys_stream_result"), typ: &types.Stream{Elem: strType}}
	in.resolved(res.name, res)
	tree := in.followMap(m, mt, func(pair variable) *modelNode {
		return leaf(pushOp{val: pair.withProp(pairKey), to: res})
	})
	return res, inl{predo: []*modelNode{tree}}
}

// mapKeys takes a snapshot of the keys pushed, one for each pair.
func (in *inliner) mapKeys(m variable, mt *types.StreamMap) (variable, inl) {
	st := &types.Stream{Elem: strType}
	stream := variable{name: in.mapName(m, "stream"), typ: st}
	res := variable{name: in.mapName(m, "keys_result"), typ: st, canon: true}
	tree := in.snapshot(m, mt, stream, res, func(pair variable) value { return pair.withProp(pairKey) })
	return res, inl{predo: []*modelNode{tree}}
}

// mapPairs takes a snapshot of every pair of the map as a canonical
// stream, for "for x <- m" to iterate.
func (in *inliner) mapPairs(m variable, mt *types.StreamMap) (variable, *modelNode) {
	st := &types.Stream{Elem: types.MapPair(mt)}
	stream := variable{name: in.mapName(m, "pairs"), typ: st}
	res := variable{name: in.names.findAndForbid(m.name + "_canon"), typ: st, canon: true}
	return res, in.snapshot(m, mt, stream, res, func(pair variable) value { return pair })
}

// snapshot pushes what pick takes from each pair of the map into stream,
// declared for the purpose, and canonicalizes it into res: every pair as
// the map stands, in the order pushed.
func (in *inliner) snapshot(m variable, mt *types.StreamMap, stream, res variable, pick func(pair variable) value) *modelNode {
	fill := in.followMap(m, mt, func(pair variable) *modelNode { return leaf(pushOp{val: pick(pair), to: stream}) })
	return wrap(restrictOp{name: stream.name, typ: stream.typ}, fill, leaf(canonOp{val: stream, to: res}))
}

// followMap runs body for every pair of the map, named by the fold's
// iterator. The fold ends in (never) inside a par, so the script goes on
// at once while the fold stays open for pairs that reach the map later
// from other peers.
func (in *inliner) followMap(m variable, mt *types.StreamMap, body func(pair variable) *modelNode) *modelNode {
	pair := variable{name: in.mapName(m, "iter"), typ: types.MapPair(mt)}
	fold := wrap(forOp{item: pair.name, iter: m, never: true}, body(pair), leaf(nextOp{item: pair.name}))
	return wrap(parOp{}, fold, leaf(nullOp{}))
}

var pairKey = property{kind: fieldProp, name: "key", typ: strType}

func pairValue(mt *types.StreamMap) property {
	return property{kind: fieldProp, name: "value", typ: mt.Elem}
}

func isStreamMap(t types.Type) bool { _, ok := t.(*types.StreamMap); return ok }
