package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// MaxConns is how many connections the server holds open at once. Each
// takes a file descriptor; without a cap, one client holding 20,000 idle
// keep-alive connections ran the process out of descriptors and nothing
// was answered for a minute.
const MaxConns = 512

// connLimiter caps the open connections of an http.Server. When a
// connection arrives at the cap, the one that has waited longest without
// a request in progress (new, or idle between keep-alive requests) is
// closed to make room; if every connection is busy, the newcomer is
// closed instead. So a flood of idle connections costs the flooder its
// own older connections, not other clients their service.
type connLimiter struct {
	max int

	mu      sync.Mutex
	open    int
	waiting map[net.Conn]time.Time // connections with no request in progress, since when
}

func newConnLimiter(max int) *connLimiter {
	return &connLimiter{max: max, waiting: map[net.Conn]time.Time{}}
}

// listener wraps ln so that Accept applies the cap.
func (l *connLimiter) listener(ln net.Listener) net.Listener { return limitedListener{ln, l} }

type limitedListener struct {
	net.Listener
	l *connLimiter
}

func (ll limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ll.l.admit() {
			return c, nil
		}
		c.Close()
	}
}

// admit counts a new connection in, evicting the longest-waiting one at
// the cap; it reports false when every open connection is busy.
func (l *connLimiter) admit() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.max {
		var oldest net.Conn
		var since time.Time
		for c, t := range l.waiting { // which one is evicted does not touch any result
			if oldest == nil || t.Before(since) {
				oldest, since = c, t
			}
		}
		if oldest == nil {
			return false
		}
		delete(l.waiting, oldest)
		oldest.Close() // its StateClosed will count it out
	}
	l.open++
	return true
}

// connState is the http.Server's ConnState hook.
func (l *connLimiter) connState(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s {
	case http.StateNew, http.StateIdle:
		l.waiting[c] = time.Now()
	case http.StateActive:
		delete(l.waiting, c)
	case http.StateClosed, http.StateHijacked:
		delete(l.waiting, c)
		l.open--
	}
}
