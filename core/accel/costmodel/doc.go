// Package costmodel picks the network-level cost model a platform's designs
// are costed with, and runs it: Auto-NBA's FPGA chunk model (package fpga)
// on FPGAs, DNA's Eyeriss-style estimator (package dna) on the ASIC and
// SCALE-Sim's systolic model (package systolic) on systolic arrays.
//
// The co-search, the command line (dian eval) and the page cost a design
// through this package, so a design of a given platform has one cost
// whichever of them asks. Evaluate validates and allocates; an Evaluator
// reuses its storage for the search's inner loop.
package costmodel
