// Package wire decodes MessagePack that comes from outside the program (a
// message posted to the worker, a result carried in a link) without
// trusting it.
//
// The msgpack library allocates what a message declares before it reads
// it: a string header claiming 4 GB asks for 4 GB, and the decoder it keeps
// in a pool then holds that buffer for the next message. Check walks the
// message first, without allocating, and refuses any length longer than
// the bytes that follow it, any count of elements that could not fit in
// them, nesting deeper than a bound, reserved bytes and trailing bytes.
// Unmarshal decodes only what Check accepts, with a fresh decoder, so a
// bad message costs at most its own size and leaves nothing behind.
package wire
