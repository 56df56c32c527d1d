// Package e3 does almost nothing in its init: one store, no allocation.
package e3

var Ready bool

func init() { Ready = true }
