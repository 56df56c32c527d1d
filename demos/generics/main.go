// Locations as Go users write them (issue 15): generic functions by their source name (every
// instantiation), a method of a generic type, a closure, and a line of a function the compiler
// inlines in three places.
package main

import "fmt"

type Number interface {
	~int | ~float64
}

//go:noinline
func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

type Map[K comparable, V any] struct {
	m map[K]V
}

//go:noinline
func (m *Map[K, V]) Set(k K, v V) {
	m.m[k] = v
}

var calls, last int

// Small: inlined wherever it is called (three places).
func note(v int) {
	calls++ // a FILE:LINE breakpoint here stops in every copy
	last = v
}

//go:noinline
func twice(x int) int {
	note(x)
	return x + x
}

func main() {
	ints := Sum([]int{1, 2, 3})
	floats := Sum([]float64{1.5, 2.5})
	names := &Map[string, int]{m: map[string]int{}}
	names.Set("a", 1)
	ids := &Map[int, string]{m: map[int]string{}}
	ids.Set(7, "seven")
	note(ints)
	total := ints + twice(3)
	note(total)
	show := func(v int) {
		fmt.Println("generics:", v, floats, len(names.m), len(ids.m), calls, last)
	}
	show(total)
}
