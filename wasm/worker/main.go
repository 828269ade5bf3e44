//go:build js

// Command worker is the Web Worker side of DIAN Explorer: it receives
// MessagePack requests from the page, hands them to the search service, and
// posts the service's messages back as transferred ArrayBuffers. It reads
// datasets and snapshots from the site with the browser's fetch.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall/js"

	"github.com/dian-explorer/dian/wasm/protocol"
	"github.com/dian-explorer/dian/wasm/worker/service"
)

var (
	uint8Array  = js.Global().Get("Uint8Array")
	arrayBuffer = js.Global().Get("ArrayBuffer")
)

// postNow posts b to the page, transferring its buffer.
func postNow(b []byte) {
	dst := uint8Array.New(len(b))
	js.CopyBytesToJS(dst, b)
	js.Global().Call("postMessage", dst, []any{dst.Get("buffer")})
}

func main() {
	self := js.Global() // the DedicatedWorkerGlobalScope
	jobs := make(chan []byte, 64)

	self.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		// Anything may be posted to a worker; only binary messages are
		// requests. A JavaScript exception here (say, a typed array of a
		// negative length) would kill the Go program, so the type is checked
		// before any conversion.
		data := args[0].Get("data")
		if data.Type() == js.TypeObject && data.Get("type").Type() == js.TypeString && data.Get("type").String() == "peers" {
			// The ports to this worker's peers in a group (group.go),
			// for the next search; they cannot travel as MessagePack.
			ports := data.Get("ports")
			peers = nil
			for i := 0; ports.Type() == js.TypeObject && i < ports.Length() && i < 64; i++ {
				peers = append(peers, ports.Index(i))
			}
			return nil
		}
		if !data.InstanceOf(arrayBuffer) && !data.InstanceOf(uint8Array) {
			postNow(protocol.Encode(protocol.Error{Type: "error",
				Message: "worker: a message must be MessagePack bytes (an ArrayBuffer or a Uint8Array), not a " + data.Type().String()}))
			return nil
		}
		src := uint8Array.New(data)
		if n := src.Length(); n > protocol.MaxMessageBytes {
			postNow(protocol.Encode(protocol.Error{Type: "error",
				Message: fmt.Sprintf("worker: message of %d bytes exceeds the %d-byte limit", n, protocol.MaxMessageBytes)}))
			return nil
		}
		buf := make([]byte, src.Length())
		js.CopyBytesToGo(buf, src)
		// The callback must return quickly and must never block: the
		// loop below may be waiting for a fetch that needs this event loop.
		select {
		case jobs <- buf:
		default:
			postNow(protocol.Encode(protocol.Error{Type: "error", ID: protocol.RequestID(buf),
				Message: fmt.Sprintf("worker: %d messages are already waiting; this one was dropped", cap(jobs))}))
		}
		return nil
	}))

	post := postNow
	svc := service.New(post, fetch, protocol.Version())
	svc.Ports = ports
	post(protocol.ReadyMessage())
	for msg := range jobs {
		svc.Handle(msg)
	}
}

// fetch GETs a file of the site, relative to the worker script (the root).
func fetch(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	resp, err := await(js.Global().Call("fetch", path))
	if err != nil {
		// fetch rejects only when no answer came: the network is down.
		return nil, fmt.Errorf("fetching %s: the server cannot be reached (%v); offline, the page has only the files it used before", path, err)
	}
	if !resp.Get("ok").Bool() {
		status := resp.Get("status").Int()
		if status == 404 {
			return nil, fmt.Errorf("fetching %s: %w", path, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("fetching %s: the server answered %d %s", path, status, resp.Get("statusText").String())
	}
	buf, err := await(resp.Call("arrayBuffer"))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	src := uint8Array.New(buf)
	b := make([]byte, src.Length())
	js.CopyBytesToGo(b, src)
	return b, nil
}

// await waits for a promise on this goroutine; the JavaScript event loop
// runs meanwhile.
func await(promise js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	ch := make(chan outcome, 1)
	then := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- outcome{v: args[0]}
		return nil
	})
	defer then.Release()
	catch := js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "unknown error"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- outcome{err: errors.New(msg)}
		return nil
	})
	defer catch.Release()
	promise.Call("then", then, catch)
	o := <-ch
	return o.v, o.err
}
