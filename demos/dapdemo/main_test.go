package main

import "testing"

// For DAP's test mode: a test binary built by go test -c, stopped in the code it tests.
func TestAdd(t *testing.T) {
	if got := add(2, 3); got != 5 {
		t.Fatalf("add(2, 3) = %d", got)
	}
}
