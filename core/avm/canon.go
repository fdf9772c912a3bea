package avm

import (
	"github.com/aquarium-p2p/aquarium/core/air"
	"github.com/aquarium-p2p/aquarium/core/avm/data"
	"github.com/aquarium-p2p/aquarium/core/avm/value"
)

// canon fixes a snapshot of a stream on the canon's peer. The first run
// on that peer takes the snapshot; every later run, there or anywhere the
// data travels, replays it from the data, so all peers see the same
// values whatever reached them since.
func (x *interp) canon(c *air.Canon) error {
	st, met, err := x.tr.CanonStart()
	if err != nil {
		return errTrace(display(c), err)
	}
	if met && !st.Sent {
		return x.replayCanon(c, st)
	}
	peer, err := x.resolveString(c.Peer)
	if err != nil {
		if !met && isJoinable(err) {
			x.complete = false
			return nil
		}
		return err
	}
	if peer != x.p.CurrentPeerID {
		x.complete = false
		if met {
			x.tr.Push(st)
			return nil
		}
		x.sendTo(peer, c.Span)
		x.tr.Push(&data.Canon{Sent: true, Peer: x.p.CurrentPeerID})
		return nil
	}
	return x.takeCanon(c, peer)
}

func canonTetraplet(peer string) data.Tetraplet { return data.Tetraplet{PeerPK: peer} }

func (x *interp) takeCanon(c *air.Canon, peer string) error {
	var src *stream
	switch s := c.Source.(type) {
	case *air.Stream:
		src = x.streams.get(s.Name, s.Pos())
	case *air.StreamMap:
		src = x.streams.get(s.Name, s.Pos())
	}
	var elems []val
	if src != nil {
		for _, v := range src.all() {
			elems = append(elems, *v)
		}
	}
	size, err := x.measureCanon(elems)
	if err != nil {
		return err
	}
	if err := x.grow(size); err != nil {
		return err
	}
	tet := canonTetraplet(peer)
	if _, toScalar := c.Dest.(*air.Scalar); toScalar {
		// (canon peer %map scalar): one object of each key's first value.
		obj := map[string]any{}
		for _, e := range elems {
			kv, ok := e.v.(map[string]any)
			if !ok {
				continue
			}
			if k, ok := mapKey(kv["key"]); ok {
				if _, seen := obj[k]; !seen {
					obj[k] = kv["value"]
				}
			}
		}
		elems = []val{{v: obj, tet: tet, prov: literalProvenance}}
	}
	res := data.CanonResult{TetrapletCID: x.addTetraplet(tet), Values: make([]data.CID, len(elems))}
	for i, e := range elems {
		res.Values[i] = x.st.AddCanonElement(data.CanonElement{
			ValueCID:     x.st.AddValue(e.v),
			TetrapletCID: x.addTetraplet(e.tet),
			Provenance:   e.prov,
		})
	}
	cid := x.st.AddCanonResult(res)
	x.madeResult(tet, cid)
	return x.bindCanon(c, &canon{elems: elems, tet: tet, cid: cid}, &data.Canon{CID: cid})
}

func (x *interp) replayCanon(c *air.Canon, st *data.Canon) error {
	peer, err := x.resolveString(c.Peer)
	if err != nil {
		return err
	}
	res, ok := x.st.CanonResults[st.CID]
	if !ok {
		return uncatchable(CodeValueForCIDNotFound, "canon result for CID %q not found", st.CID)
	}
	tet := x.st.Tetraplets[res.TetrapletCID]
	if want := canonTetraplet(peer); tet != want {
		return uncatchable(CodeParametersMismatch,
			"canon tetraplet doesn't match expected parameters: expected %+v, got %+v ", want, tet)
	}
	elems := make([]val, len(res.Values))
	for i, ec := range res.Values {
		el, ok := x.st.CanonElements[ec]
		if !ok {
			return uncatchable(CodeValueForCIDNotFound, "canon element for CID %q not found", ec)
		}
		v, err := x.storedValue(el.ValueCID)
		if err != nil {
			return err
		}
		elems[i] = val{v: v, tet: x.st.Tetraplets[el.TetrapletCID], prov: el.Provenance}
	}
	if _, err := x.measureCanon(elems); err != nil {
		return err
	}
	return x.bindCanon(c, &canon{elems: elems, tet: tet, cid: st.CID}, st)
}

func (x *interp) bindCanon(c *air.Canon, cn *canon, st *data.Canon) error {
	switch dst := c.Dest.(type) {
	case *air.CanonStream:
		if err := x.sc.set(dst.Name, &binding{canon: cn}); err != nil {
			return err
		}
	case *air.CanonMap:
		if err := indexMap(cn); err != nil {
			return err
		}
		if err := x.sc.set(dst.Name, &binding{canon: cn}); err != nil {
			return err
		}
	case *air.Scalar:
		if len(cn.elems) != 1 {
			return uncatchable(CodeStreamMapKey, "canon stream map scalar needs exactly one value, got %d", len(cn.elems))
		}
		v := &val{v: cn.elems[0].v, tet: cn.tet, pos: x.tr.Pos(), prov: data.Provenance{Kind: data.FromCanon, CID: cn.cid}}
		if err := x.sc.set(dst.Name, &binding{val: v}); err != nil {
			return err
		}
	}
	x.tr.Push(st)
	return nil
}

// measureCanon checks the values of a canon, as the array they make,
// against the value size limit: a canon can hold one value many times.
func (x *interp) measureCanon(elems []val) (int, error) {
	total := 2 + max(len(elems)-1, 0)
	for _, e := range elems {
		n, err := value.Measure(e.v, x.limits.ValueSize-total)
		if err != nil {
			return 0, x.errValueLimit(err, "the values of a canon")
		}
		total += n
	}
	return total, x.charge(total)
}

// indexMap groups a canon map's {"key","value"} elements by key.
func indexMap(c *canon) error {
	c.isMap = true
	c.byKey = map[string][]val{}
	for _, e := range c.elems {
		kv, ok := e.v.(map[string]any)
		if !ok {
			return uncatchable(CodeStreamMapKey, "stream map value %s is not a key-value object", value.String(e.v))
		}
		k, ok := mapKey(kv["key"])
		v, hasValue := kv["value"]
		if !ok || !hasValue {
			return uncatchable(CodeStreamMapKey, "stream map value %s is not a key-value object", value.String(e.v))
		}
		if _, seen := c.byKey[k]; !seen {
			c.keys = append(c.keys, k)
		}
		ev := e
		ev.v = v
		c.byKey[k] = append(c.byKey[k], ev)
	}
	return nil
}
