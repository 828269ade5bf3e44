package accel

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Readers and writers for Timeloop's file formats (v0.4 syntax, as in the
// Accelergy-Project/timeloop-accelergy-exercises tutorials): the problem
// file, the architecture file, the mapping file (map.yaml) and the mapping
// printout timeloop-model writes (timeloop-model.map.txt). Every error names
// the file, the line and the field, and what is accepted.

// Bounds on numbers read from files.
const (
	maxFileBound  = 1 << 30 // a problem bound or loop factor
	maxFileCoef   = 1 << 16 // a projection coefficient
	maxFileMemory = 1 << 40 // a depth or width
)

// schema helpers ------------------------------------------------------------

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

// problem -------------------------------------------------------------------

// ReadTimeloopProblem reads a Timeloop problem file (v0.4: problem.shape
// with dimensions, optional coefficients and data_spaces with projections;
// problem.instance with the bounds and coefficient values). file names the
// source in errors.
func ReadTimeloopProblem(file string, src []byte) (*Problem, error) {
	r := yReader{file}
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
	p := &Problem{}
	if n := shape.get("name"); n != nil {
		p.Name = n.value
	}
	dims, dimNodes, err := r.names(shape.get("dimensions"), "problem.shape.dimensions")
	if err != nil {
		return nil, err
	}
	if len(dims) == 0 || len(dims) > MaxProblemDims {
		return nil, r.errf(shape.get("dimensions"), "problem.shape.dimensions: %d dimensions; accepted 1..%d", len(dims), MaxProblemDims)
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
		return nil, r.errf(inst.vals[i], "%s: not a dimension or coefficient of the shape (dimensions: %s)", where, strings.Join(dims, ", "))
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
	if len(dsn.items) == 0 || len(dsn.items) > MaxDataSpaces {
		return nil, r.errf(dsn, "problem.shape.data_spaces: %d data spaces; accepted 1..%d", len(dsn.items), MaxDataSpaces)
	}
	for i, it := range dsn.items {
		where := fmt.Sprintf("problem.shape.data_spaces[%d]", i)
		if err := r.needMap(it, where); err != nil {
			return nil, err
		}
		if err := r.checkKeys(it, where, "name", "projection", "read_write", "read-write"); err != nil {
			return nil, err
		}
		var ds DataSpace
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
		if len(proj.items) == 0 || len(proj.items) > MaxRanks {
			return nil, r.errf(proj, "%s.projection: %d ranks; accepted 1..%d", where, len(proj.items), MaxRanks)
		}
		for ri, rank := range proj.items {
			rwhere := fmt.Sprintf("%s.projection[%d]", where, ri)
			if err := r.needSeq(rank, rwhere); err != nil {
				return nil, err
			}
			if len(rank.items) == 0 {
				return nil, r.errf(rank, "%s: empty rank; write [ [Dim] ] or [ [Coef, Dim], ... ]", rwhere)
			}
			var terms []Term
			for ti, term := range rank.items {
				twhere := fmt.Sprintf("%s[%d]", rwhere, ti)
				if err := r.needSeq(term, twhere); err != nil {
					return nil, err
				}
				var coefName, dimName string
				switch len(term.items) {
				case 1:
					dimName = term.items[0].value
				case 2:
					coefName, dimName = term.items[0].value, term.items[1].value
				default:
					return nil, r.errf(term, "%s: a term is [Dim] or [Coef, Dim], got %d entries", twhere, len(term.items))
				}
				di := p.DimIndex(dimName)
				if di < 0 {
					return nil, r.errf(term, "%s: %q is not a dimension (dimensions: %s)", twhere, dimName, strings.Join(dims, ", "))
				}
				c := int64(1)
				if coefName != "" {
					v, ok := coefs[coefName]
					if !ok {
						if n, err := strconv.ParseInt(coefName, 10, 64); err == nil && n >= 1 && n <= maxFileCoef {
							v, ok = n, true
						}
					}
					if !ok {
						return nil, r.errf(term, "%s: coefficient %q is not declared (declared: %s)", twhere, coefName, strings.Join(coefOrder, ", "))
					}
					c = v
				}
				terms = append(terms, Term{Dim: di, Coef: int(c)})
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

// WriteTimeloopProblem writes p as a Timeloop v0.4 problem file. Ranks with
// coefficients other than 1 are written with numeric coefficients
// ([2, P]), which ReadTimeloopProblem accepts back.
func WriteTimeloopProblem(w io.Writer, p *Problem) error {
	var b bytes.Buffer
	b.WriteString("problem:\n  version: 0.4\n  shape:\n")
	fmt.Fprintf(&b, "    name: %s\n", yamlName(p.Name, "problem"))
	fmt.Fprintf(&b, "    dimensions: [ %s ]\n", strings.Join(p.Dims, ", "))
	b.WriteString("    data_spaces:\n")
	for _, ds := range p.DataSpaces {
		fmt.Fprintf(&b, "    - name: %s\n      projection:\n", ds.Name)
		for _, rank := range ds.Ranks {
			var terms []string
			for _, t := range rank {
				if t.Coef == 1 {
					terms = append(terms, "["+p.Dims[t.Dim]+"]")
				} else {
					terms = append(terms, fmt.Sprintf("[%d, %s]", t.Coef, p.Dims[t.Dim]))
				}
			}
			fmt.Fprintf(&b, "      - [ %s ]\n", strings.Join(terms, ", "))
		}
		if ds.ReadWrite {
			b.WriteString("      read_write: True\n")
		}
	}
	b.WriteString("  instance:\n")
	for i, d := range p.Dims {
		fmt.Fprintf(&b, "    %s: %d\n", d, p.Bounds[i])
	}
	_, err := w.Write(b.Bytes())
	return err
}

func yamlName(s, def string) string {
	if s == "" {
		return def
	}
	if strings.ContainsAny(s, ":#[]{},\"'") || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}

// architecture ----------------------------------------------------------------

// ReadTimeloopArch reads a Timeloop v0.4 architecture file: a list of
// !Container and !Component nodes, outermost first. A container's spatial
// mesh multiplies the instances of every node after it. Components whose
// class names a MAC (intmac, mac, fpmac) are the compute units; the others
// are storage levels. Energies come from explicit attributes
// (read_energy, write_energy, energy in pJ per access) when present, else
// from the tutorial's 40 nm Accelergy estimates (technology "40nm") or from
// the built-in table named by the technology (45nm, 65nm, eyeriss).
func ReadTimeloopArch(file string, src []byte) (*Arch, error) {
	r := yReader{file}
	an, err := r.top(src, "architecture")
	if err != nil {
		return nil, err
	}
	if an.get("subtree") != nil {
		return nil, r.errf(an.get("subtree"), "architecture: the v0.3 subtree format is not supported; use v0.4 nodes")
	}
	if err := r.checkKeys(an, "architecture", "version", "nodes"); err != nil {
		return nil, err
	}
	nodes := an.get("nodes")
	if err := r.needSeq(nodes, "architecture.nodes"); err != nil {
		return nil, err
	}
	a := &Arch{}
	mult := int64(1)
	haveMAC := false
	explicit := true
	for i, n := range nodes.items {
		where := fmt.Sprintf("architecture.nodes[%d]", i)
		if err := r.needMap(n, where); err != nil {
			return nil, err
		}
		if err := r.checkKeys(n, where, "name", "class", "attributes", "spatial", "subclass", "required_actions", "enabled", "constraints"); err != nil {
			return nil, err
		}
		name, err := r.str(n.get("name"), where+".name")
		if err != nil {
			return nil, err
		}
		where = fmt.Sprintf("%s %q", n.tag, name)
		mx, my := int64(1), int64(1)
		if sp := n.get("spatial"); sp != nil {
			if err := r.needMap(sp, where+".spatial"); err != nil {
				return nil, err
			}
			if err := r.checkKeys(sp, where+".spatial", "meshX", "meshY"); err != nil {
				return nil, err
			}
			if v := sp.get("meshX"); v != nil {
				if mx, err = r.integer(v, where+".spatial.meshX", 1, 1<<20); err != nil {
					return nil, err
				}
			}
			if v := sp.get("meshY"); v != nil {
				if my, err = r.integer(v, where+".spatial.meshY", 1, 1<<20); err != nil {
					return nil, err
				}
			}
		}
		attrs := n.get("attributes")
		if attrs != nil {
			if err := r.needMap(attrs, where+".attributes"); err != nil {
				return nil, err
			}
		}
		attr := func(k string) *yNode { return attrs.get(k) }
		switch n.tag {
		case "Container":
			if tech := attr("technology"); tech != nil && a.Technology == "" {
				a.Technology = strings.Trim(tech.value, "\"'")
			}
			if a.Name == "" {
				a.Name = name
			}
			mult *= mx * my
			a.Containers = append(a.Containers, ArchContainer{Name: name, After: len(a.Levels), MeshX: int(mx), MeshY: int(my)})
			if mult > 1<<30 {
				return nil, r.errf(n, "%s: more than 2^30 instances", where)
			}
			continue
		case "Component":
		default:
			return nil, r.errf(n, "%s: node tag %q; accepted !Container, !Component", where, "!"+n.tag)
		}
		class, err := r.str(n.get("class"), where+".class")
		if err != nil {
			return nil, err
		}
		inst := mult * mx * my
		if inst > 1<<30 {
			return nil, r.errf(n, "%s: more than 2^30 instances", where)
		}
		width := int64(0)
		if v := attr("width"); v != nil {
			if width, err = r.integer(v, where+".attributes.width", 1, 1<<16); err != nil {
				return nil, err
			}
		}
		if isMACClass(class) {
			if haveMAC {
				return nil, r.errf(n, "%s: a second compute component; accepted one", where)
			}
			haveMAC = true
			a.MAC = ArchCompute{Name: name, Class: class, Instances: int(inst), Width: int(width)}
			if v := attr("energy"); v != nil {
				if a.MAC.EnergyPJ, err = r.number(v, where+".attributes.energy"); err != nil {
					return nil, err
				}
			} else {
				explicit = false
			}
			continue
		}
		if haveMAC {
			return nil, r.errf(n, "%s: storage after the compute component; the compute component comes last", where)
		}
		l := ArchLevel{Name: name, Class: class, Instances: int(inst), MeshX: int(mx), MeshY: int(my), Width: int(width)}
		if v := attr("depth"); v != nil && v.value != "INF" && v.value != "inf" {
			if l.Depth, err = r.integer(v, where+".attributes.depth", 1, maxFileMemory); err != nil {
				return nil, err
			}
		}
		if v := attr("datawidth"); v != nil {
			d, err := r.integer(v, where+".attributes.datawidth", 1, 1<<16)
			if err != nil {
				return nil, err
			}
			l.DataWidth = int(d)
		}
		if v := attr("block_size"); v != nil {
			bs, err := r.integer(v, where+".attributes.block_size", 1, 1<<16)
			if err != nil {
				return nil, err
			}
			if l.DataWidth == 0 {
				l.DataWidth = 8
			}
			l.Width = int(bs) * l.DataWidth
		}
		if l.Width == 0 {
			l.Width = l.DataWidth
		}
		if l.DataWidth == 0 {
			l.DataWidth = l.Width
		}
		if l.Width%max(l.DataWidth, 1) != 0 {
			return nil, r.errf(attrs, "%s: width %d is not a multiple of datawidth %d", where, l.Width, l.DataWidth)
		}
		for _, k := range []struct {
			key string
			dst *float64
		}{{"read_energy", &l.ReadPJ}, {"write_energy", &l.WritePJ}, {"network_energy", &l.NetworkPJ}, {"bandwidth", &l.Bandwidth}} {
			if v := attr(k.key); v != nil {
				if *k.dst, err = r.number(v, where+".attributes."+k.key); err != nil {
					return nil, err
				}
			} else if k.key == "read_energy" || k.key == "write_energy" {
				explicit = false
			}
		}
		if a.Level(name) != nil {
			return nil, r.errf(n, "%s: a second storage level named %q", where, name)
		}
		a.Levels = append(a.Levels, l)
	}
	if !haveMAC {
		return nil, r.errf(nodes, "architecture: no compute component (a class such as intmac)")
	}
	if len(a.Levels) == 0 {
		return nil, r.errf(nodes, "architecture: no storage levels")
	}
	if !explicit {
		// Price from the technology, keeping the energies the file gives.
		given := append([]ArchLevel(nil), a.Levels...)
		mac := a.MAC.EnergyPJ
		if err := priceArch(a); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for i, l := range given {
			if l.ReadPJ != 0 || l.WritePJ != 0 {
				a.Levels[i].ReadPJ, a.Levels[i].WritePJ = l.ReadPJ, l.WritePJ
			}
			if l.NetworkPJ != 0 {
				a.Levels[i].NetworkPJ = l.NetworkPJ
			}
		}
		if mac != 0 {
			a.MAC.EnergyPJ = mac
		}
	}
	return a, nil
}

func isMACClass(c string) bool {
	switch strings.ToLower(c) {
	case "intmac", "mac", "fpmac", "intmultiplier", "fpmultiplier":
		return true
	}
	return false
}

// priceArch fills missing energies from the tutorial ERT or a table.
func priceArch(a *Arch) error {
	if a.Technology == "40nm" {
		return priceTutorial40(a)
	}
	t, err := EnergyTableFor(a.Technology)
	if err != nil {
		return err
	}
	return t.Price(a)
}

// priceTutorial40 uses the energies Accelergy estimated for the Timeloop
// tutorial's 40 nm components, read off Timeloop's reference stats
// (timeloop-tutorial ref-output: "Vector access energy" and per-data-space
// energies): regfile 64×8 b, 0.42564 pJ per read or write; SRAM 32768×64 b,
// 43.35306 pJ per read and 30.87828 pJ per write of 8 words; DRAM 256 b
// wide, 2048 pJ per access of 32 words; an 8-bit intmac, 0.845 pJ.
func priceTutorial40(a *Arch) error {
	for i := range a.Levels {
		l := &a.Levels[i]
		switch {
		case strings.EqualFold(l.Class, "regfile") && l.Depth == 64 && l.Width == 8:
			l.ReadPJ, l.WritePJ = 0.42564, 0.42564
		case strings.EqualFold(l.Class, "SRAM") && l.Depth == 32768 && l.Width == 64:
			l.ReadPJ, l.WritePJ = 43.35306, 30.87828
		case strings.EqualFold(l.Class, "DRAM") && l.Width == 256:
			l.ReadPJ, l.WritePJ = 2048, 2048
		default:
			return fmt.Errorf("accel: technology 40nm: no energy estimate for %s %q (depth %d, width %d); give read_energy and write_energy attributes", l.Class, l.Name, l.Depth, l.Width)
		}
	}
	if !(strings.EqualFold(a.MAC.Class, "intmac") && a.MAC.Width == 8) {
		return fmt.Errorf("accel: technology 40nm: no energy estimate for %s %q (width %d); give an energy attribute", a.MAC.Class, a.MAC.Name, a.MAC.Width)
	}
	a.MAC.EnergyPJ = 0.845
	return nil
}

// WriteTimeloopArch writes a as a Timeloop v0.4 architecture file, with its
// energies as explicit attributes so that reading it back prices it the same.
func WriteTimeloopArch(w io.Writer, a *Arch) error {
	var b bytes.Buffer
	b.WriteString("architecture:\n  version: 0.4\n  nodes:\n")
	fmt.Fprintf(&b, "  - !Container\n    name: %s\n    attributes:\n      technology: %q\n", yamlName(a.Name, "system"), a.Technology)
	prev := int64(1)
	for _, l := range a.Levels {
		if int64(l.Instances) > prev {
			mx, my := l.MeshX, l.MeshY
			if int64(mx*my)*prev != int64(l.Instances) {
				mx, my = int(int64(l.Instances)/prev), 1
			}
			fmt.Fprintf(&b, "  - !Container\n    name: %s_array\n    spatial: {meshX: %d, meshY: %d}\n", l.Name, mx, my)
			prev = int64(l.Instances)
		}
		fmt.Fprintf(&b, "  - !Component\n    name: %s\n    class: %s\n    attributes:\n", l.Name, l.Class)
		if l.Depth > 0 {
			fmt.Fprintf(&b, "      depth: %d\n", l.Depth)
		}
		fmt.Fprintf(&b, "      width: %d\n      datawidth: %d\n", l.Width, l.DataWidth)
		fmt.Fprintf(&b, "      read_energy: %s\n      write_energy: %s\n", fmtFloat(l.ReadPJ), fmtFloat(l.WritePJ))
		if l.NetworkPJ != 0 {
			fmt.Fprintf(&b, "      network_energy: %s\n", fmtFloat(l.NetworkPJ))
		}
		if l.Bandwidth != 0 {
			fmt.Fprintf(&b, "      bandwidth: %s\n", fmtFloat(l.Bandwidth))
		}
	}
	if int64(a.MAC.Instances) > prev {
		fmt.Fprintf(&b, "  - !Container\n    name: mac_array\n    spatial: {meshX: %d}\n", int64(a.MAC.Instances)/prev)
	}
	fmt.Fprintf(&b, "  - !Component\n    name: %s\n    class: %s\n    attributes:\n      width: %d\n      energy: %s\n",
		yamlName(a.MAC.Name, "MACC"), a.MAC.Class, a.MAC.Width, fmtFloat(a.MAC.EnergyPJ))
	_, err := w.Write(b.Bytes())
	return err
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// map.txt ---------------------------------------------------------------------

// TimeloopMap is a mapping read from a Timeloop printout, with the tile
// sizes it printed (Printed[level][data space], -1 where not kept) so that
// callers can check them against the model's.
type TimeloopMap struct {
	Mapping *Mapping
	Printed [][MaxDataSpaces]int64
}

// ReadTimeloopMapTxt reads the mapping printout Timeloop writes
// (timeloop-model.map.txt): one block per storage level,
//
//	Name [ Weights:3 (3) Inputs:18 (18) ]
//	-------------------------------------
//	| for P in [0:16)
//	|   for C in [0:16) (Spatial-X)
//
// ending in "<< Compute >>". Names refer to the problem's dimensions and
// data spaces. A level listing no data spaces (such as inter_PE_spatial) is
// a pure fan-out level.
func ReadTimeloopMapTxt(file string, src []byte, p *Problem) (*TimeloopMap, error) {
	if len(src) > maxYAMLBytes {
		return nil, fmt.Errorf("%s: file is %d bytes; accepted up to %d", file, len(src), maxYAMLBytes)
	}
	errf := func(line int, format string, args ...any) error {
		return &yamlError{file: file, line: line, msg: fmt.Sprintf(format, args...)}
	}
	tm := &TimeloopMap{Mapping: &Mapping{}}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 0, 4096), maxYAMLBytes)
	line := 0
	compute := false
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), " \t\r")
		t := strings.TrimSpace(s)
		switch {
		case t == "":
			continue
		case compute:
			return nil, errf(line, "text after \"<< Compute >>\": %q", clip(t))
		case strings.Trim(t, "-") == "":
			continue
		case strings.HasPrefix(t, "|"):
			body := strings.TrimSpace(t[1:])
			if body == "<< Compute >>" {
				compute = true
				continue
			}
			if len(tm.Mapping.Levels) == 0 {
				return nil, errf(line, "a loop before the first level header")
			}
			lp, spatial, err := parseMapTxtLoop(body, p)
			if err != nil {
				return nil, errf(line, "%v", err)
			}
			lv := &tm.Mapping.Levels[len(tm.Mapping.Levels)-1]
			if spatial {
				lv.Spatial = append(lv.Spatial, lp)
			} else {
				if len(lv.Spatial) > 0 {
					return nil, errf(line, "level %q: a temporal loop after a spatial loop; the model needs spatial loops innermost in a level", lv.Name)
				}
				lv.Temporal = append(lv.Temporal, lp)
			}
		default:
			lv, sizes, err := parseMapTxtHeader(t, p)
			if err != nil {
				return nil, errf(line, "%v", err)
			}
			if len(tm.Mapping.Levels) == MaxLevels {
				return nil, errf(line, "more than %d levels", MaxLevels)
			}
			tm.Mapping.Levels = append(tm.Mapping.Levels, lv)
			tm.Printed = append(tm.Printed, sizes)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(tm.Mapping.Levels) == 0 {
		return nil, errf(0, "no level headers (expected lines like \"Buffer [ Weights:3 (3) ]\")")
	}
	if !compute {
		return nil, errf(line, "missing the final \"<< Compute >>\" line")
	}
	if err := CheckMapping(p, tm.Mapping); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return tm, nil
}

// parseMapTxtHeader parses "Name [ DS:n (n) ... ]".
func parseMapTxtHeader(t string, p *Problem) (MappingLevel, [MaxDataSpaces]int64, error) {
	var sizes [MaxDataSpaces]int64
	for i := range sizes {
		sizes[i] = -1
	}
	open := strings.Index(t, "[")
	if open <= 0 || !strings.HasSuffix(t, "]") {
		return MappingLevel{}, sizes, fmt.Errorf("expected a level header \"Name [ DataSpace:size (size) ... ]\" or a loop line \"| for D in [0:n)\", got %q", clip(t))
	}
	lv := MappingLevel{Name: strings.TrimSpace(t[:open])}
	if strings.ContainsAny(lv.Name, " \t") {
		return lv, sizes, fmt.Errorf("level name %q contains a space", lv.Name)
	}
	fields := strings.Fields(t[open+1 : len(t)-1])
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		colon := strings.LastIndex(f, ":")
		if colon <= 0 {
			return lv, sizes, fmt.Errorf("level %s: expected DataSpace:size, got %q", lv.Name, f)
		}
		name := f[:colon]
		d := p.DataSpaceIndex(name)
		if d < 0 {
			return lv, sizes, fmt.Errorf("level %s: %q is not a data space of the problem", lv.Name, name)
		}
		if lv.Keep.Has(d) {
			return lv, sizes, fmt.Errorf("level %s: data space %s listed twice", lv.Name, name)
		}
		n, err := strconv.ParseInt(f[colon+1:], 10, 64)
		if err != nil || n < 1 || n > maxCount {
			return lv, sizes, fmt.Errorf("level %s: tile size %q of %s is not a positive integer", lv.Name, f[colon+1:], name)
		}
		lv.Keep |= 1 << uint(d)
		sizes[d] = n
		if i+1 < len(fields) && strings.HasPrefix(fields[i+1], "(") {
			i++ // "(n)": the allocated size
		}
	}
	return lv, sizes, nil
}

// parseMapTxtLoop parses "for D in [0:n)" with an optional "(Spatial-X)".
func parseMapTxtLoop(body string, p *Problem) (Loop, bool, error) {
	f := strings.Fields(body)
	if len(f) < 4 || f[0] != "for" || f[2] != "in" {
		return Loop{}, false, fmt.Errorf("expected \"for D in [0:n)\", got %q", clip(body))
	}
	d := p.DimIndex(f[1])
	if d < 0 {
		return Loop{}, false, fmt.Errorf("loop over %q, not a dimension of the problem (dimensions: %s)", f[1], strings.Join(p.Dims, ", "))
	}
	rng := f[3]
	if !strings.HasPrefix(rng, "[0:") || !strings.HasSuffix(rng, ")") {
		return Loop{}, false, fmt.Errorf("loop range %q; accepted [0:n) (imperfect factorizations are not supported)", rng)
	}
	n, err := strconv.ParseInt(rng[3:len(rng)-1], 10, 64)
	if err != nil || n < 1 || n > maxFileBound {
		return Loop{}, false, fmt.Errorf("loop bound %q of %s is not an integer in 1..%d", rng[3:len(rng)-1], f[1], maxFileBound)
	}
	lp := Loop{Dim: d, Factor: int(n)}
	switch {
	case len(f) == 4:
		return lp, false, nil
	case len(f) == 5 && f[4] == "(Spatial-X)":
		return lp, true, nil
	case len(f) == 5 && f[4] == "(Spatial-Y)":
		lp.Axis = AxisY
		return lp, true, nil
	}
	return Loop{}, false, fmt.Errorf("unexpected %q after the loop range (accepted: (Spatial-X), (Spatial-Y))", strings.Join(f[4:], " "))
}

// WriteTimeloopMapTxt prints m in Timeloop's map.txt layout with the tile
// sizes of st (from evaluating m).
func WriteTimeloopMapTxt(w io.Writer, p *Problem, m *Mapping, st *Stats) error {
	var b bytes.Buffer
	depth := 0
	for li, l := range m.Levels {
		head := l.Name + " ["
		for d, ds := range p.DataSpaces {
			if l.Keep.Has(d) {
				n := st.Levels[li].DS[d].TileSize
				head += fmt.Sprintf(" %s:%d (%d)", ds.Name, n, n)
			}
		}
		head += " ] "
		b.WriteString(head + "\n")
		if len(l.Temporal)+len(l.Spatial) > 0 {
			b.WriteString(strings.Repeat("-", len(head)-1) + "\n")
		}
		for _, lp := range l.Temporal {
			fmt.Fprintf(&b, "| %sfor %s in [0:%d)\n", strings.Repeat("  ", depth), p.Dims[lp.Dim], lp.Factor)
			depth++
		}
		for _, lp := range l.Spatial {
			ax := "X"
			if lp.Axis == AxisY {
				ax = "Y"
			}
			fmt.Fprintf(&b, "| %sfor %s in [0:%d) (Spatial-%s)\n", strings.Repeat("  ", depth), p.Dims[lp.Dim], lp.Factor, ax)
			depth++
		}
		if li+1 < len(m.Levels) && len(l.Temporal)+len(l.Spatial) > 0 {
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "| %s<< Compute >>\n", strings.Repeat("  ", depth))
	_, err := w.Write(b.Bytes())
	return err
}

// map.yaml ----------------------------------------------------------------

// ReadTimeloopMapYAML reads a Timeloop mapping file (mapping: a list of
// directives with target, type temporal|spatial|dataspace, factors
// "R=3 P=16", permutation "RP" listed innermost first, keep and bypass
// lists). Targets name the arch's storage levels; a spatial directive may
// also target a container, which fans out from the storage level above it.
// Dimensions a directive leaves out have factor 1; levels without a
// dataspace directive keep every data space.
func ReadTimeloopMapYAML(file string, src []byte, p *Problem, a *Arch) (*Mapping, error) {
	r := yReader{file}
	list, err := r.top(src, "mapping")
	if err != nil {
		return nil, err
	}
	m := &Mapping{Levels: make([]MappingLevel, len(a.Levels))}
	all := AllDataSpaces(len(p.DataSpaces))
	for i := range a.Levels {
		m.Levels[i] = MappingLevel{Name: a.Levels[i].Name, Keep: all}
	}
	seen := map[string]bool{}
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
		where = fmt.Sprintf("mapping[%d] (%s %s)", i, typ, target)
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
			return nil, r.errf(it.get("target"), "%s: target %q is not a storage level (levels: %s)", where, target, a.levelNames())
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
	if err := CheckMapping(p, m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

// factorsAndPermutation reads a temporal or spatial directive. In a spatial
// one, "split: k" puts the first k dimensions of the permutation along X and
// the rest along Y (all along X without it).
func (r yReader) factorsAndPermutation(it *yNode, where string, p *Problem, spatial bool) ([]Loop, error) {
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
		eq := strings.Index(part, "=")
		if eq <= 0 {
			return nil, r.errf(fn, "%s.factors: %q is not D=n", where, part)
		}
		d := p.DimIndex(part[:eq])
		if d < 0 {
			return nil, r.errf(fn, "%s.factors: %q is not a dimension (dimensions: %s)", where, part[:eq], strings.Join(p.Dims, ", "))
		}
		if given[d] {
			return nil, r.errf(fn, "%s.factors: %s given twice", where, part[:eq])
		}
		v, err := strconv.ParseInt(part[eq+1:], 10, 64)
		if err != nil || v < 1 || v > maxFileBound {
			return nil, r.errf(fn, "%s.factors: %s=%q; accepted an integer in 1..%d", where, part[:eq], part[eq+1:], maxFileBound)
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
	var loops []Loop
	for k := len(perm) - 1; k >= 0; k-- {
		d := perm[k]
		lp := Loop{Dim: d, Factor: factors[d]}
		if spatial && k >= split {
			lp.Axis = AxisY
		}
		loops = append(loops, lp)
	}
	return loops, nil
}

// WriteTimeloopMapYAML writes m as a Timeloop mapping file whose targets are
// the mapping's level names (spatial directives target the level that fans
// out), keeping every dimension's factor and the loop order.
func WriteTimeloopMapYAML(w io.Writer, p *Problem, m *Mapping) error {
	var b bytes.Buffer
	b.WriteString("mapping:\n")
	write := func(target, typ string, loops []Loop) {
		fmt.Fprintf(&b, "  - target: %s\n    type: %s\n", target, typ)
		factors := make([]int, len(p.Dims))
		for i := range factors {
			factors[i] = 1
		}
		split := -1
		if typ == "spatial" {
			// X dimensions first, then Y, with split between them.
			var xs, ys []Loop
			for _, lp := range loops {
				if lp.Axis == AxisY {
					ys = append(ys, lp)
				} else {
					xs = append(xs, lp)
				}
			}
			loops = append(ys, xs...) // reversed below: X innermost first
			split = len(xs)
		}
		var order []int // innermost first
		for k := len(loops) - 1; k >= 0; k-- {
			factors[loops[k].Dim] *= loops[k].Factor
			dup := false
			for _, d := range order {
				dup = dup || d == loops[k].Dim
			}
			if !dup {
				order = append(order, loops[k].Dim)
			}
		}
		for d := range p.Dims {
			present := false
			for _, o := range order {
				present = present || o == d
			}
			if !present {
				order = append(order, d)
			}
		}
		var fs, perm []string
		for d, f := range factors {
			fs = append(fs, fmt.Sprintf("%s=%d", p.Dims[d], f))
		}
		for _, d := range order {
			perm = append(perm, p.Dims[d])
		}
		fmt.Fprintf(&b, "    factors: %s\n    permutation: [ %s ]\n", strings.Join(fs, " "), strings.Join(perm, ", "))
		if split >= 0 {
			fmt.Fprintf(&b, "    split: %d\n", split)
		}
	}
	for _, l := range m.Levels {
		write(l.Name, "temporal", l.Temporal)
		if len(l.Spatial) > 0 {
			write(l.Name, "spatial", l.Spatial)
		}
	}
	for _, l := range m.Levels {
		var keep, bypass []string
		for d, ds := range p.DataSpaces {
			if l.Keep.Has(d) {
				keep = append(keep, ds.Name)
			} else {
				bypass = append(bypass, ds.Name)
			}
		}
		fmt.Fprintf(&b, "  - target: %s\n    type: dataspace\n    keep: [ %s ]\n    bypass: [ %s ]\n", l.Name, strings.Join(keep, ", "), strings.Join(bypass, ", "))
	}
	_, err := w.Write(b.Bytes())
	return err
}
