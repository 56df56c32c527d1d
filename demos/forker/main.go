// A program that forks. By default it runs itself again through os/exec with the argument
// "child" (Go forks with clone(CLONE_VM|CLONE_VFORK), then execs). With "rawfork" it forks
// with a raw fork(2) and the child runs main.work in the copied image before exiting with
// status 7: a debugger that leaves its int3 bytes in the child kills it with SIGTRAP.
// main.work runs in both parent and child; a breakpoint there must stop only the parent.
// With "loop" a goroutine starts 10 children through os/exec, one after another, while the main
// goroutine calls main.work 10 times: breakpoints in the parent keep being hit while children
// come and go through the memory they share with it.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

//go:noinline
func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}

func rawFork() {
	r, _, errno := syscall.RawSyscall(syscall.SYS_FORK, 0, 0, 0)
	if errno != 0 {
		fmt.Println("fork failed:", errno)
		os.Exit(1)
	}
	if r == 0 {
		// The child: one thread, a copy of the parent's memory. No allocation, no scheduler.
		code := uintptr(9)
		if work(10) == 45 {
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

func spawnLoop() {
	done := make(chan int)
	go func() {
		ok := 0
		for i := 0; i < 10; i++ {
			cmd := exec.Command(os.Args[0], "child")
			cmd.Stdout = os.Stdout
			if cmd.Run() == nil {
				ok++
			}
		}
		done <- ok
	}()
	s := 0
	for i := 0; i < 10; i++ {
		s += work(i)
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Println("loop done", <-done, s)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		fmt.Println("child work", work(10))
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "loop" {
		spawnLoop()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "rawfork" {
		rawFork()
	} else {
		cmd := exec.Command(os.Args[0], "child")
		cmd.Stdout = os.Stdout
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Println("child failed:", err)
		} else {
			fmt.Println("child exit 0")
		}
	}
	fmt.Println("parent work", work(20))
}
