//go:build !unix

package codegen_test

// cpuSeconds is not measured here.
func cpuSeconds() float64 { return -1 }
