package loopnest

import "fmt"

// MaxDataSpaces bounds the data spaces of a Problem (Weights, Inputs,
// Outputs in a convolution; the bound only sizes fixed arrays).
const MaxDataSpaces = 4

// MaxRanks bounds the ranks (tensor dimensions) of one data space.
const MaxRanks = 8

// MaxProblemDims bounds the loop dimensions of a Problem.
const MaxProblemDims = 16

// MaxLevels bounds the storage levels of a Mapping.
const MaxLevels = 16

// maxCount bounds problem sizes so that every count fits an int64 with room:
// the product of all bounds must not exceed it.
const MaxCount = int64(1) << 52

// Term is one dimension of a data-space rank's index expression, scaled by a
// coefficient (a stride or dilation). CoefName is the coefficient's name in
// a Timeloop problem file ("Hstride"), kept so a problem written back reads
// as the user wrote it; "" for an unnamed coefficient (written as a number
// when it is not 1).
type Term struct {
	Dim      int // index into Problem.Dims
	Coef     int // ≥ 1
	CoefName string
}

// DataSpace is one tensor the loop body reads (or, if ReadWrite, updates).
// Each rank is indexed by the sum of its terms: Inputs of a convolution
// have a rank W indexed by Wstride·Q + Wdilation·S.
type DataSpace struct {
	Name      string
	Ranks     [][]Term
	ReadWrite bool
}

// Problem is a perfectly nested loop over named dimensions with the given
// bounds, whose body is one multiply-accumulate touching every data space.
type Problem struct {
	Name       string
	Dims       []string
	Bounds     []int
	DataSpaces []DataSpace
}

// DimIndex returns the index of the named dimension, or -1.
func (p *Problem) DimIndex(name string) int {
	for i, d := range p.Dims {
		if d == name {
			return i
		}
	}
	return -1
}

// DataSpaceIndex returns the index of the named data space, or -1.
func (p *Problem) DataSpaceIndex(name string) int {
	for i := range p.DataSpaces {
		if p.DataSpaces[i].Name == name {
			return i
		}
	}
	return -1
}

// MACs returns the number of loop-body executions (the product of bounds).
func (p *Problem) MACs() int64 {
	n := int64(1)
	for _, b := range p.Bounds {
		n *= int64(b)
	}
	return n
}

// Validate checks the problem's shape: names, bounds, projections.
func (p *Problem) Validate() error {
	if len(p.Dims) == 0 || len(p.Dims) > MaxProblemDims {
		return fmt.Errorf("loopnest: problem %q has %d dimensions; accepted 1..%d", p.Name, len(p.Dims), MaxProblemDims)
	}
	if len(p.Bounds) != len(p.Dims) {
		return fmt.Errorf("loopnest: problem %q has %d dimensions but %d bounds", p.Name, len(p.Dims), len(p.Bounds))
	}
	prod := int64(1)
	for i, d := range p.Dims {
		if d == "" {
			return fmt.Errorf("loopnest: problem %q: dimension %d has no name", p.Name, i)
		}
		if p.DimIndex(d) != i {
			return fmt.Errorf("loopnest: problem %q: dimension %q appears twice", p.Name, d)
		}
		b := p.Bounds[i]
		if b < 1 {
			return fmt.Errorf("loopnest: problem %q: bound %s=%d must be ≥ 1", p.Name, d, b)
		}
		if int64(b) > MaxCount/prod {
			return fmt.Errorf("loopnest: problem %q: the product of bounds exceeds %d at %s=%d", p.Name, MaxCount, d, b)
		}
		prod *= int64(b)
	}
	if len(p.DataSpaces) == 0 || len(p.DataSpaces) > MaxDataSpaces {
		return fmt.Errorf("loopnest: problem %q has %d data spaces; accepted 1..%d", p.Name, len(p.DataSpaces), MaxDataSpaces)
	}
	for i := range p.DataSpaces {
		ds := &p.DataSpaces[i]
		if ds.Name == "" || p.DataSpaceIndex(ds.Name) != i {
			return fmt.Errorf("loopnest: problem %q: data space %d needs a unique name", p.Name, i)
		}
		if len(ds.Ranks) == 0 || len(ds.Ranks) > MaxRanks {
			return fmt.Errorf("loopnest: problem %q: data space %s has %d ranks; accepted 1..%d", p.Name, ds.Name, len(ds.Ranks), MaxRanks)
		}
		for r, rank := range ds.Ranks {
			if len(rank) == 0 {
				return fmt.Errorf("loopnest: problem %q: data space %s rank %d has no terms", p.Name, ds.Name, r)
			}
			for _, t := range rank {
				if t.Dim < 0 || t.Dim >= len(p.Dims) {
					return fmt.Errorf("loopnest: problem %q: data space %s rank %d refers to dimension %d of %d", p.Name, ds.Name, r, t.Dim, len(p.Dims))
				}
				if t.Coef < 1 || t.Coef > 1<<16 {
					return fmt.Errorf("loopnest: problem %q: data space %s rank %d: coefficient %d of %s must be in 1..65536", p.Name, ds.Name, r, t.Coef, p.Dims[t.Dim])
				}
			}
		}
	}
	return nil
}
