// tracehot: the program of issue 20's tracepoints in the target. W goroutines, each locked to
// its own OS thread, call main.hot(id, i) for i = 0..N-1 (every call's arguments distinct), while
// another goroutine forces a GC every 2 ms. With P > 0 each worker sleeps 1 ms after every P
// calls, so the rate stays under what a tracer drains; P = 0 runs flat out.
//
// Usage: tracehot [N [W [P]]] (defaults 10000, 4, 0). The output depends only on N and W, so
// runs with and without a debugger can be compared. With TRACEHOT_HOLD=FILE set, the program
// exits only once FILE is gone (a test looks at its memory after a detach).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

var calls int64

//go:noinline
func hot(id, i int) int {
	atomic.AddInt64(&calls, 1)
	return id*1000003 + i
}

func arg(k, def int) int {
	if len(os.Args) > k {
		v, err := strconv.Atoi(os.Args[k])
		if err != nil || v < 0 {
			fmt.Fprintln(os.Stderr, "usage: tracehot [N [W [P]]]")
			os.Exit(2)
		}
		return v
	}
	return def
}

func main() {
	n, w, pace := arg(1, 10000), arg(2, 4), arg(3, 0)
	stop := make(chan struct{})
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.GC()
			time.Sleep(2 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	var sum int64
	for id := 0; id < w; id++ {
		wg.Add(1)
		go func(id int) {
			runtime.LockOSThread()
			defer wg.Done()
			s := 0
			for i := 0; i < n; i++ {
				s += hot(id, i) % 7
				if pace > 0 && (i+1)%pace == 0 {
					time.Sleep(time.Millisecond)
				}
			}
			atomic.AddInt64(&sum, int64(s))
		}(id)
	}
	wg.Wait()
	close(stop)
	<-gcDone
	fmt.Println("tracehot calls", atomic.LoadInt64(&calls), "sum", sum)
	if f := os.Getenv("TRACEHOT_HOLD"); f != "" {
		for {
			if _, err := os.Stat(f); err != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
