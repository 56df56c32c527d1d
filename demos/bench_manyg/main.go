// bench_manyg: parks N goroutines (first argument, default 100000) on a channel receive, then
// calls checkpoint, for measuring `goroutines` at scale (bench/run.sh row C). With a second
// argument "wait" it sleeps after parking instead, for attaching.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

var ready sync.WaitGroup

func parked(ch chan int) {
	ready.Done()
	<-ch
}

//go:noinline
func checkpoint(n int) int {
	return n + 1
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v >= 0 {
			n = v
		}
	}
	ch := make(chan int)
	ready.Add(n)
	for i := 0; i < n; i++ {
		go parked(ch)
	}
	ready.Wait()
	fmt.Println("goroutines parked:", checkpoint(n)-1)
	if len(os.Args) > 2 && os.Args[2] == "wait" {
		time.Sleep(time.Hour)
	}
	os.Exit(0)
}
