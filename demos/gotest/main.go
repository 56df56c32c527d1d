// A package with tests, for `go test -c` binaries: the test binary's main is the testing
// package's, and the functions to break in are the tests (main.TestSum, main.TestScale).
package main

import "fmt"

//go:noinline
func sum(xs []int) int {
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

//go:noinline
func scale(xs []int, k int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = x * k
	}
	return out
}

func main() {
	fmt.Println(sum(scale([]int{1, 2, 3}, 2)))
}
