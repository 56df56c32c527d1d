// A program that replaces itself: main.before runs, then syscall.Exec starts this same binary
// again with the argument "after" (or, with "true", /bin/true). The new image calls main.before
// too: a debugger sets its breakpoints again in the new image by location, as gdb does (no stale
// int3 from the old image).
package main

import (
	"fmt"
	"os"
	"syscall"
)

//go:noinline
func before(n int) int { return n * 2 }

//go:noinline
func after(n int) int { return n + 1 }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "after" {
		fmt.Println("after exec", before(3), after(4))
		return
	}
	fmt.Println("before exec", before(1))
	target, args := os.Args[0], []string{os.Args[0], "after"}
	if len(os.Args) > 1 && os.Args[1] == "true" {
		target, args = "/bin/true", []string{"true"}
	}
	err := syscall.Exec(target, args, os.Environ())
	fmt.Println("exec failed:", err)
	os.Exit(1)
}
