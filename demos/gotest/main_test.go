package main

import "testing"

func TestSum(t *testing.T) {
	got := sum([]int{1, 2, 3, 4})
	if got != 10 {
		t.Fatalf("sum = %d, want 10", got)
	}
}

func TestScale(t *testing.T) {
	got := scale([]int{1, 2}, 3)
	if got[0] != 3 || got[1] != 6 {
		t.Fatalf("scale = %v", got)
	}
}
