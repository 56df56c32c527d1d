// Counts the SIGUSR1 and SIGUSR2 sent to it while a hot loop calls main.work, the place for
// breakpoints (work(i) with i = 1, 2, ...). Prints "sigcount PID" when ready, then one line
// "got SIGNAME TOTAL" per signal received (TOTAL counts both kinds), so a sender that waits for
// each line before sending the next can tell whether any was lost (two of the same kind sent
// before the first is received would merge, with or without a debugger). Ends on SIGTERM,
// printing "sigcount done TOTAL".
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var Calls int64

//go:noinline
func work(i int64) int64 {
	Calls = i
	return i * 3
}

func main() {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGTERM)
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "sigcount", os.Getpid())
	out.Flush()
	go func() {
		for i := int64(1); ; i++ {
			work(i)
			if i%64 == 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	total := 0
	for s := range ch {
		if s == syscall.SIGTERM {
			fmt.Fprintln(out, "sigcount done", total)
			out.Flush()
			os.Exit(0)
		}
		total++
		name := "SIGUSR1"
		if s == syscall.SIGUSR2 {
			name = "SIGUSR2"
		}
		fmt.Fprintln(out, "got", name, total)
		out.Flush()
	}
}
