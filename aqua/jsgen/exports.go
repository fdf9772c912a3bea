package jsgen

import (
	"fmt"

	"github.com/aquarium-p2p/aquarium/aqua"
	"github.com/aquarium-p2p/aquarium/aqua/types"
)

// rename is the new name an export entry gives, if any.
type rename struct {
	name string
	set  bool
}

// then joins two renamings of one name, as the reference joins them:
// a module exporting f as g, imported by one exporting f as h, exports
// it as gh.
func (r rename) then(s rename) rename {
	switch {
	case !r.set:
		return s
	case !s.set:
		return r
	}
	return rename{r.name + s.name, true}
}

// exportMaps works out each module's export list as the reference
// compiler keeps it: a map from the names listed to their renamings.
// The lists of the modules it imports (not uses) are joined in order;
// each entry of the module's own export line is added to that in turn;
// and the imported list is joined with the result once more. The order
// of that map is the order in which the reference outputs functions and
// services.
type exportMaps map[*aqua.File]*orderedMap[rename]

func (em exportMaps) of(f *aqua.File) (*orderedMap[rename], error) {
	if m, ok := em[f]; ok {
		return m, nil
	}
	deps := f.Imports()
	if len(deps) != len(f.Syntax.Imports) {
		return nil, fmt.Errorf("%s: imports not resolved", f.Path)
	}
	imported := newOrderedMap[rename]()
	for i, im := range f.Syntax.Imports {
		if im.Use {
			continue
		}
		dm, err := em.of(deps[i])
		if err != nil {
			return nil, err
		}
		imported = concat(imported, dm)
	}
	own := imported
	for _, ex := range f.Syntax.Exports {
		for _, it := range ex.Items {
			r := rename{}
			if it.As != nil {
				r = rename{it.As.Name, true}
			}
			own = addExport(own, it.Name.String(), r)
		}
	}
	// The module's context is its imports' joined with its own, so the
	// imported entries come first again.
	m := concat(imported, own)
	em[f] = m
	return m, nil
}

// concat is Scala's m1 ++ m2: the entries of m2 replace those of m1 of
// the same name and follow the others.
func concat(a, b *orderedMap[rename]) *orderedMap[rename] {
	out := newOrderedMap[rename]()
	for _, k := range a.order() {
		v, _ := a.get(k)
		out.set(k, v)
	}
	for _, k := range b.order() {
		v, _ := b.get(k)
		out.set(k, v)
	}
	return out
}

// addExport joins a one-entry map to acc the way the reference's map
// monoid does: the smaller map is folded into the larger, so while acc
// has at most one entry, the new entry comes first. That is why the
// reference outputs the first two exports of a file swapped.
func addExport(acc *orderedMap[rename], name string, r rename) *orderedMap[rename] {
	if acc.len() <= 1 {
		out := newOrderedMap[rename]()
		out.set(name, r)
		for _, k := range acc.order() {
			v, _ := acc.get(k)
			if k == name {
				v = v.then(r)
			}
			out.set(k, v)
		}
		return out
	}
	out := newOrderedMap[rename]()
	for _, k := range acc.keys {
		v, _ := acc.get(k)
		out.set(k, v)
	}
	prev, _ := out.get(name)
	out.set(name, prev.then(r))
	return out
}

// hostName is the name the host sees for an export entry.
func hostName(key string, r rename) string {
	if r.set {
		return r.name
	}
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '.' {
			return key[i+1:]
		}
	}
	return key
}

// lookup finds what a file sees under a name: its own declarations,
// then what its imports (not uses) bring in.
func lookup(f *aqua.File, name string) *types.Object {
	if o := f.Module.Scope.LookupLocal(name); o != nil {
		return o
	}
	deps := f.Imports()
	for i, im := range f.Syntax.Imports {
		if im.Use || i >= len(deps) {
			continue
		}
		declared := deps[i].Module.Declared()
		if im.Items == nil {
			if o := declared[name]; o != nil {
				return o
			}
			continue
		}
		for _, it := range im.Items {
			local := it.Name.String()
			if it.As != nil {
				local = it.As.Name
			}
			if local == name {
				if o := declared[it.Name.String()]; o != nil {
					return o
				}
			}
		}
	}
	return nil
}
