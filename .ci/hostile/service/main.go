// Command hostile is a Marine service that misbehaves: Spin never
// returns, Hog grows memory until it is refused.
package main

// Spin loops forever.
func Spin() {
	for n := uint64(0); ; n++ {
		sink = n
	}
}

var sink uint64
var hoard [][]byte

// Hog allocates until the memory limit refuses it.
func Hog() {
	for {
		hoard = append(hoard, make([]byte, 1<<20))
	}
}

// Answer answers.
func Answer() uint32 { return 42 }

func main() {}
