// A tracepoint's workload (issue 15): main.step called 10,000 times (or N) by 8 goroutines, each
// call with its own argument, so a trace can be checked line by line.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

//go:noinline
func step(i int, tag string) int {
	return i*2 + len(tag)
}

func main() {
	n := 10000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	const workers = 8
	var wg sync.WaitGroup
	sums := make([]int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				sums[w] += step(i, "w")
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	fmt.Println("traced:", n, total)
}
