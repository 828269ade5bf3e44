//go:build js

// Command worker is the Web Worker side of DIAN Explorer: it receives
// MessagePack requests from the page, hands them to protocol.Handle, and
// posts the replies back as transferred ArrayBuffers.
package main

import (
	"syscall/js"

	"github.com/dian-explorer/dian/wasm/protocol"
)

func main() {
	self := js.Global() // the DedicatedWorkerGlobalScope
	uint8Array := js.Global().Get("Uint8Array")
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
	post(protocol.ReadyMessage())
	for msg := range jobs {
		post(protocol.Handle(msg))
	}
}
