package jsgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// tsType is the TypeScript type js-client gives or takes for an Aqua
// type: numbers for every number type, T | null for options, T[] for
// arrays and streams (written after the element even when it is an
// option, as the reference writes it), object types with the fields in
// name order, and for arrows the signature of a JavaScript handler.
func tsType(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		switch {
		case t.Kind == types.Bool:
			return "boolean"
		case t.Kind == types.String:
			return "string"
		case t.IsNumber():
			return "number"
		}
	case *types.Option:
		return tsType(t.Elem) + " | null"
	case *types.Array:
		return tsType(t.Elem) + "[]"
	case *types.Stream:
		return tsType(t.Elem) + "[]"
	case *types.Struct:
		return tsObject(t.Fields)
	case *types.Ability:
		return tsObject(t.Fields)
	case *types.Arrow:
		return tsHandler(t)
	}
	switch t {
	case types.Top:
		return "any"
	case types.Bottom:
		return "nothing"
	}
	return "any"
}

func tsObject(fields []types.Field) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i, f := range sortedFields(fields) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Name + ": " + tsType(f.Type) + ";")
	}
	b.WriteString(" }")
	return b.String()
}

func sortedFields(fields []types.Field) []types.Field {
	out := slices.Clone(fields)
	slices.SortFunc(out, func(a, b types.Field) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// tsTuple is the type of several values: a tuple.
func tsTuple(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = tsType(t)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// params names an arrow's parameters; unnamed ones (string, u32 -> T)
// are arg0, arg1, ...
func params(a *types.Arrow) []types.Field {
	out := make([]types.Field, len(a.Params))
	for i, p := range a.Params {
		if p.Name == "" {
			p.Name = fmt.Sprintf("arg%d", i)
		}
		out[i] = p
	}
	return out
}

// tsHandler is the type of a JavaScript function that implements an
// arrow: its parameters, then the call parameters js-client adds, and a
// result that may come at once or as a promise.
func tsHandler(a *types.Arrow) string {
	ps := params(a)
	args := make([]string, 0, len(ps)+1)
	names := make([]string, len(ps))
	for i, p := range ps {
		args = append(args, p.Name+": "+tsType(p.Type))
		names[i] = "'" + p.Name + "'"
	}
	generic := "null"
	if len(names) > 0 {
		generic = strings.Join(names, " | ")
	}
	args = append(args, "callParams: CallParams$$<"+generic+">")
	ret := "void"
	switch len(a.Results) {
	case 0:
	case 1:
		ret = tsType(a.Results[0])
	default:
		ret = tsTuple(a.Results)
	}
	return "(" + strings.Join(args, ", ") + ") => " + ret + " | Promise<" + ret + ">"
}

// namedType is the TypeScript type of a function's argument or result
// list, and the declaration of a named type alias when the reference
// declares one: for a data type, and for several results.
func namedType(ts []types.Type, name string) (decl, typ string) {
	switch len(ts) {
	case 0:
		return "", "void"
	case 1:
		if _, ok := ts[0].(*types.Struct); ok {
			return "export type " + name + " = " + tsType(ts[0]), name
		}
		return "", tsType(ts[0])
	default:
		return "export type " + name + " = " + tsTuple(ts), name
	}
}

// descriptor is the JSON description of a type js-client uses to
// convert values between JavaScript and AIR.
func descriptor(t types.Type) (any, error) {
	switch t := t.(type) {
	case *types.Basic:
		return object{{"tag", "scalar"}, {"name", t.String()}}, nil
	case *types.Option:
		e, err := descriptor(t.Elem)
		return object{{"tag", "option"}, {"type", e}}, err
	case *types.Array:
		e, err := descriptor(t.Elem)
		return object{{"tag", "array"}, {"type", e}}, err
	case *types.Stream:
		e, err := descriptor(t.Elem)
		return object{{"tag", "array"}, {"type", e}}, err
	case *types.Struct:
		return structDescriptor(t.Name, t.Fields)
	case *types.Ability:
		return structDescriptor(t.Name, t.Fields)
	case *types.Arrow:
		return arrowDescriptor(t)
	}
	switch t {
	case types.Top:
		return object{{"tag", "topType"}}, nil
	case types.Bottom:
		return object{{"tag", "bottomType"}}, nil
	}
	return nil, fmt.Errorf("type %s has no js-client descriptor", t)
}

// structDescriptor lists the fields as the reference does: it sorts
// them by name, then keeps them in a Scala map (see orderedMap).
func structDescriptor(name string, fields []types.Field) (any, error) {
	m := newOrderedMap[types.Type]()
	for _, f := range sortedFields(fields) {
		m.set(f.Name, f.Type)
	}
	fs := object{}
	for _, k := range m.order() {
		ft, _ := m.get(k)
		d, err := descriptor(ft)
		if err != nil {
			return nil, err
		}
		fs = append(fs, member{k, d})
	}
	return object{{"tag", "struct"}, {"name", name}, {"fields", fs}}, nil
}

// arrowDescriptor describes an arrow: its parameters, labelled if they
// have names, and its results.
func arrowDescriptor(a *types.Arrow) (any, error) {
	var domain any = object{{"tag", "nil"}}
	if len(a.Params) > 0 {
		var err error
		if a.Params[0].Name != "" {
			domain, err = labelled(a.Params)
		} else {
			ts := make([]types.Type, len(a.Params))
			for i, p := range a.Params {
				ts[i] = p.Type
			}
			domain, err = unlabelled(ts)
		}
		if err != nil {
			return nil, err
		}
	}
	codomain, err := results(a.Results)
	if err != nil {
		return nil, err
	}
	return object{{"tag", "arrow"}, {"domain", domain}, {"codomain", codomain}}, nil
}

func labelled(fields []types.Field) (any, error) {
	fs := object{}
	for _, f := range fields {
		d, err := descriptor(f.Type)
		if err != nil {
			return nil, err
		}
		fs = append(fs, member{f.Name, d})
	}
	return object{{"tag", "labeledProduct"}, {"fields", fs}}, nil
}

func unlabelled(ts []types.Type) (any, error) {
	items := array{}
	for _, t := range ts {
		d, err := descriptor(t)
		if err != nil {
			return nil, err
		}
		items = append(items, d)
	}
	return object{{"tag", "unlabeledProduct"}, {"items", items}}, nil
}

func results(ts []types.Type) (any, error) {
	if len(ts) == 0 {
		return object{{"tag", "nil"}}, nil
	}
	return unlabelled(ts)
}
