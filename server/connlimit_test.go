//go:build !js

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// One client holding 3,000 keep-alive connections idle (each has made a
// request) does not starve the others: the server keeps at most MaxConns
// open, closing the longest-idle ones, and a fresh client's requests are
// all answered while the flood stays connected.
func TestConnectionFloodLeavesOthersServed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, "127.0.0.1:0", loadTestSite(t, repoRoot), io.Discard, ready, nil) }()
	defer func() { cancel(); <-errc }()
	url := <-ready
	host := strings.TrimPrefix(url, "http://")
	host = strings.TrimSuffix(host, "/")

	fdsBefore := openFiles(t)
	const flood = 3000
	conns := make([]net.Conn, 0, flood)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range flood {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatalf("dialing connection %d: %v", len(conns)+1, err)
		}
		// One request, then the connection idles, as a keep-alive client's does.
		fmt.Fprintf(c, "GET /style.css HTTP/1.1\r\nHost: %s\r\n\r\n", host)
		conns = append(conns, c)
	}
	// Read each answer (or the close of an evicted connection) so the
	// server has seen every request through.
	for _, c := range conns {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	// The test holds flood client descriptors; the server may hold at most
	// MaxConns more (and a few of its own).
	if fds := openFiles(t) - fdsBefore; fdsBefore >= 0 && fds > flood+MaxConns+64 {
		t.Errorf("%d descriptors open during the flood, want at most %d client + %d server", fds, flood, MaxConns+64)
	}
	client := &http.Client{Transport: &http.Transport{}}
	for i := range 20 {
		resp, err := client.Get(url + "index.html")
		if err != nil {
			t.Fatalf("request %d during the flood: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d during the flood: %s", i+1, resp.Status)
		}
	}
}

// openFiles counts the process's open descriptors (Linux's /proc), or
// returns -1 where there is no /proc.
func openFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Logf("cannot count open files here (%v): the descriptor check is left out", err)
		return -1
	}
	return len(entries)
}
