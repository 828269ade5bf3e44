// Package tlyaml reads Timeloop's YAML files as their users write them:
// problems (the classic v0.4 form and the front end's, with
// {{include_text('…')}} and "<<<" deep merges), architectures (v0.4
// lists of !Container, !Component and !Parallel nodes, and v0.3 trees of
// subtrees and local components, as Timeloop also writes them back),
// mappings (map.yaml, as users and Timeloop's mapper write it) and
// Accelergy's energy reference table (ERT.yaml). It parses with go.yaml.in/yaml/v3 and keeps the file and
// line of the node in every error.
//
// It is separate from package timeloop, which writes these files and
// reads Timeloop's map.txt printout, so that the browser's worker, which
// exports designs for Timeloop, does not link a YAML parser: only the
// command line and the tests read YAML.
package tlyaml
