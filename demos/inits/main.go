// Packages whose init costs are known, for the startup report's per-package init: sleepy sleeps
// 20 ms, alloc makes 1,000 objects, e0..e9 do next to nothing, none has no init at all. Then
// main.main spends 30 ms of CPU time computing (main.spin) and 20 ms asleep (main.nap) before it
// calls main.done, for `startup until main.done`'s profile of where main.main's time goes.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"godbg.demo/inits/alloc"
	"godbg.demo/inits/e0"
	"godbg.demo/inits/e1"
	"godbg.demo/inits/e2"
	"godbg.demo/inits/e3"
	"godbg.demo/inits/e4"
	"godbg.demo/inits/e5"
	"godbg.demo/inits/e6"
	"godbg.demo/inits/e7"
	"godbg.demo/inits/e8"
	"godbg.demo/inits/e9"
	"godbg.demo/inits/none"
	"godbg.demo/inits/sleepy"
)

var sum uint64

// cpu is the process's CPU time: it does not run on while a debugger holds the program stopped,
// as the wall clock does (a spin timed by the wall clock would end early under godbg's samples).
func cpu() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

//go:noinline
func spin(d time.Duration) {
	start, began := cpu(), time.Now()
	for cpu()-start < d && time.Since(began) < 20*d {
		for i := 0; i < 1000; i++ {
			sum += uint64(i) * sum
		}
	}
}

//go:noinline
func nap(d time.Duration) { time.Sleep(d) }

//go:noinline
func done() int { return len(alloc.Kept) }

func main() {
	ready := e0.Ready && e1.Ready && e2.Ready && e3.Ready && e4.Ready && e5.Ready && e6.Ready &&
		e7.Ready && e8.Ready && e9.Ready
	spin(30 * time.Millisecond)
	t := time.Now()
	nap(20 * time.Millisecond)
	napped := time.Since(t)
	n := done()
	fmt.Printf("inits: %d objects, slept %dus, napped %dus, ready %v, %s\n", n,
		sleepy.Slept.Microseconds(), napped.Microseconds(), ready, none.Name)
	if len(os.Args) > 1 {
		fmt.Println(os.Args[1:])
	}
}
