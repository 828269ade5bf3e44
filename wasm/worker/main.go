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

var uint8Array = js.Global().Get("Uint8Array")

func main() {
	self := js.Global() // the DedicatedWorkerGlobalScope
	jobs := make(chan []byte, 64)

	self.Set("onmessage", js.FuncOf(func(this js.Value, args []js.Value) any {
		data := args[0].Get("data")
		src := uint8Array.New(data) // accepts an ArrayBuffer or a Uint8Array
		buf := make([]byte, src.Length())
		js.CopyBytesToGo(buf, src)
		jobs <- buf // work happens off the callback, which must return quickly
		return nil
	}))

	post := func(b []byte) {
		dst := uint8Array.New(len(b))
		js.CopyBytesToJS(dst, b)
		self.Call("postMessage", dst, []any{dst.Get("buffer")})
	}
	svc := service.New(post, fetch, protocol.Version())
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
		return nil, fmt.Errorf("fetching %s: %w", path, err)
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
