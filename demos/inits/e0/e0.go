// Package e0 does almost nothing in its init: one store, no allocation.
package e0

var Ready bool

func init() { Ready = true }
