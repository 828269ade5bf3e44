package timeloop

import (
	"fmt"
	"strconv"
	"strings"
)

type yReader struct{ file string }

func (r yReader) errf(n *yNode, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.line
	}
	return &yamlError{file: r.file, line: line, msg: fmt.Sprintf(format, args...)}
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

// top parses src and returns the map under its single top-level key.
func (r yReader) top(src []byte, key string) (*yNode, error) {
	root, err := parseYAML(r.file, src)
	if err != nil {
		return nil, err
	}
	if err := r.needMap(root, "top level"); err != nil {
		return nil, err
	}
	if err := r.checkKeys(root, "top level", key); err != nil {
		return nil, err
	}
	n := root.get(key)
	if key == "mapping" {
		return n, r.needSeq(n, key)
	}
	return n, r.needMap(n, key)
}
