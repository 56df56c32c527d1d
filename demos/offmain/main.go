// main.main runs on goroutine 1, and it starts on the main thread: runtime.main keeps goroutine 1
// locked to the main thread (m0) through package init and calls main.main right after letting
// go. But goroutine 1 is not bound to the main thread. This program moves it off, on purpose and
// for sure, then calls offMain, where a debugger sees goroutine 1 on a thread whose id is not
// the process id.
//
// How: goroutine 1 starts a "hog" goroutine and waits for it. The new goroutine goes into the
// current P's runnext, so the main thread, left idle by goroutine 1, runs it next. The hog locks
// the thread it runs on (runtime.LockOSThread) and, if that is the main thread, keeps it: from
// then on the main thread runs nothing but the hog, and goroutine 1, woken by the hog, can only
// go on on another thread. If the hog landed elsewhere, it lets go and the dance is repeated.
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
)

//go:noinline
func offMain(tid int) int {
	return tid
}

func hog(ready chan<- bool, done <-chan struct{}) {
	runtime.LockOSThread()
	onMain := syscall.Gettid() == syscall.Getpid()
	if !onMain {
		runtime.UnlockOSThread()
	}
	ready <- onMain
	if onMain {
		<-done // parked; the main thread sleeps, reserved for this goroutine
	}
}

func main() {
	ready := make(chan bool)
	done := make(chan struct{})
	for i := 0; syscall.Gettid() == syscall.Getpid(); i++ {
		if i == 1000 {
			fmt.Println("main.main could not leave the main thread")
			os.Exit(1)
		}
		go hog(ready, done)
		<-ready
	}
	offMain(syscall.Gettid())
	close(done)
	fmt.Println("main.main moved off the main thread")
}
