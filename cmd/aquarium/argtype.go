package main

import (
	"github.com/aquarium-p2p/aquarium/aqua/types"
	"github.com/aquarium-p2p/aquarium/core/session"
)

// basicKinds maps the compiler's scalar kinds to the argument check's.
var basicKinds = map[types.BasicKind]session.Kind{
	types.U8: session.KindU8, types.U16: session.KindU16, types.U32: session.KindU32, types.U64: session.KindU64,
	types.I8: session.KindI8, types.I16: session.KindI16, types.I32: session.KindI32, types.I64: session.KindI64,
	types.F32: session.KindF32, types.F64: session.KindF64,
	types.Bool: session.KindBool, types.String: session.KindString,
}

// argType describes a parameter's Aqua type to the argument check, which
// lives in core/session and so cannot see the compiler's types. A type
// that is not data (a stream map, an ability) is not looked into.
func argType(t types.Type) session.Type {
	elem := func(e types.Type) *session.Type {
		et := argType(e)
		return &et
	}
	switch t := t.(type) {
	case *types.Basic:
		if k, ok := basicKinds[t.Kind]; ok {
			return session.Type{Kind: k}
		}
	case *types.Array:
		return session.Type{Kind: session.KindArray, Elem: elem(t.Elem)}
	case *types.Option:
		return session.Type{Kind: session.KindOption, Elem: elem(t.Elem)}
	case *types.Stream:
		return session.Type{Kind: session.KindStream, Elem: elem(t.Elem)}
	case *types.Struct:
		st := session.Type{Kind: session.KindStruct, Name: t.Name}
		for _, f := range t.Fields {
			st.Fields = append(st.Fields, session.Field{Name: f.Name, Type: argType(f.Type)})
		}
		return st
	case *types.Arrow:
		return session.Type{Kind: session.KindArrow, Name: t.String()}
	}
	return session.Type{Kind: session.KindAny, Name: t.String()}
}
