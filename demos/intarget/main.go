// The stress program of issue 20 (conditions evaluated in the target): 8 goroutines, each
// locked to its own OS thread, call main.hit(id, m) N times each with m = i % 1000, while
// another goroutine forces a GC every few milliseconds (so the workers are stopped and
// async-preempted all the time). `break main.hit if m == 0` is true once per 1000 calls.
//
// Usage: intarget [N [fork]] — N calls per goroutine (default 400000); with "fork", then a raw
// fork(2) whose child calls main.hit(0, 0) and exits with status 7 (a debugger that left its
// jump to a trampoline, or an int3, in the child's copy of the code kills it with SIGTRAP). With INTARGET_GO=FILE set, the
// workers wait until FILE exists (a test attaches meanwhile and sets its breakpoint), and the
// program exits only once FILE is removed again.
// The output depends only on N, so runs with and without a debugger can be compared.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var trues int64

// Counted counts the calls of hit; conditions on a global read it (main.Counted).
var Counted int64

//go:noinline
func hit(id, m int) int {
	atomic.AddInt64(&Counted, 1)
	// A frame of more than 127 bytes: the instruction at the breakpoint's site is then the
	// 7-byte `sub rsp, imm32` on every toolchain, long enough for a jump.
	var scratch [24]int
	for k := range scratch {
		scratch[k] = id + k
	}
	buf := make([]byte, 16+m%64)
	buf[0] = byte(scratch[m%24] - m%24)
	if m == 0 {
		atomic.AddInt64(&trues, 1)
	}
	return len(buf) + int(buf[0])
}

func main() {
	n := 400000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "usage: intarget [N]")
			os.Exit(2)
		}
		n = v
	}
	if f := os.Getenv("INTARGET_GO"); f != "" {
		fmt.Println("pid", os.Getpid())
		for {
			if _, err := os.Stat(f); err == nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	stop := make(chan struct{})
	gcDone := make(chan struct{})
	go func() {
		defer close(gcDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	var total int64
	for id := 0; id < 8; id++ {
		wg.Add(1)
		go func(id int) {
			runtime.LockOSThread()
			defer wg.Done()
			s := 0
			for i := 0; i < n; i++ {
				s += hit(id, i%1000)
			}
			atomic.AddInt64(&total, int64(s))
		}(id)
	}
	wg.Wait()
	close(stop)
	<-gcDone
	fmt.Println("calls", 8*n, "trues", atomic.LoadInt64(&trues), "sum", total)
	if len(os.Args) > 2 && os.Args[2] == "fork" {
		rawFork()
	}
	if f := os.Getenv("INTARGET_GO"); f != "" {
		// Alive until FILE is gone: a test looks at the memory of the program after a detach.
		for {
			if _, err := os.Stat(f); err != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func rawFork() {
	r, _, errno := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if errno != 0 {
		fmt.Println("fork failed:", errno)
		os.Exit(1)
	}
	if r == 0 {
		// The child: one thread, a copy of the parent's memory; hit(0, 0) allocates nothing.
		code := uintptr(9)
		if hit(0, 0) == 16 {
			code = 7
		}
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, code, 0, 0)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(int(r), &ws, 0, nil); err != nil {
		fmt.Println("wait4:", err)
		os.Exit(1)
	}
	if ws.Signaled() {
		fmt.Println("child killed by", ws.Signal())
	} else {
		fmt.Println("child exit", ws.ExitStatus())
	}
}
