// main.main starts with a call the compiler inlines, built as the go command's main.main starts
// with log.SetFlags(0): a package function calling a method on a package-level pointer, both
// inlined. A breakpoint on main.main stops on its func line (past the stack check, where Delve
// stops); one on main.reset, which has no stack check, lands in the inlined body (the load of
// std comes first), and godbg must still say main.reset.
package main

import "fmt"

type logger struct {
	flags  int
	prefix string
}

var std = &logger{prefix: "inlined: "}

func (l *logger) setFlags(flags int) {
	l.flags = flags
}

// Small enough for the inliner, like log.SetFlags.
func setFlags(flags int) {
	std.setFlags(flags)
}

// A leaf (no stack check, no prologue_end): its first statement is the inlined call, so
// `break main.reset` lands in main.setFlags' body and must still say main.reset.
//
//go:noinline
func reset() {
	setFlags(0)
}

func main() {
	reset()
	setFlags(3)
	fmt.Println(std.prefix, "flags", std.flags)
}
