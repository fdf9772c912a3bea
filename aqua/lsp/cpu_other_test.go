//go:build !unix

package lsp

// cpuSeconds is not measured here.
func cpuSeconds() float64 { return -1 }
