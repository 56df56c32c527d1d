// bench_hot: a hot function called N times (first argument, default 10000) with its loop index
// as argument, for measuring the cost of a breakpoint whose condition is never true
// (bench/run.sh row B: `break main.hot if i == -1`). A second argument D runs the loop D calls
// deep (default 0), for measuring `bt` on a deeper stack (row E). The main goroutine stays on the
// main thread, so a tracer that follows only that thread sees every call.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

var sink int

func init() { runtime.LockOSThread() }

//go:noinline
func hot(i int) int {
	sink += i
	return sink
}

//go:noinline
func loop(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += hot(i)
	}
	return t
}

//go:noinline
func deep(d, n int) int {
	if d <= 0 {
		return loop(n)
	}
	return deep(d-1, n) + 1
}

func arg(k, def int) int {
	if len(os.Args) > k {
		if v, err := strconv.Atoi(os.Args[k]); err == nil && v >= 0 {
			return v
		}
	}
	return def
}

func main() {
	n, d := arg(1, 10000), arg(2, 0)
	fmt.Println("hot calls:", n, deep(d, n)&1)
}
