//go:build !js

package service

// yieldToEventLoop does nothing where goroutines are preempted.
func yieldToEventLoop() {}
