// Watchpoints (issue 15): a package variable written from main and from goroutines on threads
// started after the watchpoint was set, a field written through a pointer, and a local whose
// goroutine's stack grows (runtime.copystack moves it) between two writes, then returns; and
// 1-, 2- and 4-byte fields.
package main

import (
	"fmt"
	"os"
	"runtime"
)

type point struct {
	X, Y int
}

// Counter is written by main.bump, from main and from new threads.
var Counter int

//go:noinline
func bump(p *int, by int) {
	*p += by
}

//go:noinline
func move(p *point, dx int) {
	p.X += dx
}

//go:noinline
func newPoint() *point {
	return &point{X: 1, Y: 2}
}

// Deep enough to grow the goroutine's stack several times over (1 MB).
//
//go:noinline
func grow(n int) int {
	var pad [64]int
	pad[n%64] = n
	if n == 0 {
		return pad[0]
	}
	return grow(n-1) + pad[n%64]
}

// Small objects for 1-, 2- and 4-byte watchpoints, side by side in one word, each written by
// its own store.
var Flags struct {
	B uint8
	H uint16
	W uint32
}

//go:noinline
func setB(v uint8) { Flags.B = v }

//go:noinline
func setH(v uint16) { Flags.H = v }

//go:noinline
func setW(v uint32) { Flags.W = v }

//go:noinline
func checkpoint(stage int) int {
	return stage * 2
}

//go:noinline
func local() int {
	total := 1
	bump(&total, 1)  // total = 2
	checkpoint(3)    // stopped here: watch total
	bump(&total, 1)  // total = 3
	grow(2000)       // the stack moves
	bump(&total, 40) // total = 43, at its new address
	return total
}

func main() {
	Counter = 5
	checkpoint(1) // stopped here: watch main.Counter
	bump(&Counter, 1)
	// New threads: goroutines that keep their threads (locked, then parked for good), each
	// writing the watched variable, so the runtime must start threads after the watchpoint.
	done := make(chan bool)
	for i := 0; i < 6; i++ {
		go func() {
			runtime.LockOSThread()
			bump(&Counter, 10)
			done <- true
			select {}
		}()
		<-done
	}
	p := newPoint()
	checkpoint(2) // stopped here: watch p.X
	move(p, 9)
	n := local()
	checkpoint(4) // stopped here: watch Flags.B, Flags.H, Flags.W
	setW(70000)
	setH(300)
	setB(7)
	fmt.Fprintln(os.Stdout, "watch:", Counter, p.X, n)
}
