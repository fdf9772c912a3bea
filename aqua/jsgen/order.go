package jsgen

import (
	"slices"
	"unicode/utf16"
)

// orderedMap is a map from names to values that iterates as the
// reference compiler's maps do. The reference is written in Scala, and
// the order of what it outputs (functions, services, struct fields in
// type descriptors) is the iteration order of Scala's immutable maps:
// insertion order up to four entries, and past four the order of a
// hash trie (CHAMP) keyed by the Java hash of each name. Matching that
// order is what makes our modules byte-identical to the reference's.
type orderedMap[V any] struct {
	keys []string // in insertion order
	vals map[string]V
}

func newOrderedMap[V any]() *orderedMap[V] {
	return &orderedMap[V]{vals: map[string]V{}}
}

// set adds or replaces an entry. A replaced entry keeps its place, as
// in Scala's small maps; in a hash trie the place does not depend on
// insertion at all.
func (m *orderedMap[V]) set(k string, v V) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *orderedMap[V]) get(k string) (V, bool) {
	v, ok := m.vals[k]
	return v, ok
}

func (m *orderedMap[V]) len() int { return len(m.keys) }

// order returns the keys in iteration order.
func (m *orderedMap[V]) order() []string {
	return scalaOrder(m.keys)
}

// scalaOrder returns keys, given in insertion order, in the order a
// Scala immutable Map holding them iterates.
func scalaOrder(keys []string) []string {
	if len(keys) <= 4 {
		return slices.Clone(keys)
	}
	hashed := make([]hashedKey, len(keys))
	for i, k := range keys {
		hashed[i] = hashedKey{k, improve(javaHash(k))}
	}
	out := make([]string, 0, len(keys))
	return champOrder(out, hashed, 0)
}

type hashedKey struct {
	key  string
	hash uint32
}

// champOrder appends keys in the order a CHAMP trie node at the given
// shift iterates them: first the entries stored in the node itself (the
// only key of their 5-bit slot), by slot, then the sub-nodes of the
// slots several keys share, by slot. Keys whose 32-bit hashes are equal
// share a collision node, which keeps insertion order.
func champOrder(out []string, keys []hashedKey, shift uint) []string {
	if shift >= 32 {
		for _, k := range keys {
			out = append(out, k.key)
		}
		return out
	}
	var slots [32][]hashedKey
	for _, k := range keys {
		s := (k.hash >> shift) & 31
		slots[s] = append(slots[s], k)
	}
	for _, s := range slots {
		if len(s) == 1 {
			out = append(out, s[0].key)
		}
	}
	for _, s := range slots {
		if len(s) > 1 {
			out = champOrder(out, s, shift+5)
		}
	}
	return out
}

// javaHash is Java's String.hashCode, over UTF-16 code units.
func javaHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}

// improve spreads a hash as Scala's collections do before using its
// bits (scala.collection.Hashing.improve).
func improve(h uint32) uint32 {
	h += ^(h << 9)
	h ^= h >> 14
	h += h << 4
	h ^= h >> 10
	return h
}
