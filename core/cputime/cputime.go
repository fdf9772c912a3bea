// Package cputime reads the CPU time the process has used, for benchmarks
// to report beside wall time: on a machine shared with other work, CPU
// time moves less with the load than wall time does.
package cputime

import "time"

// Process returns the CPU time, user and system, the process has used so
// far, and false where the platform does not tell.
func Process() (time.Duration, bool) { return process() }
