//go:build wasip1

package sdk

import (
	"fmt"
	"unsafe"
)

// heap keeps the buffers the host allocated and the module has not yet
// taken, and the results the module returned until release_objects. The
// keys are linear-memory addresses; Go's collector does not move objects,
// so an address stays valid while its buffer is referenced here.
type heap struct {
	owned    map[uint32][]byte // allocated for the host, by address
	returned [][]byte          // results waiting for release_objects
}

var mem = &heap{owned: make(map[uint32][]byte)}

func addr(b []byte) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b)))) }

// Load implements Memory: it takes the host-written buffer at ptr.
func (h *heap) Load(ptr, n uint32) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	b, ok := h.owned[ptr]
	if !ok {
		// A pointer inside a buffer: nested values of an array or record
		// are separate allocations, so this only happens on bad input.
		return nil, fmt.Errorf("sdk: no buffer allocated at %#x", ptr)
	}
	if uint32(len(b)) < n {
		return nil, fmt.Errorf("sdk: buffer at %#x holds %d bytes, %d expected", ptr, len(b), n)
	}
	delete(h.owned, ptr)
	return b[:n], nil
}

// Store implements Memory.
func (h *heap) Store(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	h.returned = append(h.returned, b)
	return addr(b)
}

//go:wasmexport allocate
func allocate(size, _ uint32) uint32 {
	if size == 0 {
		return 0
	}
	b := make([]byte, size)
	p := addr(b)
	mem.owned[p] = b
	return p
}

//go:wasmexport release_objects
func releaseObjects() { mem.returned = mem.returned[:0] }

var resultPtr, resultSize uint32

//go:wasmexport get_result_ptr
func getResultPtr() uint32 { return resultPtr }

//go:wasmexport get_result_size
func getResultSize() uint32 { return resultSize }

//go:wasmexport set_result_ptr
func setResultPtr(p uint32) { resultPtr = p }

//go:wasmexport set_result_size
func setResultSize(n uint32) { resultSize = n }

// Arg decodes an argument the host lowered at (ptr, n) into out. The
// generated export wrappers call it.
func Arg(ptr, n uint32, out any) {
	if err := Decode(mem, ptr, n, out); err != nil {
		panic(err)
	}
}

// Return hands a string, slice or struct result to the host. The
// generated export wrappers call it.
func Return(v any) {
	resultPtr, resultSize = Encode(mem, v)
}

// Lower lays out a string, slice or struct argument of an imported
// function in memory, where it stays until the import's adapter has
// copied it and called release_objects. The generated import wrappers
// call it.
func Lower(v any) (ptr, n uint32) {
	return Encode(mem, v)
}

// Result decodes the string, slice or struct result an imported function
// handed back through set_result_ptr and set_result_size into out. The
// generated import wrappers call it.
func Result(out any) {
	Arg(resultPtr, resultSize, out)
}

// ReleaseArgs frees the arguments laid out for a host function once it
// has returned; for functions of other modules the import adapter does
// this through release_objects. The generated import wrappers call it.
func ReleaseArgs() { releaseObjects() }
