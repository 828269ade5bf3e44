// Package wasm holds DIAN Explorer's browser entry points and the static
// files around them:
//
//   - page: the Ebiten accelerator view (GOOS=js), run in viz.html inside
//     the page; it links viz and the plain types of core it draws.
//   - worker: the Web Worker (GOOS=js) that runs the co-search core; its
//     logic (answering requests, fetching datasets and snapshots, running,
//     pausing and stepping a search) is worker/service, plain Go with
//     native tests.
//   - protocol: the messages between the page and the worker.
//   - web: the JavaScript and CSS the server serves next to index.html.
//
// The two binaries are separate so the trainer and gonum stay out of the
// Ebiten binary (see docs/METHOD.md §8.3).
package wasm
