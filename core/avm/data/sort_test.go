package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortCIDs checks sortCIDs against slices.Sort on CIDs, on strings
// that tie on the five bytes past their shared prefix or end within
// them, and on duplicates.
func TestSortCIDs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var cids []CID
	for i := range 3000 {
		cids = append(cids, ComputeCID(fmt.Appendf(nil, "%d", r.IntN(1000000)+i)))
	}
	cases := [][]CID{
		nil,
		{"b"},
		cids[:2],
		cids,
		append(slices.Clone(cids[:500]), cids[:200]...),
		{"bagaaihra", "bagaaihraaaaaa", "bagaaihraaaaab", "bagaaihraaaaa", "bagaaihraaaaa\x00", "a", "", "bz", "bagaaihraaaaab"},
	}
	// Many strings tying on the bytes sorted as integers.
	var ties []CID
	for i := range 300 {
		ties = append(ties, CID("bagaaihra"+"abcde"+strings.Repeat("z", r.IntN(4))+fmt.Sprint(r.IntN(50), i%7)))
	}
	cases = append(cases, ties)
	for i, c := range cases {
		got, want := slices.Clone(c), slices.Clone(c)
		sortCIDs(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("case %d (%d strings): sortCIDs differs from slices.Sort", i, len(c))
		}
	}
}

func FuzzSortCIDs(f *testing.F) {
	f.Add("bagaaihraabc\nbagaaihraabd\nbagaaihraab\nb\n\nbagaaihraabc")
	f.Fuzz(func(t *testing.T, lines string) {
		got := strings.Split(lines, "\n")
		want := slices.Clone(got)
		sortCIDs(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("sortCIDs(%q) = %q, want %q", lines, got, want)
		}
	})
}

func BenchmarkSortCIDs(b *testing.B) {
	cids := make([]CID, 1000)
	for i := range cids {
		cids[i] = ComputeCID(fmt.Appendf(nil, "%d", i))
	}
	s := make([]CID, len(cids))
	b.Run("sortCIDs", func(b *testing.B) {
		for b.Loop() {
			copy(s, cids)
			sortCIDs(s)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(s, cids)
			slices.Sort(s)
		}
	})
}
