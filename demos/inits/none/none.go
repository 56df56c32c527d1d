// Package none has an empty init: the compiler drops it, so the package has no init task and
// neither the runtime's inittrace nor a debugger lists it.
package none

var Name = "none"

func init() {}
