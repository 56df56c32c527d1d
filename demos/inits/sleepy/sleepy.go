// Package sleepy takes 20 ms in its init, asleep: its init's time is wall time, not CPU time.
package sleepy

import "time"

var Slept time.Duration

func init() {
	t := time.Now()
	time.Sleep(20 * time.Millisecond)
	Slept = time.Since(t)
}
