package search

import "fmt"

// baseline runs the named comparison.
func (r *runner) baseline(name string, in Input) (*Baseline, error) {
	return nil, fmt.Errorf("search: baseline %q is not available yet", name)
}
