package markdown

import (
	"runtime"
	"syscall"
	"time"
)

// cpuTime is the CPU time f takes on its thread: unlike the wall clock it does not count the time
// other processes on a busy (shared, 2-core) machine hold the CPU, so a budget fails on the work
// itself. NB: the caller's goroutine is locked to its thread meanwhile; f must not start others.
func cpuTime(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const rusageThread = 1 // RUSAGE_THREAD
	var before, after syscall.Rusage
	if syscall.Getrusage(rusageThread, &before) != nil {
		return wallTime(f)
	}
	f()
	if syscall.Getrusage(rusageThread, &after) != nil {
		return wallTime(f)
	}
	used := func(ru syscall.Rusage) time.Duration {
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return used(after) - used(before)
}
