package types

import (
	"sort"
	"unicode/utf8"
)

// closest returns up to three candidates within a small edit distance of
// name, nearest first, for "did you mean" hints.
func closest(name string, candidates []string) []string {
	limit := max(1, utf8.RuneCountInString(name)/3)
	type scored struct {
		s string
		d int
	}
	var hits []scored
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := distance(name, c); d <= limit {
			hits = append(hits, scored{c, d})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].d != hits[j].d {
			return hits[i].d < hits[j].d
		}
		return hits[i].s < hits[j].s
	})
	var out []string
	for i := 0; i < len(hits) && i < 3; i++ {
		out = append(out, hits[i].s)
	}
	return out
}

// distance is the edit distance between a and b, counting a swap of two
// neighbouring letters as one edit ("Svr" is one edit from "Srv") and
// ignoring case changes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if fold(ra[i-1]) == fold(rb[j-1]) {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && fold(ra[i-1]) == fold(rb[j-2]) && fold(ra[i-2]) == fold(rb[j-1]) {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func fold(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
