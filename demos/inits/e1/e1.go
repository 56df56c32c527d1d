// Package e1 does almost nothing in its init: one store, no allocation.
package e1

var Ready bool

func init() { Ready = true }
