// Package protocol defines the messages between the page and the Web Worker
// that runs the co-search core, and the worker's handling of the requests
// that have a single reply.
//
// Every message is one MessagePack map with a "type" key and, for requests,
// an "id" the reply echoes, so the page can match replies to requests.
//
//	page → worker                   worker → page
//	ping                            pong (Pong: build, Go version, platforms)
//	keys                            keys (Keys: every URL key, the lessons)
//	parse {fragment}                parsed (Parsed: values, problems, carried result)
//	search {fragment, paused}       progress… (Progress, throttled; with the
//	                                accelerator engine's distribution after
//	                                it runs: DecodeHWDist), then
//	                                result (Result: JSON, network file, compact) or error
//	control {action}                control (ControlReply: running, paused, stopped, idle)
//	                                ready (once, at start), error (Error, with Problems)
//
// Handle answers ping, keys and parse; searches and their control are the
// worker's search service (wasm/worker/service). Both are plain Go with
// native tests; the js-only worker main merely moves bytes.
package protocol
