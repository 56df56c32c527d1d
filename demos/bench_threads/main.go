// bench_threads: N goroutines (first argument, default 500) each locked to its own OS thread
// and blocked in a nanosleep syscall, so the process holds about N+5 threads; prints
// "ready PID" and waits, for measuring attach + goroutines + detach (bench/run.sh row D).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

var ready sync.WaitGroup

func pinned() {
	runtime.LockOSThread()
	ready.Done()
	for {
		// A blocking syscall on a locked thread: the thread stays, the goroutine is in syscall.
		ts := syscall.Timespec{Sec: 3600}
		syscall.Nanosleep(&ts, nil)
	}
}

func main() {
	n := 500
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v >= 0 {
			n = v
		}
	}
	ready.Add(n)
	for i := 0; i < n; i++ {
		go pinned()
	}
	ready.Wait()
	fmt.Println("ready", os.Getpid())
	time.Sleep(24 * time.Hour)
}
