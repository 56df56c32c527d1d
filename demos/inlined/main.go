// main.main starts with a call the compiler inlines, built as the go command's main.main starts
// with log.SetFlags(0): a package function calling a method on a package-level pointer, both
// inlined. A breakpoint on main.main lands in the inlined body (the load of std comes first),
// and godbg must still say main.main.
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

func main() {
	setFlags(3)
	fmt.Println(std.prefix, "flags", std.flags)
}
