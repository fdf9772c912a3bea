package merge

// slab hands out new values of T from arrays it allocates a batch at a
// time. A run makes a state for every call and par it goes through, and
// thousands of them, one allocation each, cost more than the states do.
// Batches grow from a few values to slabMax, so that a run that makes
// one state does not pay for a thousand.
type slab[T any] struct {
	free []T
	next int // the size of the next batch
}

const slabMin, slabMax = 4, 512

// new returns a pointer to a zero T of its own.
func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.next = min(max(2*s.next, slabMin), slabMax)
		s.free = make([]T, s.next)
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}
