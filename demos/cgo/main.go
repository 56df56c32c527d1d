// A cgo program: main.main calls into C, which sleeps in libc (nanosleep) two C calls deep,
// while a thread that C started runs C code of its own and a goroutine sleeps in Go. The demo
// for shared libraries (libc, libpthread through the dynamic linker's link map), C frames in
// bt down through runtime.cgocall to main.main, breakpoints on C functions and threads in C.
package main

/*
#include <pthread.h>
#include <time.h>

volatile int c_counter;

__attribute__((noinline)) void c_inner(int ms) {
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	c_counter++;
	nanosleep(&ts, 0);
	c_counter++;
}

__attribute__((noinline)) void c_outer(int ms) {
	c_inner(ms);
	c_counter++;
}

static void* c_thread_main(void* arg) {
	for (;;) c_outer(50);
	return arg;
}

void c_start_thread(void) {
	pthread_t t;
	pthread_create(&t, 0, c_thread_main, 0);
}
*/
import "C"

import (
	"fmt"
	"os"
	"time"
)

//go:noinline
func callC(ms int) {
	C.c_outer(C.int(ms))
}

func main() {
	C.c_start_thread()
	go func() {
		time.Sleep(time.Hour)
	}()
	ms := 3600 * 1000
	if len(os.Args) > 1 {
		fmt.Sscan(os.Args[1], &ms)
	}
	fmt.Println("cgo: calling C")
	callC(ms)
	fmt.Println("cgo: back from C")
}
