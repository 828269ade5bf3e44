// Package timeloop writes Timeloop's file formats (v0.4, as in the
// Accelergy-Project/timeloop-accelergy-exercises): the problem file, with
// Timeloop's [Dim, Coef] projection terms and named coefficients; the
// architecture file; the mapping file (map.yaml); and the mapping printout
// timeloop-model writes (map.txt), which it also reads. Reading the YAML
// files is package tlyaml's, so that the browser's worker, which exports
// designs with Export, links no YAML parser.
//
// Problems, architectures and mappings are costed with package loopnest;
// Export writes a design's layers, mapped by loopnest's mapper, as files
// Timeloop reads.
package timeloop
