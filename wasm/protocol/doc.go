// Package protocol defines the messages between the page and the Web Worker
// that runs the co-search core, and the worker's handling of them.
//
// Every message is one MessagePack map with a "type" key and, for requests,
// an "id" the reply echoes, so the page can match replies to requests.
// Handling is plain Go with native tests; the js-only worker main merely
// moves bytes between postMessage and Handle.
package protocol
