// A program that dies by SIGABRT. Default: it sends itself SIGABRT with kill(2) (unhandled: the
// Go runtime prints its goroutine dump and exits with status 2). With "raise": the traceback
// level is "crash", so after its dump the runtime re-raises SIGABRT with the default action and
// the process is killed by the signal. With "wait": it prints its pid and sleeps, for a
// SIGKILL/SIGABRT sent from outside.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"syscall"
	"time"
)

//go:noinline
func doom(mode string) {
	switch mode {
	case "raise":
		debug.SetTraceback("crash")
		syscall.Kill(os.Getpid(), syscall.SIGABRT)
	case "wait":
		fmt.Println("pid", os.Getpid())
		time.Sleep(60 * time.Second)
	default:
		syscall.Kill(os.Getpid(), syscall.SIGABRT)
	}
	time.Sleep(5 * time.Second)
	fmt.Println("still alive")
}

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	fmt.Println("abort demo", mode)
	doom(mode)
}
