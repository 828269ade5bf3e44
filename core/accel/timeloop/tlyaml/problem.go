package tlyaml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// Bounds on numbers read from files.
const (
	maxFileBound  = 1 << 30 // a problem bound or loop factor
	maxFileCoef   = 1 << 16 // a projection coefficient
	maxFileMemory = 1 << 40 // a depth or width
)

// ReadProblem reads a Timeloop problem file (v0.4: problem.shape
// with dimensions, optional coefficients and data_spaces with projections;
// problem.instance with the bounds and coefficient values). file names the
// source in errors.
func (f *Files) Problem(file string, src []byte) (*loopnest.Problem, error) {
	r := f.reader(file)
	pn, err := r.top(src, "problem")
	if err != nil {
		return nil, err
	}
	if err := r.checkKeys(pn, "problem", "version", "shape", "instance"); err != nil {
		return nil, err
	}
	shape := pn.get("shape")
	if err := r.needMap(shape, "problem.shape"); err != nil {
		return nil, err
	}
	if err := r.checkKeys(shape, "problem.shape", "name", "dimensions", "coefficients", "data_spaces", "data-spaces"); err != nil {
		return nil, err
	}
	p := &loopnest.Problem{}
	if n := shape.get("name"); n != nil {
		p.Name = n.value
	}
	dims, dimNodes, err := r.names(shape.get("dimensions"), "problem.shape.dimensions")
	if err != nil {
		return nil, err
	}
	if len(dims) == 0 || len(dims) > loopnest.MaxProblemDims {
		return nil, r.errf(shape.get("dimensions"), "problem.shape.dimensions: %d dimensions; accepted 1..%d", len(dims), loopnest.MaxProblemDims)
	}
	for i, d := range dims {
		for j := 0; j < i; j++ {
			if dims[j] == d {
				return nil, r.errf(dimNodes[i], "problem.shape.dimensions: %q appears twice", d)
			}
		}
	}
	p.Dims = dims

	// Coefficients: name → default value; overridden by instance.
	coefs := map[string]int64{}
	var coefOrder []string
	if cn := shape.get("coefficients"); cn != nil {
		if err := r.needSeq(cn, "problem.shape.coefficients"); err != nil {
			return nil, err
		}
		for i, it := range cn.items {
			where := fmt.Sprintf("problem.shape.coefficients[%d]", i)
			if err := r.needMap(it, where); err != nil {
				return nil, err
			}
			if err := r.checkKeys(it, where, "name", "default"); err != nil {
				return nil, err
			}
			name, err := r.str(it.get("name"), where+".name")
			if err != nil {
				return nil, err
			}
			v := int64(1)
			if dn := it.get("default"); dn != nil {
				if v, err = r.integer(dn, where+".default", 1, maxFileCoef); err != nil {
					return nil, err
				}
			}
			coefs[name] = v
			coefOrder = append(coefOrder, name)
		}
	}

	// Instance.
	inst := pn.get("instance")
	if err := r.needMap(inst, "problem.instance"); err != nil {
		return nil, err
	}
	p.Bounds = make([]int, len(dims))
	for i, k := range inst.keys {
		where := "problem.instance." + k
		if di := p.DimIndex(k); di >= 0 {
			v, err := r.integer(inst.vals[i], where, 1, maxFileBound)
			if err != nil {
				return nil, err
			}
			p.Bounds[di] = int(v)
			continue
		}
		if _, ok := coefs[k]; ok {
			v, err := r.integer(inst.vals[i], where, 1, maxFileCoef)
			if err != nil {
				return nil, err
			}
			coefs[k] = v
			continue
		}
		// Timeloop reads only the dimensions and coefficients; files
		// carry more (H, W, Hpad, densities, …), which it ignores.
		hint := ""
		for _, name := range append(append([]string(nil), dims...), coefOrder...) {
			if strings.EqualFold(name, k) {
				hint = fmt.Sprintf(" (did you mean %s? names are case-sensitive)", name)
			}
		}
		r.note(inst.vals[i], "%s is neither a dimension nor a coefficient of the shape: ignored, as Timeloop ignores it%s", where, hint)
	}
	for i, d := range dims {
		if p.Bounds[i] == 0 {
			return nil, r.errf(inst, "problem.instance: no bound for dimension %s", d)
		}
	}

	// Data spaces.
	dsn := shape.get("data_spaces")
	if dsn == nil {
		dsn = shape.get("data-spaces")
	}
	if err := r.needSeq(dsn, "problem.shape.data_spaces"); err != nil {
		return nil, err
	}
	if len(dsn.items) == 0 || len(dsn.items) > loopnest.MaxDataSpaces {
		return nil, r.errf(dsn, "problem.shape.data_spaces: %d data spaces; accepted 1..%d", len(dsn.items), loopnest.MaxDataSpaces)
	}
	for i, it := range dsn.items {
		where := fmt.Sprintf("problem.shape.data_spaces[%d]", i)
		if err := r.needMap(it, where); err != nil {
			return nil, err
		}
		if err := r.checkKeys(it, where, "name", "projection", "read_write", "read-write"); err != nil {
			return nil, err
		}
		var ds loopnest.DataSpace
		if ds.Name, err = r.str(it.get("name"), where+".name"); err != nil {
			return nil, err
		}
		where = "data space " + ds.Name
		if p.DataSpaceIndex(ds.Name) >= 0 {
			return nil, r.errf(it.get("name"), "%s appears twice", where)
		}
		rw := it.get("read_write")
		if rw == nil {
			rw = it.get("read-write")
		}
		if rw != nil {
			if ds.ReadWrite, err = r.boolean(rw, where+".read_write"); err != nil {
				return nil, err
			}
		}
		proj := it.get("projection")
		if err := r.needSeq(proj, where+".projection"); err != nil {
			return nil, err
		}
		if len(proj.items) == 0 || len(proj.items) > loopnest.MaxRanks {
			return nil, r.errf(proj, "%s.projection: %d ranks; accepted 1..%d", where, len(proj.items), loopnest.MaxRanks)
		}
		for ri, rank := range proj.items {
			rwhere := fmt.Sprintf("%s.projection[%d]", where, ri)
			if err := r.needSeq(rank, rwhere); err != nil {
				return nil, err
			}
			if len(rank.items) == 0 {
				return nil, r.errf(rank, "%s: empty rank; write [ [Dim] ] or [ [Coef, Dim], ... ]", rwhere)
			}
			var terms []loopnest.Term
			for ti, term := range rank.items {
				twhere := fmt.Sprintf("%s[%d]", rwhere, ti)
				if err := r.needSeq(term, twhere); err != nil {
					return nil, err
				}
				// A term is [Dim] or [Dim, Coef] (Timeloop's order:
				// [P, Wstride] is P·Wstride); [Coef, Dim] with a number for
				// the coefficient is read too, as this project wrote it
				// before it wrote Timeloop's order.
				var coefName, dimName string
				switch len(term.items) {
				case 1:
					dimName = term.items[0].value
				case 2:
					dimName, coefName = term.items[0].value, term.items[1].value
					if p.DimIndex(dimName) < 0 && p.DimIndex(coefName) >= 0 {
						if _, err := strconv.ParseInt(dimName, 10, 64); err == nil {
							dimName, coefName = coefName, dimName
						}
					}
				default:
					return nil, r.errf(term, "%s: a term is [Dim] or [Dim, Coef], got %d entries", twhere, len(term.items))
				}
				di := p.DimIndex(dimName)
				if di < 0 {
					return nil, r.errf(term, "%s: %q is not a dimension (dimensions: %s; a term is [Dim] or [Dim, Coef])", twhere, dimName, strings.Join(dims, ", "))
				}
				c := int64(1)
				name := ""
				if coefName != "" {
					v, ok := coefs[coefName]
					if ok {
						name = coefName
					} else if n, err := strconv.ParseInt(coefName, 10, 64); err == nil && n >= 1 && n <= maxFileCoef {
						v, ok = n, true
					}
					if !ok {
						return nil, r.errf(term, "%s: coefficient %q is neither declared (declared: %s) nor a number in 1..%d", twhere, coefName, strings.Join(coefOrder, ", "), maxFileCoef)
					}
					c = v
				}
				terms = append(terms, loopnest.Term{Dim: di, Coef: int(c), CoefName: name})
			}
			ds.Ranks = append(ds.Ranks, terms)
		}
		p.DataSpaces = append(p.DataSpaces, ds)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return p, nil
}
