package codegen

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"reflect"
	"slices"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// A fingerprint is the SHA-256 of everything compile can read of
// something: of a function, its lowered body with every type in it
// spelled out, its parameters, results and the names it sees; of a
// service, its id and arrows. Two things with the same fingerprint
// compile the same wherever they are, whatever check made them:
// pointers are followed, never compared.
type fingerprint [sha256.Size]byte

// An encoder writes things to a buffer unambiguously: each node tagged
// with its kind, each string and list preceded by its length. failed
// records that it met something it does not know, whose fingerprint
// would then not tell it apart: what has one is compiled, not reused.
type encoder struct {
	b      []byte
	depth  int // how deep in a type the encoder is
	failed bool
	// declared are the names of the program's functions, in order:
	// each function sees those before it (funcArrow.captured), a
	// prefix of this one list. chain[i] is the fingerprint of its
	// first i names, worked out on first use.
	declared []string
	chain    []fingerprint
}

func (e *encoder) tag(t byte)   { e.b = append(e.b, t) }
func (e *encoder) int(n int)    { e.b = binary.AppendVarint(e.b, int64(n)) }
func (e *encoder) str(s string) { e.int(len(s)); e.b = append(e.b, s...) }
func (e *encoder) strs(s []string) {
	e.int(len(s))
	for _, x := range s {
		e.str(x)
	}
}

func (e *encoder) bool(v bool) {
	if v {
		e.tag(1)
	} else {
		e.tag(0)
	}
}

func (e *encoder) sum() fingerprint { return sha256.Sum256(e.b) }

// funcArrow writes a function, closure or wrapper. Its defs are not
// written: they are worked out from its body.
func (e *encoder) funcArrow(fn *funcArrow) {
	if fn == nil {
		e.tag(0)
		return
	}
	e.tag(1)
	e.str(fn.name)
	e.tree(fn.body)
	e.typ(fn.arrow)
	e.strs(fn.params)
	e.rawValues(fn.ret)
	e.captured(fn.captured)
	e.value(fn.idValue)
	keys := slices.Sorted(maps.Keys(fn.capturedArrows))
	e.int(len(keys))
	for _, k := range keys {
		e.str(k)
		e.funcArrow(fn.capturedArrows[k])
	}
	keys = slices.Sorted(maps.Keys(fn.capturedExports))
	e.int(len(keys))
	for _, k := range keys {
		e.str(k)
		e.value(fn.capturedExports[k])
	}
	e.str(fn.topology)
}

// captured writes the names a function sees as their chain: the
// fingerprint of the last name and the chain of those before it. The
// chains of the prefixes of declared are worked out once.
func (e *encoder) captured(names []string) {
	var sum fingerprint
	// A prefix shares the strings of declared, and comparing two
	// strings that share their bytes is quick.
	if n := len(names); n <= len(e.declared) && slices.Equal(names, e.declared[:n]) {
		if len(e.chain) <= n {
			e.chain = chain(e.chain, e.declared[:n])
		}
		sum = e.chain[n]
	} else {
		c := chain(nil, names)
		sum = c[len(c)-1]
	}
	e.b = append(e.b, sum[:]...)
}

// chain extends the chain c of a prefix of names to all of them:
// c[i] is the chain of the first i names.
func chain(c []fingerprint, names []string) []fingerprint {
	if len(c) == 0 {
		c = append(c, fingerprint{})
	}
	var link []byte
	for i := len(c) - 1; i < len(names); i++ {
		link = append(append(link[:0], c[i][:]...), names[i]...)
		c = append(c, sha256.Sum256(link))
	}
	return c
}

// Tags of types.
const (
	tagNilType byte = iota + 1
	tagBasic
	tagSpecial
	tagArray
	tagOption
	tagStream
	tagStreamMap
	tagStruct
	tagAbility
	tagService
	tagArrow
)

func (e *encoder) typ(t types.Type) {
	if t == nil || reflect.ValueOf(t).IsNil() {
		e.tag(tagNilType)
		return
	}
	switch t := t.(type) {
	case *types.Basic:
		e.tag(tagBasic)
		e.int(int(t.Kind))
		e.str(t.String())
	case *types.Array, *types.Option, *types.Stream, *types.StreamMap:
		elem, _ := types.Elem(t)
		e.tag(collectionTag(t))
		e.typ(elem)
	case *types.Struct:
		e.named(tagStruct, t.Name, t.Fields)
	case *types.Ability:
		e.named(tagAbility, t.Name, t.Fields)
	case *types.Service:
		e.named(tagService, t.Name, t.Arrows)
		e.str(t.DefaultID)
		e.bool(t.HasDefaultID)
	case *types.Arrow:
		e.tag(tagArrow)
		e.fields(t.Abilities)
		e.fields(t.Params)
		e.int(len(t.Results))
		for _, r := range t.Results {
			e.typ(r)
		}
	default:
		e.tag(tagSpecial)
		switch t {
		case types.Top:
			e.tag(0)
		case types.Bottom:
			e.tag(1)
		case types.Invalid:
			e.tag(2)
		case types.NoValue:
			e.tag(3)
		default:
			e.failed = true
		}
	}
}

func collectionTag(t types.Type) byte {
	switch t.(type) {
	case *types.Array:
		return tagArray
	case *types.Option:
		return tagOption
	case *types.Stream:
		return tagStream
	}
	return tagStreamMap
}

// named writes a struct, ability or service: its name and fields. A
// type that contains itself has no fingerprint: the checker makes
// none, and the encoder gives up deep down in one.
func (e *encoder) named(tag byte, name string, fs []types.Field) {
	if e.depth++; e.depth > maxTypeDepth {
		e.failed = true
		e.depth--
		return
	}
	e.tag(tag)
	e.str(name)
	e.fields(fs)
	e.depth--
}

// maxTypeDepth is deeper than the types of any program nest.
const maxTypeDepth = 100

func (e *encoder) fields(fs []types.Field) {
	e.int(len(fs))
	for _, f := range fs {
		e.str(f.Name)
		e.typ(f.Type)
	}
}

// Tags of values and statements.
const (
	tagNil byte = iota + 1
	tagRawLiteral
	tagRawVar
	tagRawApply
	tagRawCollection
	tagRawStruct
	tagRawAbility
	tagRawBinary
	tagRawUnary
	tagRawCall
	tagRawStreamLiteral
	tagRawConst
	tagRawServiceCall
	tagLiteral
	tagVariable

	tagSeq
	tagPar
	tagDetach
	tagTry
	tagEmpty
	tagIf
	tagOn
	tagFor
	tagNext
	tagCall
	tagDecl
	tagAssign
	tagPush
	tagPushMap
	tagFlatten
	tagCanon
	tagJoin
	tagServiceID
	tagClosure
)

func (e *encoder) rawValues(vs []rawValue) {
	e.int(len(vs))
	for _, v := range vs {
		e.rawValue(v)
	}
}

func (e *encoder) rawFields(fs []rawField) {
	e.int(len(fs))
	for _, f := range fs {
		e.str(f.name)
		e.rawValue(f.val)
	}
}

// rawValue writes a raw value: each kind tagged, then its fields.
func (e *encoder) rawValue(v rawValue) {
	switch x := v.(type) {
	case nil:
		e.tag(tagNil)
	case rawLiteral:
		e.tag(tagRawLiteral)
		e.str(x.text)
		e.typ(x.typ)
	case rawVar:
		e.tag(tagRawVar)
		e.str(x.name)
		e.typ(x.typ)
		e.bool(x.canon)
	case rawApply:
		e.tag(tagRawApply)
		e.rawValue(x.base)
		e.int(len(x.props))
		for _, p := range x.props {
			e.int(int(p.kind))
			e.str(p.name)
			e.rawValue(p.idx)
			e.typ(p.typ)
			e.typ(p.arrow)
			e.rawValues(p.args)
			e.rawFields(p.fields)
		}
	case rawCollection:
		e.tag(tagRawCollection)
		e.int(int(x.kind))
		e.typ(x.elem)
		e.rawValues(x.vals)
		e.typ(x.typ)
	case rawStruct:
		e.tag(tagRawStruct)
		e.typ(x.typ)
		e.rawFields(x.fields)
	case rawAbility:
		e.tag(tagRawAbility)
		e.typ(x.typ)
		e.rawFields(x.fields)
	case rawBinary:
		e.tag(tagRawBinary)
		e.str(x.op)
		e.rawValue(x.l)
		e.rawValue(x.r)
		e.typ(x.typ)
	case rawUnary:
		e.tag(tagRawUnary)
		e.str(x.op)
		e.rawValue(x.x)
		e.typ(x.typ)
	case rawCall:
		e.tag(tagRawCall)
		e.str(x.ability)
		e.str(x.name)
		e.typ(x.arrow)
		e.rawValues(x.args)
		e.rawValues(x.abilities)
		e.bool(x.member)
	case rawStreamLiteral:
		e.tag(tagRawStreamLiteral)
		e.str(x.name)
		e.typ(x.typ)
		e.rawValues(x.vals)
	case rawConst:
		e.tag(tagRawConst)
		e.rawValue(x.val)
	case rawServiceCall:
		e.tag(tagRawServiceCall)
		e.rawValue(x.srv)
		e.str(x.fn)
		e.typ(x.arrow)
		e.rawValues(x.args)
	default:
		e.failed = true
	}
}

// value writes an operand of the model tree (a wrapper's id).
func (e *encoder) value(v value) {
	switch x := v.(type) {
	case nil:
		e.tag(tagNil)
	case literal:
		e.tag(tagLiteral)
		e.str(x.text)
		e.typ(x.typ)
	case variable:
		e.tag(tagVariable)
		e.str(x.name)
		e.typ(x.typ)
		e.bool(x.canon)
		e.int(len(x.props))
		for _, p := range x.props {
			e.int(int(p.kind))
			e.str(p.name)
			e.typ(p.typ)
		}
	default:
		e.failed = true
	}
}

func (e *encoder) export(x export) {
	e.str(x.name)
	e.typ(x.typ)
	e.bool(x.canon)
	e.bool(x.existing)
}

// tree writes a raw tree: each statement tagged, then its fields and
// its children.
func (e *encoder) tree(n *rawNode) {
	if n == nil {
		e.tag(tagNil)
		return
	}
	e.stmt(n.stmt)
	e.int(len(n.kids))
	for _, k := range n.kids {
		e.tree(k)
	}
}

func (e *encoder) stmt(s rawStmt) {
	switch s := s.(type) {
	case seqStmt:
		e.tag(tagSeq)
	case parStmt:
		e.tag(tagPar)
	case detachStmt:
		e.tag(tagDetach)
	case tryStmt:
		e.tag(tagTry)
	case emptyStmt:
		e.tag(tagEmpty)
	case ifStmt:
		e.tag(tagIf)
		e.rawValue(s.cond)
	case onStmt:
		e.tag(tagOn)
		e.rawValue(s.peer)
		e.rawValues(s.via)
		e.bool(s.relayRet)
	case forStmt:
		e.tag(tagFor)
		e.str(s.item)
		e.rawValue(s.iter)
		e.int(int(s.mode))
		e.str(s.key)
		e.str(s.val)
	case nextStmt:
		e.tag(tagNext)
		e.str(s.item)
	case callStmt:
		e.tag(tagCall)
		e.int(len(s.exports))
		for _, x := range s.exports {
			e.export(x)
		}
		e.rawValue(s.call)
	case declStmt:
		e.tag(tagDecl)
		e.str(s.name)
		e.typ(s.typ)
	case assignStmt:
		e.tag(tagAssign)
		e.rawValue(s.val)
		e.str(s.name)
	case flattenStmt:
		e.tag(tagFlatten)
		e.rawValue(s.val)
		e.str(s.name)
	case pushStmt:
		e.tag(tagPush)
		e.rawValue(s.val)
		e.export(s.to)
	case pushMapStmt:
		e.tag(tagPushMap)
		e.rawValue(s.key)
		e.rawValue(s.val)
		e.export(s.to)
	case canonStmt:
		e.tag(tagCanon)
		e.rawValue(s.val)
		e.export(s.to)
	case joinStmt:
		e.tag(tagJoin)
		e.rawValues(s.vals)
	case serviceIDStmt:
		e.tag(tagServiceID)
		e.rawValue(s.id)
		e.typ(s.srv)
		e.str(s.name)
	case closureStmt:
		e.tag(tagClosure)
		e.str(s.name)
		e.funcArrow(s.fn)
		e.bool(s.detached)
	default:
		e.failed = true
	}
}
