// A program that dereferences nil: the runtime's own SIGSEGV handler turns it into a panic and
// exit status 2. With argument "exit3" it exits with 3 from a non-main goroutine instead.
package main

import (
	"fmt"
	"os"
)

type node struct{ next *node }

//go:noinline
func walk(n *node) int {
	return walk2(n.next)
}

//go:noinline
func walk2(n *node) int {
	if n == nil {
		return 0
	}
	return 1 + walk2(n.next)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "exit3" {
		done := make(chan bool)
		go func() { os.Exit(3) }()
		<-done
	}
	fmt.Println("about to crash")
	fmt.Println(walk(nil))
}
