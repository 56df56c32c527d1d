// Goroutines parked under inlined calls, started every way a go statement can start one, and
// Go's own traceback of all of them (runtime.Stack) printed between "=== traceback" and
// "=== end" before main stops in checkpoint. The e2e test holds godbg's goroutines and bt to
// that text: the runtime's answer for the same stacks. Goroutine 1 reaches checkpoint through
// two inlined calls, after printing its own runtime/debug.Stack() on the same line.
package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

type item struct{ n int }

var (
	block = make(chan int)
	mu    sync.Mutex
	sink  int
)

// Small enough to be inlined: worker's stack is worker -> middle -> wait, two of them inlined.
func wait(ch chan int) int { return <-ch + 1 }

func middle(ch chan int) int { return wait(ch) * 2 }

//go:noinline
func worker(id int, ch chan int) {
	sink = middle(ch) + id
}

//go:noinline
func (it *item) run(ch chan int) {
	sink = wait(ch) + it.n
}

//go:noinline
func sleeper(d time.Duration) {
	time.Sleep(d)
}

//go:noinline
func checkpoint(stack []byte) int { return len(stack) }

// Inlined into main, as is deeper: the physical frame is stackAndStop.
func outer() int { return deeper() + 1 }

func deeper() int { return stackAndStop() + 1 }

//go:noinline
func stackAndStop() int {
	return checkpoint(printed(debug.Stack())) // one line: both calls have the same caller lines
}

//go:noinline
func printed(stack []byte) []byte {
	os.Stdout.WriteString("=== self\n" + string(stack) + "=== end\n")
	return stack
}

// Go's traceback of every goroutine, once none but the caller is runnable or running: then
// every goroutine of main has reached the call it blocks in (or 10 s went by).
func parkedStacks() string {
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(10 * time.Second)
	for {
		text := string(buf[:runtime.Stack(buf, true)])
		if strings.Count(text, " [running]:") == 1 && !strings.Contains(text, " [runnable]:") ||
			time.Now().After(deadline) {
			return text
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func main() {
	d := time.Hour
	go worker(1, block) // go f(x): a wrapper starts it since Go 1.22
	go func() { time.Sleep(d) }()
	it := &item{n: 2}
	go it.run(block) // a method value
	go sleeper(d)
	mu.Lock()
	go func() {
		mu.Lock() // sync.(*Mutex).Lock inlined here
		sink++
	}()
	os.Stdout.WriteString("=== traceback\n" + parkedStacks() + "\n=== end\n")
	sink += outer()
}
