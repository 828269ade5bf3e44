// Package timeloop reads and writes Timeloop's file formats (v0.4 syntax, as in the
// Accelergy-Project/timeloop-accelergy-exercises tutorials): the problem
// file, the architecture file, the mapping file (map.yaml) and the mapping
// printout timeloop-model writes (timeloop-model.map.txt). Every error names
// the file, the line and the field, and what is accepted.
//
// Problems, architectures and mappings read here are costed with package
// loopnest; Export writes a design's layers, mapped by loopnest's mapper,
// as files Timeloop reads.
package timeloop
