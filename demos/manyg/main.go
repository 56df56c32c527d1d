// Many parked goroutines (100,000 by default; the first argument changes it) for measuring
// `goroutines` at scale: a quarter each on a channel receive, a select, a sleep and a mutex,
// while goroutine 1 stops in checkpoint. With a second argument "hold", main prints "parked N"
// and then sleeps forever (calling checkpoint each second), for debuggers that attach.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	ready sync.WaitGroup
)

func receiver(ch chan int) {
	ready.Done()
	<-ch
}

func selector(a, b chan int) {
	ready.Done()
	select {
	case <-a:
	case <-b:
	}
}

func sleeper() {
	ready.Done()
	time.Sleep(time.Hour)
}

func locker() {
	ready.Done()
	mu.Lock()
	defer mu.Unlock()
}

//go:noinline
func checkpoint(n int) int {
	return n + 1
}

func main() {
	n := 100000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil && v > 0 {
			n = v
		}
	}
	mu.Lock()
	ch := make(chan int)
	a, b := make(chan int), make(chan int)
	ready.Add(n)
	for i := 0; i < n; i++ {
		switch i % 4 {
		case 0:
			go receiver(ch)
		case 1:
			go selector(a, b)
		case 2:
			go sleeper()
		default:
			go locker()
		}
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond)
	if len(os.Args) > 2 && os.Args[2] == "hold" {
		fmt.Println("parked", n)
		for {
			checkpoint(n)
			time.Sleep(time.Second)
		}
	}
	fmt.Println("goroutines parked:", checkpoint(n)-1)
	os.Exit(0)
}
