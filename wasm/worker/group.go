//go:build js

package main

import (
	"fmt"
	"syscall/js"
	"unsafe"

	"github.com/dian-explorer/dian/wasm/worker/service"
)

// The worker's ports to its peers in a group (service.NewStarGroup): the
// page posts them in a "peers" message before the search, as
// MessagePorts, which cannot travel as MessagePack. A shard travels as two
// ArrayBuffers (its float32 and float64 values), transferred.

// peers holds the ports of the last "peers" message, for the next search.
var peers []js.Value

// ports hands the search the ports the page gave, once.
func ports(rank, size int) ([]service.Port, error) {
	if len(peers) == 0 {
		return nil, fmt.Errorf("worker: rank %d of %d, but the page gave no ports to its peers", rank, size)
	}
	var out []service.Port
	for _, p := range peers {
		out = append(out, newJSPort(p))
	}
	peers = nil
	return out, nil
}

type jsPort struct {
	port    js.Value
	inbox   chan service.PeerMessage
	handler js.Func
}

func newJSPort(p js.Value) *jsPort {
	jp := &jsPort{port: p, inbox: make(chan service.PeerMessage, 4)}
	jp.handler = js.FuncOf(func(this js.Value, args []js.Value) any {
		select {
		case jp.inbox <- decodePeer(args[0].Get("data")):
		default: // a peer posts once per exchange and waits: never full
		}
		return nil
	})
	p.Set("onmessage", jp.handler)
	return jp
}

func (p *jsPort) Close() {
	p.port.Set("onmessage", js.Null())
	p.port.Call("close")
	p.handler.Release()
}

func (p *jsPort) Inbox() <-chan service.PeerMessage { return p.inbox }

func (p *jsPort) Post(m service.PeerMessage) {
	idx, f32, f64 := make([]any, len(m.Index)), make([]any, len(m.Index)), make([]any, len(m.Index))
	var transfer []any
	for k, i := range m.Index {
		a, b := bytesToJS(floatBytes(m.F32[k])), bytesToJS(floatBytes(m.F64[k]))
		idx[k], f32[k], f64[k] = i, a, b
		transfer = append(transfer, a, b)
	}
	msg := js.Global().Get("Object").New()
	msg.Set("step", m.Step)
	msg.Set("idx", idx)
	msg.Set("f32", f32)
	msg.Set("f64", f64)
	p.port.Call("postMessage", msg, transfer)
}

// decodePeer reads a peer's message, checking its form and every size.
func decodePeer(data js.Value) service.PeerMessage {
	bad := func(format string, args ...any) service.PeerMessage {
		return service.PeerMessage{Err: fmt.Errorf("worker: a peer's message: "+format, args...)}
	}
	if data.Type() != js.TypeObject || data.Get("step").Type() != js.TypeNumber {
		return bad("not shards")
	}
	idx, f32, f64 := data.Get("idx"), data.Get("f32"), data.Get("f64")
	if idx.Type() != js.TypeObject || f32.Type() != js.TypeObject || f64.Type() != js.TypeObject {
		return bad("no shard lists")
	}
	n := idx.Length()
	if n > 64 || f32.Length() != n || f64.Length() != n {
		return bad("%d shard indices", n)
	}
	m := service.PeerMessage{Step: data.Get("step").Int()}
	for k := range n {
		a, b := f32.Index(k), f64.Index(k)
		if !a.InstanceOf(arrayBuffer) || !b.InstanceOf(arrayBuffer) || idx.Index(k).Type() != js.TypeNumber {
			return bad("shard %d is not two ArrayBuffers", k)
		}
		la, lb := a.Get("byteLength").Int(), b.Get("byteLength").Int()
		if la%4 != 0 || lb%8 != 0 || la/4+lb/8 > service.MaxShardValues {
			return bad("shard %d of %d+%d bytes", k, la, lb)
		}
		v32, v64 := make([]float32, la/4), make([]float64, lb/8)
		js.CopyBytesToGo(floatBytes(v32), uint8Array.New(a))
		js.CopyBytesToGo(floatBytes(v64), uint8Array.New(b))
		m.Index = append(m.Index, idx.Index(k).Int())
		m.F32, m.F64 = append(m.F32, v32), append(m.F64, v64)
	}
	return m
}

// bytesToJS copies b into a new ArrayBuffer.
func bytesToJS(b []byte) js.Value {
	dst := uint8Array.New(len(b))
	js.CopyBytesToJS(dst, b)
	return dst.Get("buffer")
}

// floatBytes views floats as their bytes, little-endian in wasm (every
// peer runs the same binary).
func floatBytes[T float32 | float64](f []T) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), int(unsafe.Sizeof(f[0]))*len(f))
}
