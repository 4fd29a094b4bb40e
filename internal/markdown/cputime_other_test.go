//go:build !linux

package markdown

import "time"

// cpuTime falls back to the wall clock where a thread's CPU time cannot be read.
func cpuTime(f func()) time.Duration { return wallTime(f) }
