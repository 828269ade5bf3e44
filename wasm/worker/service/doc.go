// Package service is the Web Worker's side of the page–worker protocol: it
// answers the page's requests (Answer: ping, the URL's keys and the
// lessons, parsing a link, exporting a design for Timeloop or SCALE-Sim)
// and runs a search on its own goroutine (Service), posting throttled
// progress and, at the end, the result as the same JSON as
// `dian search -json`.
//
// It is plain Go and tested natively. The worker's js-only main moves bytes
// between postMessage and Handle and implements Fetch with the browser's
// fetch; nothing here touches syscall/js.
//
// Pausing works through the search's observer, which runs on the search
// goroutine: while paused, the observer blocks after posting the event it
// was given, so the search waits exactly between two steps and a "step"
// lets it run to the next event.
package service
