package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// Diff compares two JSON documents (results, sweeps) and describes the
// first value that differs, as a path with both values ("metrics.fps:
// 18571.4, other 18571.5"); "" when they are equal as JSON. Object keys are
// visited in sorted order, array elements in order.
func Diff(a, b []byte) (string, error) {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return "", fmt.Errorf("report: Diff: first document: %w", err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return "", fmt.Errorf("report: Diff: second document: %w", err)
	}
	return diffJSON("", x, y), nil
}

func diffJSON(path string, x, y any) string {
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			return mismatch(path, x, y)
		}
		keys := make([]string, 0, len(xv)+len(yv))
		for k := range xv {
			keys = append(keys, k)
		}
		for k := range yv {
			if _, ok := xv[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if d := diffJSON(p, xv[k], yv[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return mismatch(path, x, y)
		}
		for i := range xv {
			if d := diffJSON(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(x, y) {
		return mismatch(path, x, y)
	}
	return ""
}

func mismatch(path string, x, y any) string {
	if path == "" {
		path = "(the document)"
	}
	return fmt.Sprintf("%s: %s, other %s", path, short(x), short(y))
}

// short is v's JSON, cut to 80 characters.
func short(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
