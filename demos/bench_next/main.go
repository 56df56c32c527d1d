// bench_next: one line whose call runs a loop of N iterations (first argument, default
// 1,000,000), for measuring `next` over it against `continue` over the same work (bench/run.sh
// row F): a debugger that single-steps through the callee pays per iteration, one that sets
// breakpoints pays about what a continue costs.
package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func spin(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += i ^ (t >> 3)
	}
	return t
}

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	x := spin(n) // bench:next
	fmt.Println("spun", n, x&1) // bench:after
}
