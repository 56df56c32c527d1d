// Package e4 does almost nothing in its init: one store, no allocation.
package e4

var Ready bool

func init() { Ready = true }
