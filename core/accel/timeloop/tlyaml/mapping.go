package tlyaml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// ReadMapYAML reads a Timeloop mapping file (mapping: a list of
// directives with target, type temporal|spatial|dataspace, factors
// "R=3 P=16", permutation "RP" listed innermost first, keep and bypass
// lists). Targets name the arch's storage levels; a spatial directive may
// also target a container, which fans out from the storage level above it.
// Dimensions a directive leaves out have factor 1; levels without a
// dataspace directive keep every data space.
func (f *Files) Map(file string, src []byte, p *loopnest.Problem, a *loopnest.Arch) (*loopnest.Mapping, error) {
	r := f.reader(file)
	list, err := r.top(src, "mapping")
	if err != nil {
		return nil, err
	}
	m := &loopnest.Mapping{Levels: make([]loopnest.MappingLevel, len(a.Levels))}
	all := loopnest.AllDataSpaces(len(p.DataSpaces))
	for i := range a.Levels {
		m.Levels[i] = loopnest.MappingLevel{Name: a.Levels[i].Name, Keep: all}
	}
	seen := map[string]bool{}
	fans := map[string]*fanout{}
	for i, it := range list.items {
		where := fmt.Sprintf("mapping[%d]", i)
		if err := r.needMap(it, where); err != nil {
			return nil, err
		}
		if err := r.checkKeys(it, where, "target", "type", "factors", "permutation", "keep", "bypass", "split"); err != nil {
			return nil, err
		}
		target, err := r.str(it.get("target"), where+".target")
		if err != nil {
			return nil, err
		}
		typ, err := r.str(it.get("type"), where+".type")
		if err != nil {
			return nil, err
		}
		if typ == "datatype" {
			typ = "dataspace" // the older name, as Timeloop's mapper still writes it
		}
		where = fmt.Sprintf("mapping[%d] (%s %s)", i, typ, target)
		if fl, ok := fanoutLevel(target, a, fans); ok {
			// Timeloop's mapper names each container's fan-out
			// inter_<container>_spatial: a level of its own that keeps
			// nothing (its multicast is tested on its own).
			switch typ {
			case "dataspace":
				if names, _, err := r.names(it.get("keep"), where+".keep"); it.get("keep") != nil && (err != nil || len(names) > 0) {
					return nil, r.errf(it, "%s: a fan-out level keeps nothing", where)
				}
			case "spatial":
				loops, err := r.factorsAndPermutation(it, where, p, true)
				if err != nil {
					return nil, err
				}
				fl.level.Spatial = loops
			case "temporal":
				loops, err := r.factorsAndPermutation(it, where, p, false)
				if err != nil {
					return nil, err
				}
				for _, l := range loops {
					if l.Factor != 1 {
						return nil, r.errf(it, "%s: a fan-out level has no temporal loops (factor %d)", where, l.Factor)
					}
				}
			default:
				return nil, r.errf(it.get("type"), "%s: type %q; accepted temporal, spatial, dataspace", where, typ)
			}
			continue
		}
		li := -1
		for j := range a.Levels {
			if a.Levels[j].Name == target {
				li = j
			}
		}
		if li < 0 && typ == "spatial" {
			// A container: fan out from the storage level above it.
			for _, c := range a.Containers {
				if c.Name == target && c.After > 0 {
					li = c.After - 1
				}
			}
		}
		if li < 0 {
			return nil, r.errf(it.get("target"), "%s: target %q is not a storage level (levels: %s)", where, target, loopnest.LevelNames(a))
		}
		key := typ + "/" + m.Levels[li].Name
		if seen[key] {
			return nil, r.errf(it, "%s: a second %s directive for level %s", where, typ, m.Levels[li].Name)
		}
		seen[key] = true
		lv := &m.Levels[li]
		switch typ {
		case "dataspace":
			if it.get("keep") != nil {
				lv.Keep = 0
				names, nodes, err := r.names(it.get("keep"), where+".keep")
				if err != nil {
					return nil, err
				}
				for k, n := range names {
					d := p.DataSpaceIndex(n)
					if d < 0 {
						return nil, r.errf(nodes[k], "%s.keep: %q is not a data space", where, n)
					}
					lv.Keep |= 1 << uint(d)
				}
			}
			if it.get("bypass") != nil {
				names, nodes, err := r.names(it.get("bypass"), where+".bypass")
				if err != nil {
					return nil, err
				}
				for k, n := range names {
					d := p.DataSpaceIndex(n)
					if d < 0 {
						return nil, r.errf(nodes[k], "%s.bypass: %q is not a data space", where, n)
					}
					lv.Keep &^= 1 << uint(d)
				}
			}
		case "temporal", "spatial":
			loops, err := r.factorsAndPermutation(it, where, p, typ == "spatial")
			if err != nil {
				return nil, err
			}
			if typ == "temporal" {
				lv.Temporal = loops
			} else {
				lv.Spatial = loops
			}
		default:
			return nil, r.errf(it.get("type"), "%s: type %q; accepted temporal, spatial, dataspace", where, typ)
		}
	}
	if len(fans) > 0 {
		// Each fan-out level goes under the storage level above its
		// container, outer containers first.
		var levels []loopnest.MappingLevel
		for li := range m.Levels {
			levels = append(levels, m.Levels[li])
			for ci, c := range a.Containers {
				if fl := fans[c.Name]; fl != nil && c.After == li+1 && fl.order == ci {
					levels = append(levels, fl.level)
				}
			}
		}
		m.Levels = levels
	}
	if err := loopnest.CheckMapping(p, m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// fanout is a container's fan-out level in a mapping that names it.
type fanout struct {
	level loopnest.MappingLevel
	order int // the container's position in the architecture
}

// fanoutLevel returns the fan-out level target names, inter_<container>_spatial
// for a container with a spatial mesh, made on first use.
func fanoutLevel(target string, a *loopnest.Arch, fans map[string]*fanout) (*fanout, bool) {
	name, ok := strings.CutPrefix(target, "inter_")
	if name, ok = strings.CutSuffix(name, "_spatial"); !ok {
		return nil, false
	}
	for ci, c := range a.Containers {
		if c.Name != name || c.MeshX*c.MeshY <= 1 || c.After == 0 {
			continue
		}
		if fans[name] == nil {
			fans[name] = &fanout{level: loopnest.MappingLevel{Name: target}, order: ci}
		}
		return fans[name], true
	}
	return nil, false
}

// factorsAndPermutation reads a temporal or spatial directive. In a spatial
// one, "split: k" puts the first k dimensions of the permutation along X and
// the rest along Y (all along X without it).
func (r yReader) factorsAndPermutation(it *yNode, where string, p *loopnest.Problem, spatial bool) ([]loopnest.Loop, error) {
	fn := it.get("factors")
	if fn == nil {
		return nil, r.errf(it, "%s: missing factors", where)
	}
	factors := make([]int, len(p.Dims))
	for i := range factors {
		factors[i] = 1
	}
	var given []bool = make([]bool, len(p.Dims))
	var parts []string
	switch fn.kind {
	case yScalar:
		parts = strings.Fields(fn.value)
	case ySeq:
		for _, x := range fn.items {
			parts = append(parts, x.value)
		}
	default:
		return nil, r.errf(fn, "%s.factors: expected \"D=n D=n\"", where)
	}
	for _, part := range parts {
		// "R=3", or "R3" as Timeloop's mapper writes it.
		name, num, ok := strings.Cut(part, "=")
		if !ok {
			k := strings.IndexFunc(part, func(c rune) bool { return c >= '0' && c <= '9' })
			if k <= 0 {
				return nil, r.errf(fn, "%s.factors: %q is not D=n or Dn", where, part)
			}
			name, num = part[:k], part[k:]
		}
		d := p.DimIndex(name)
		if d < 0 {
			return nil, r.errf(fn, "%s.factors: %q is not a dimension (dimensions: %s)", where, name, strings.Join(p.Dims, ", "))
		}
		if given[d] {
			return nil, r.errf(fn, "%s.factors: %s given twice", where, name)
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v < 1 || v > maxFileBound {
			return nil, r.errf(fn, "%s.factors: %s=%q; accepted an integer in 1..%d", where, name, num, maxFileBound)
		}
		factors[d] = int(v)
		given[d] = true
	}
	// Permutation: innermost first, one letter per dimension or a list.
	var perm []int
	if pn := it.get("permutation"); pn != nil {
		var names []string
		switch pn.kind {
		case yScalar:
			if strings.ContainsAny(pn.value, " ,") {
				names = strings.FieldsFunc(pn.value, func(c rune) bool { return c == ' ' || c == ',' })
			} else {
				for _, c := range pn.value {
					names = append(names, string(c))
				}
			}
		case ySeq:
			for _, x := range pn.items {
				names = append(names, x.value)
			}
		}
		used := make([]bool, len(p.Dims))
		for _, n := range names {
			d := p.DimIndex(n)
			if d < 0 {
				return nil, r.errf(pn, "%s.permutation: %q is not a dimension (dimensions: %s)", where, n, strings.Join(p.Dims, ", "))
			}
			if used[d] {
				return nil, r.errf(pn, "%s.permutation: %s listed twice", where, n)
			}
			used[d] = true
			perm = append(perm, d)
		}
		for d := range p.Dims {
			if !used[d] && factors[d] > 1 {
				return nil, r.errf(pn, "%s.permutation: factor %s=%d is not placed in the permutation", where, p.Dims[d], factors[d])
			}
		}
	} else {
		for d := len(p.Dims) - 1; d >= 0; d-- {
			perm = append(perm, d)
		}
	}
	split := len(perm)
	if sn := it.get("split"); sn != nil {
		if !spatial {
			return nil, r.errf(sn, "%s.split: only spatial directives split dimensions over X and Y", where)
		}
		v, err := r.integer(sn, where+".split", 0, int64(len(perm)))
		if err != nil {
			return nil, err
		}
		split = int(v)
	}
	// perm is innermost first; loops are outermost first.
	var loops []loopnest.Loop
	for k := len(perm) - 1; k >= 0; k-- {
		d := perm[k]
		lp := loopnest.Loop{Dim: d, Factor: factors[d]}
		if spatial && k >= split {
			lp.Axis = loopnest.AxisY
		}
		loops = append(loops, lp)
	}
	return loops, nil
}
