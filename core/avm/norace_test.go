//go:build !race

package avm_test

// raceDetector is true when the race detector is on; see race_test.go.
const raceDetector = false
