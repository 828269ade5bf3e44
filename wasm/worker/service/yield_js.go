//go:build js

package service

import "time"

// yieldToEventLoop lets the JavaScript event loop run. Goroutines are not
// preempted on js/wasm and the runtime returns to JavaScript only when none
// can run, so without this a searching goroutine would hold back every
// message from the page (pause, stop, parse) until the search ended. A
// sleeping goroutine hands control back through setTimeout.
func yieldToEventLoop() { time.Sleep(time.Millisecond) }
