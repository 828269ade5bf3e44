// Package protocol defines the messages between the page and the Web Worker
// that runs the co-search core. It imports only the results vocabulary
// (core/report), so the page's binary, which decodes progress messages,
// links nothing of the worker's.
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
//	export {format, design, …}      export (ExportReply: Timeloop or SCALE-Sim files)
//	control {action}                control (ControlReply: running, paused, stopped, idle)
//	                                ready (once, at start), error (Error, with Problems)
//
// The worker's side, plain Go with native tests, is package
// wasm/worker/service: Answer replies to ping, keys, parse and export, and
// a Service runs searches and their control; the js-only worker main
// merely moves bytes.
package protocol
