// The program the DAP tests debug: values of every shape for the variables view, a loop for
// logpoints and conditional breakpoints, a call to step into, output on both streams, and
// modes that panic, spin (for pause and attach) and exit with a status the tests change.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

type point struct {
	X, Y int
	Name string
}

type shape struct {
	Corner *point
	Tags   []string
	Sizes  map[string]int
}

var Counter = 40

func add(a, b int) int {
	sum := a + b
	return sum
}

func loop(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += add(i, 1)
	}
	return total
}

func spin() {
	for {
		Counter++
		time.Sleep(5 * time.Millisecond)
	}
}

func main() {
	mode := "run"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	p := point{X: 3, Y: 4, Name: "origin"}
	nums := make([]int, 300)
	for i := range nums {
		nums[i] = i * i
	}
	ages := map[string]int{"gopher": 13, "ken": 82}
	s := shape{Corner: &p, Tags: []string{"a", "b"}, Sizes: ages}
	var any interface{} = p
	fmt.Println("hello from dapdemo", mode)
	if env := os.Getenv("DAPDEMO_ENV"); env != "" {
		wd, _ := os.Getwd()
		fmt.Println("env", env, "cwd", wd)
	}
	fmt.Fprintln(os.Stderr, "a line on stderr")
	total := loop(5)
	fmt.Println("total", total, p.X, len(nums), len(ages), len(s.Tags), any != nil)
	switch mode {
	case "panic":
		panic("boom " + strconv.Itoa(Counter))
	case "spin":
		spin()
	}
	fmt.Println("counter", Counter)
	os.Exit(Counter - 37)
}
