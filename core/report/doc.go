// Package report is the one vocabulary of a co-search's outcome: the
// progress events a search emits (Event, with the accelerator engine's
// distribution HWDist), the headline numbers of a network on an
// accelerator (Metrics) and the result (Result, with its network,
// design, per-layer costs, baselines and timing).
//
// The search produces these values; the command line prints them, the
// worker sends them to the page (package protocol gives their wire
// form), and the views draw them. The package imports only the
// accelerator vocabulary (core/accel), so the page's binary, which must
// not link the trainer, can use it.
//
// A Result's JSON form is what `dian search -json` prints and what the
// page exposes as window.dianResult; for the same configuration it is the
// same, byte for byte, in every field but Timing.
package report
