package cputime

import (
	"crypto/sha256"
	"runtime"
	"testing"
)

// TestProcessGrowsWithWork hashes a few megabytes and checks that the CPU
// time counted grew.
func TestProcessGrowsWithWork(t *testing.T) {
	before, ok := Process()
	if !ok {
		switch runtime.GOOS {
		case "windows", "plan9", "js", "wasip1":
			return
		}
		t.Fatalf("no CPU time on %s", runtime.GOOS)
	}
	buf := make([]byte, 1<<20)
	for i := range 16 {
		sum := sha256.Sum256(buf)
		buf[i] = sum[0]
	}
	after, ok := Process()
	if !ok || after <= before {
		t.Errorf("CPU time went from %v to %v over 16 MB of hashing", before, after)
	}
}
