//go:build race

package avm_test

// raceDetector is true when the race detector is on. It makes every
// memory access many times slower and costlier, so tests of sheer size
// run smaller under it; .ci/run runs them at full size without it.
const raceDetector = true
