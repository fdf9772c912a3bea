package minheap

import (
	"math/rand/v2"
	"slices"
	"testing"
)

type num int

func (a num) Less(b num) bool { return a < b }

// TestPopsInOrder pushes values in random order, popping some on the way,
// and checks that every pop returns the least value held.
func TestPopsInOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var h Heap[num]
	var held []num
	for range 2000 {
		if r.IntN(3) == 0 && h.Len() > 0 {
			want := slices.Min(held)
			if got := h.Min(); got != want {
				t.Fatalf("Min = %d, want %d", got, want)
			}
			if got := h.Pop(); got != want {
				t.Fatalf("Pop = %d, want %d", got, want)
			}
			i := slices.Index(held, want)
			held = slices.Delete(held, i, i+1)
			continue
		}
		x := num(r.IntN(500))
		h.Push(x)
		held = append(held, x)
	}
	if h.Len() != len(held) {
		t.Fatalf("Len = %d, want %d", h.Len(), len(held))
	}
	slices.Sort(held)
	for _, want := range held {
		if got := h.Pop(); got != want {
			t.Fatalf("Pop = %d, want %d", got, want)
		}
	}
}
