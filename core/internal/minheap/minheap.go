// Package minheap is a priority queue, least value first: container/heap's
// five methods, written once for every element type that orders itself.
package minheap

import "container/heap"

// Ordered is an element type that says which of two values comes first.
type Ordered[T any] interface {
	Less(T) bool
}

// Heap holds values, the least first. The zero value is an empty heap.
type Heap[T Ordered[T]] struct {
	items []T
}

// Len is the number of values held.
func (h *Heap[T]) Len() int { return len(h.items) }

// Push adds x.
func (h *Heap[T]) Push(x T) { heap.Push((*queue[T])(h), x) }

// Pop removes and returns the least value. The heap must not be empty.
func (h *Heap[T]) Pop() T { return heap.Pop((*queue[T])(h)).(T) }

// Min returns the least value without removing it. The heap must not be
// empty.
func (h *Heap[T]) Min() T { return h.items[0] }

// queue is a Heap as a heap.Interface.
type queue[T Ordered[T]] Heap[T]

func (q *queue[T]) Len() int           { return len(q.items) }
func (q *queue[T]) Less(i, j int) bool { return q.items[i].Less(q.items[j]) }
func (q *queue[T]) Swap(i, j int)      { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *queue[T]) Push(x any)         { q.items = append(q.items, x.(T)) }
func (q *queue[T]) Pop() any {
	last := len(q.items) - 1
	x := q.items[last]
	var zero T
	q.items[last] = zero // drop the reference, for the collector
	q.items = q.items[:last]
	return x
}
