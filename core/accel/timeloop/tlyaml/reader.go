package tlyaml

import (
	"fmt"
	"strconv"
	"strings"
)

// yReader reads one file's schema, naming the file and line in errors.
type yReader struct {
	file    string
	include Include
	notes   *[]string // what the file holds that Timeloop ignores; nil: not collected
	ex      *expanded // the text as parsed, set by top: maps lines to files
}

// at is the file and line a node came from (through includes).
func (r yReader) at(n *yNode) (string, int) {
	line := 0
	if n != nil {
		line = n.line
	}
	if r.ex == nil {
		return r.file, line
	}
	return r.ex.origin(r.file, line)
}

// note records something the file holds that is read but has no effect,
// as Timeloop treats it.
func (r yReader) note(n *yNode, format string, args ...any) {
	if r.notes == nil {
		return
	}
	file, line := r.at(n)
	*r.notes = append(*r.notes, (&yamlError{file: file, line: line, msg: fmt.Sprintf(format, args...)}).Error())
}

func (r yReader) errf(n *yNode, format string, args ...any) error {
	file, line := r.at(n)
	return &yamlError{file: file, line: line, msg: fmt.Sprintf(format, args...)}
}

// checkKeys rejects keys of map n outside the accepted list.
func (r yReader) checkKeys(n *yNode, where string, accepted ...string) error {
	for i, k := range n.keys {
		ok := false
		for _, a := range accepted {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return r.errf(n.vals[i], "%s: unknown field %q (accepted: %s)", where, k, strings.Join(accepted, ", "))
		}
	}
	return nil
}

func (r yReader) needMap(n *yNode, where string) error {
	if n == nil {
		return r.errf(nil, "%s: missing", where)
	}
	if n.kind != yMap {
		return r.errf(n, "%s: expected a map, got %s", where, n.kindName())
	}
	return nil
}

func (r yReader) needSeq(n *yNode, where string) error {
	if n == nil {
		return r.errf(nil, "%s: missing", where)
	}
	if n.kind != ySeq {
		return r.errf(n, "%s: expected a list, got %s", where, n.kindName())
	}
	return nil
}

func (r yReader) str(n *yNode, where string) (string, error) {
	if n == nil {
		return "", r.errf(nil, "%s: missing", where)
	}
	if n.kind != yScalar || n.value == "" {
		return "", r.errf(n, "%s: expected a name, got %s", where, n.kindName())
	}
	return n.value, nil
}

// integer parses a scalar integer in [lo, hi].
func (r yReader) integer(n *yNode, where string, lo, hi int64) (int64, error) {
	if n == nil {
		return 0, r.errf(nil, "%s: missing", where)
	}
	if n.kind != yScalar {
		return 0, r.errf(n, "%s: expected an integer, got %s", where, n.kindName())
	}
	v, err := strconv.ParseInt(n.value, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(n.value, 64); ferr == nil && f == float64(int64(f)) && f >= float64(lo) && f <= float64(hi) {
			return int64(f), nil
		}
		return 0, r.errf(n, "%s: %q is not an integer (accepted %d..%d)", where, n.value, lo, hi)
	}
	if v < lo || v > hi {
		return 0, r.errf(n, "%s: %d is out of range (accepted %d..%d)", where, v, lo, hi)
	}
	return v, nil
}

func (r yReader) number(n *yNode, where string) (float64, error) {
	if n == nil || n.kind != yScalar {
		return 0, r.errf(n, "%s: expected a number", where)
	}
	v, err := strconv.ParseFloat(n.value, 64)
	if err != nil || v < 0 || v > 1e15 || v != v {
		return 0, r.errf(n, "%s: %q is not a number in 0..1e15", where, n.value)
	}
	return v, nil
}

func (r yReader) boolean(n *yNode, where string) (bool, error) {
	if n == nil || n.kind != yScalar {
		return false, r.errf(n, "%s: expected true or false", where)
	}
	switch strings.ToLower(n.value) {
	case "true", "yes":
		return true, nil
	case "false", "no":
		return false, nil
	}
	return false, r.errf(n, "%s: %q is not true or false", where, n.value)
}

// names reads a list of names (flow or block).
func (r yReader) names(n *yNode, where string) ([]string, []*yNode, error) {
	if err := r.needSeq(n, where); err != nil {
		return nil, nil, err
	}
	var out []string
	for i, it := range n.items {
		s, err := r.str(it, fmt.Sprintf("%s[%d]", where, i))
		if err != nil {
			return nil, nil, err
		}
		out = append(out, s)
	}
	return out, n.items, nil
}

// top parses src and returns the node under its top-level key. Other
// top-level keys are left alone: a file Timeloop writes back
// (parsed-processed-input.yaml) holds every section in one file.
func (r *yReader) top(src []byte, key string) (*yNode, error) {
	root, ex, err := parseYAML(r.file, src, r.include)
	if err != nil {
		return nil, err
	}
	r.ex = ex
	if err := r.needMap(root, "top level"); err != nil {
		return nil, err
	}
	n := root.get(key)
	if n == nil {
		return nil, r.errf(root, "no %s: section (top-level keys: %s)", key, strings.Join(root.keys, ", "))
	}
	if key == "mapping" {
		return n, r.needSeq(n, key)
	}
	return n, r.needMap(n, key)
}
