// main.main runs on the main goroutine, and the main goroutine is not bound to the main thread:
// this program keeps main's goroutine moving until the runtime schedules it on another thread,
// then calls offMain, where a debugger can see goroutine 1 on a thread that is not the pid.
package main

import (
	"fmt"
	"runtime"
	"syscall"
	"time"
)

//go:noinline
func offMain(tid int) int {
	return tid
}

func busy(stop chan bool) {
	for {
		select {
		case <-stop:
			return
		default:
			runtime.Gosched()
		}
	}
}

func main() {
	stop := make(chan bool)
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		go busy(stop)
	}
	for i := 0; syscall.Gettid() == syscall.Getpid(); i++ {
		time.Sleep(time.Millisecond)
	}
	offMain(syscall.Gettid())
	close(stop)
	fmt.Println("main.main moved off the main thread")
}
