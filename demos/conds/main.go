// A loop calling a function with i = 0..99 (the demo for conditional breakpoints), then four
// goroutines running the same code at once (the demo for stepping that follows one goroutine).
package main

import (
	"fmt"
	"sync"
)

var (
	Sum     int
	Results [4]int
)

//go:noinline
func visit(i int, name string) int {
	Sum += i
	return Sum
}

//go:noinline
func mix(id, k int) int {
	return id*k + 1
}

func work(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	total := 0
	for k := 0; k < 2000; k++ {
		total += mix(id, k)
	}
	Results[id] = total
}

func main() {
	names := []string{"even", "odd"}
	for i := 0; i < 100; i++ {
		visit(i, names[i%2])
	}
	var wg sync.WaitGroup
	for id := 0; id < 4; id++ {
		wg.Add(1)
		go work(id, &wg)
	}
	wg.Wait()
	fmt.Println("sum", Sum, Results)
}
