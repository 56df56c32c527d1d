// A program for post-mortem debugging. It parks workers in known wait states (channel receive,
// select, sleep, mutex, condition variable), keeps values worth printing in globals and in the
// frames of the goroutine that fails, and then:
//   - no argument, or "panic": goroutine "ledger" panics with a string built from its locals
//     (run it with GOTRACEBACK=crash so the runtime aborts and the kernel writes a core);
//   - "error": the same goroutine panics with an error value;
//   - "nil": it dereferences a nil pointer (a runtime error);
//   - "deadlock": main blocks forever before starting anything, a fatal error of the runtime
//     ("all goroutines are asleep"), not a panic;
//   - "hold": main prints "parked N" and sleeps, for gcore, godbg's dump or dlv to take a core.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

type account struct {
	Name    string
	Balance int
	Tags    []string
}

var (
	Accounts = []account{
		{Name: "alice", Balance: 120, Tags: []string{"gold"}},
		{Name: "bob", Balance: 35, Tags: nil},
	}
	Generation = 7
	mu         sync.Mutex
	cond       = sync.NewCond(&sync.Mutex{})
	ready      sync.WaitGroup
)

func receiver(ch chan int) {
	ready.Done()
	<-ch
}

func selector(a, b chan int) {
	ready.Done()
	select {
	case <-a:
	case <-b:
	}
}

func sleeper() {
	ready.Done()
	time.Sleep(time.Hour)
}

func locker() {
	ready.Done()
	mu.Lock()
	defer mu.Unlock()
}

func waiter() {
	cond.L.Lock()
	ready.Done()
	cond.Wait()
	cond.L.Unlock()
}

var errOverdraft = errors.New("overdraft")

//go:noinline
func settle(a *account, amount int, mode string) int {
	limit := a.Balance + 100
	if amount > limit {
		switch mode {
		case "error":
			panic(fmt.Errorf("%w on %s: %d > %d", errOverdraft, a.Name, amount, limit))
		case "nil":
			var missing *account
			return missing.Balance + amount
		default:
			panic(fmt.Sprintf("overdraft on %s: %d > %d", a.Name, amount, limit))
		}
	}
	a.Balance -= amount
	return a.Balance
}

//go:noinline
func ledger(accounts []account, amounts []int, mode string, done chan<- int) {
	total := 0
	for i := range accounts {
		total += settle(&accounts[i], amounts[i], mode)
	}
	done <- total
}

func main() {
	mode := "panic"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	if mode == "deadlock" {
		var never chan int
		<-never
	}
	mu.Lock()
	ch := make(chan int)
	a, b := make(chan int), make(chan int)
	ready.Add(5)
	go receiver(ch)
	go selector(a, b)
	go sleeper()
	go locker()
	go waiter()
	ready.Wait()
	time.Sleep(100 * time.Millisecond)
	if mode == "hold" {
		fmt.Println("parked", 5)
		// One long sleep: nothing changes while several debuggers take cores in turn.
		for {
			time.Sleep(time.Hour)
		}
	}
	fmt.Println("settling", Generation)
	done := make(chan int)
	go ledger(Accounts, []int{20, 500}, mode, done)
	fmt.Println(<-done)
}
