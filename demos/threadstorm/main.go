// A thread storm: 1,000 goroutines each lock themselves to an OS thread and exit while still
// locked, so the runtime ends that thread (runtime.LockOSThread). Meanwhile main.tick is called
// a fixed number of times (ticks, default 200) from the main goroutine; a breakpoint there must
// be hit exactly that many times. Prints "storm done THREADS TICKS".
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

var total int

//go:noinline
func tick(i int) { total += i }

//go:noinline
func spin(i int) int {
	s := 0
	for j := 0; j < 1000; j++ {
		s += i ^ j
	}
	return s
}

func main() {
	threads, ticks := 1000, 200
	if len(os.Args) > 1 {
		threads, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		ticks, _ = strconv.Atoi(os.Args[2])
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32) // at most 32 threads alive at once
	for i := 0; i < threads; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			_ = spin(i)
			<-sem
		}(i)
		if i%(threads/ticks+1) == 0 && i/(threads/ticks+1) < ticks {
			tick(i)
		}
	}
	wg.Wait()
	n := 0
	for i := 0; i < threads; i++ {
		if i%(threads/ticks+1) == 0 && i/(threads/ticks+1) < ticks {
			n++
		}
	}
	for ; n < ticks; n++ {
		tick(n)
	}
	fmt.Println("storm done", threads, ticks, total >= 0)
}
