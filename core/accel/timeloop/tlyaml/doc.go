// Package tlyaml reads Timeloop's YAML files as their users write them:
// problems (the classic v0.4 form and the front end's, with
// {{include_text('…')}} and "<<<" deep merges), architectures (v0.4
// trees of !Container, !Component and !Parallel nodes) and mappings
// (map.yaml). It parses with go.yaml.in/yaml/v3 and keeps the file and
// line of the node in every error.
//
// It is separate from package timeloop, which writes these files and
// reads Timeloop's map.txt printout, so that the browser's worker, which
// exports designs for Timeloop, does not link a YAML parser: only the
// command line and the tests read YAML.
package tlyaml
