// Package e2 does almost nothing in its init: one store, no allocation.
package e2

var Ready bool

func init() { Ready = true }
