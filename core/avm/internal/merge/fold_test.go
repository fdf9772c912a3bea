package merge

import (
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/data"
)

func it(pos, before, after uint32) data.Iteration {
	return data.Iteration{ValuePos: pos, Before: data.Subtrace{Len: before}, After: data.Subtrace{Len: after}}
}

// TestResolveFold checks the widening of iteration windows: within one
// generation, each before-window spans the later iterations and their
// after-windows, and after-windows accumulate.
func TestResolveFold(t *testing.T) {
	tests := []struct {
		name       string
		trace      []data.State
		lore       []data.Iteration
		count      uint32
		wantBefore []uint32
		wantAfter  []uint32
	}{
		{
			name:  "one generation",
			trace: []data.State{&data.Ap{Gen: 0}, &data.Ap{Gen: 0}, &data.Ap{Gen: 0}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}, &data.Par{}},
			lore:  []data.Iteration{it(0, 1, 1), it(1, 2, 2), it(2, 3, 3)},
			count: 12, wantBefore: []uint32{12, 11, 9}, wantAfter: []uint32{1, 3, 6},
		},
		{
			name:  "three generations",
			trace: append([]data.State{&data.Ap{Gen: 0}, &data.Ap{Gen: 1}, &data.Ap{Gen: 2}}, make([]data.State, 29)...),
			lore:  []data.Iteration{it(0, 1, 1), it(0, 2, 2), it(0, 3, 3), it(1, 4, 4), it(1, 5, 5), it(2, 1, 1)},
			count: 32, wantBefore: []uint32{12, 11, 9, 18, 14, 2}, wantAfter: []uint32{1, 3, 6, 4, 9, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSlider(tt.trace)
			before, after, count, err := widen(&data.Fold{Lore: tt.lore}, &s)
			if err != nil {
				t.Fatal(err)
			}
			if count != tt.count {
				t.Errorf("count %d, want %d", count, tt.count)
			}
			for i := range tt.lore {
				if before[i] != tt.wantBefore[i] || after[i] != tt.wantAfter[i] {
					t.Errorf("iteration %d: (%d,%d), want (%d,%d)", i, before[i], after[i], tt.wantBefore[i], tt.wantAfter[i])
				}
			}
		})
	}
}

func TestResolveFoldErrors(t *testing.T) {
	s := newSlider([]data.State{&data.Par{}})
	if _, err := resolveFold(&data.Fold{Lore: []data.Iteration{it(0, 0, 0)}}, &s); err == nil {
		t.Error("an iteration over a par state was accepted")
	}
	s = newSlider([]data.State{&data.Ap{}})
	if _, err := resolveFold(&data.Fold{Lore: []data.Iteration{it(0, 5, 5)}}, &s); err == nil {
		t.Error("iterations longer than the trace were accepted")
	}
	if _, err := resolveFold(&data.Fold{Lore: []data.Iteration{it(0, 0, 0), it(0, 0, 0)}}, &s); err == nil {
		t.Error("two iterations over one value were accepted")
	}
}
