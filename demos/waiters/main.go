// Workers parked for different reasons while goroutine 1 stops in checkpoint: the demo for
// `goroutines`, wait reasons and start functions.
package main

import (
	"fmt"
	"os"
	"sync"
	"time"
)

type point struct {
	X, Y int
	Name string
}

var (
	Counter  = 41
	Greeting = "hello, godbg"
	Origin   = point{X: 3, Y: 4, Name: "origin"}
	Primes   = []int{2, 3, 5, 7, 11}
	Ages     = map[string]int{"gopher": 13, "ken": 82}
	mu       sync.Mutex
	ready    sync.WaitGroup
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
func checkpoint(n int, p *point) int {
	total := n + p.X + p.Y
	return total
}

func main() {
	mu.Lock()
	ch := make(chan int)
	a, b := make(chan int), make(chan int)
	ready.Add(4)
	go receiver(ch)
	go selector(a, b)
	go sleeper()
	go locker()
	ready.Wait()
	// Give each worker time to park.
	time.Sleep(100 * time.Millisecond)
	local := point{X: 1, Y: 2, Name: "local"}
	r := checkpoint(Counter, &local)
	fmt.Println("checkpoint", r, Greeting, Origin.Name, len(Primes), len(Ages), Failure, Anything, Nothing)
	os.Exit(0)
}

// Interface values, for print: each shows its dynamic type.
var (
	Failure  error = fmt.Errorf("disk %s", "full")
	Anything any   = Origin
	Nothing  error
)
