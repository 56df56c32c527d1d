// A long-running loop with 8 extra goroutines: the demo to attach to.
// It counts until it has counted `limit` (argv[1], default forever), then exits with status 7.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

var Count int64

//go:noinline
func tick(n int64) int64 {
	return atomic.AddInt64(&Count, n)
}

func spin(id int) {
	for {
		time.Sleep(time.Duration(10+id) * time.Millisecond)
	}
}

func main() {
	limit := int64(-1)
	if len(os.Args) > 1 {
		limit, _ = strconv.ParseInt(os.Args[1], 10, 64)
	}
	for i := 0; i < 8; i++ {
		go spin(i)
	}
	fmt.Println("counter started", os.Getpid())
	for {
		c := tick(1)
		if c%100 == 0 {
			fmt.Println("count", c)
		}
		if limit >= 0 && c >= limit {
			os.Exit(7)
		}
		time.Sleep(time.Millisecond)
	}
}
