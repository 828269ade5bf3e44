package tlyaml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// ReadArch reads a Timeloop v0.4 architecture file: a list of
// !Container and !Component nodes, outermost first. A container's spatial
// mesh multiplies the instances of every node after it. Components whose
// class names a MAC (intmac, mac, fpmac) are the compute units; the others
// are storage levels. Energies come from explicit attributes
// (read_energy, write_energy, energy in pJ per access) when present, else
// from the tutorial's 40 nm Accelergy estimates (technology "40nm") or from
// the built-in table named by the technology (45nm, 65nm, eyeriss).
func (f *Files) Arch(file string, src []byte) (*loopnest.Arch, error) {
	r := f.reader(file)
	an, err := r.top(src, "architecture")
	if err != nil {
		return nil, err
	}
	if err := r.checkKeys(an, "architecture", "version", "nodes", "subtree", "local"); err != nil {
		return nil, err
	}
	var flat []flatNode
	nodes := an.get("nodes")
	if an.get("subtree") != nil || an.get("local") != nil {
		// v0.3: a tree of subtrees with local components, as users wrote it
		// before v0.4 and as Timeloop writes it back.
		var t subtreeWalk
		if err := r.subtree(an, "architecture", 0, &t); err != nil {
			return nil, err
		}
		flat = t.nodes
		nodes = an
	} else {
		if err := r.needSeq(nodes, "architecture.nodes"); err != nil {
			return nil, err
		}
		if flat, err = r.flatten(nodes, "architecture.nodes", 0); err != nil {
			return nil, err
		}
	}
	a := &loopnest.Arch{}
	mult := int64(1)
	haveMAC := false
	explicit := true
	for _, fn := range flat {
		n, where := fn.node, fn.where
		if err := r.needMap(n, where); err != nil {
			return nil, err
		}
		if err := r.checkKeys(n, where, "name", "class", "attributes", "spatial", "subclass", "required_actions", "enabled", "constraints"); err != nil {
			return nil, err
		}
		if c := n.get("constraints"); c != nil {
			r.note(c, "%s.constraints: not read (they steer Timeloop's mapper; dian's mapper keeps its own rules, and a given mapping is taken as it is)", where)
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
			a.Containers = append(a.Containers, loopnest.ArchContainer{Name: name, After: len(a.Levels), MeshX: int(mx), MeshY: int(my)})
			if mult > 1<<30 {
				return nil, r.errf(n, "%s: more than 2^30 instances", where)
			}
			continue
		case "Component":
		default:
			return nil, r.errf(n, "%s: node tag %q; accepted !Container, !Component, !Parallel", where, "!"+n.tag)
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
			a.MAC = loopnest.ArchCompute{Name: name, Class: class, Instances: int(inst), Width: int(width)}
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
		l := loopnest.ArchLevel{Name: name, Class: class, Instances: int(inst), MeshX: int(mx), MeshY: int(my), Width: int(width)}
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
		given := append([]loopnest.ArchLevel(nil), a.Levels...)
		mac := a.MAC.EnergyPJ
		if err := priceArch(a); err != nil {
			// Energy stays unknown until an energy reference table
			// (Files.ERT, dian eval -ert) prices the components.
			a.Unpriced = err.Error() + " (give Accelergy's energy reference table, ERT.yaml)"
			r.note(nodes, "architecture: no energies: %v; counts and cycles do not need them", err)
			return a, nil
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
func priceArch(a *loopnest.Arch) error {
	if a.Technology == "40nm" {
		return priceTutorial40(a)
	}
	t, err := loopnest.EnergyTableFor(a.Technology)
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
func priceTutorial40(a *loopnest.Arch) error {
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
			return fmt.Errorf("timeloop: technology 40nm: no energy estimate for %s %q (depth %d, width %d); give read_energy and write_energy attributes", l.Class, l.Name, l.Depth, l.Width)
		}
	}
	if !(strings.EqualFold(a.MAC.Class, "intmac") && a.MAC.Width == 8) {
		return fmt.Errorf("timeloop: technology 40nm: no energy estimate for %s %q (width %d); give an energy attribute", a.MAC.Class, a.MAC.Name, a.MAC.Width)
	}
	a.MAC.EnergyPJ = 0.845
	return nil
}

type flatNode struct {
	node  *yNode
	where string
}

// flatten lists the nodes of a v0.4 tree outermost first, a !Parallel
// node's children in their order, as Timeloop numbers its levels (the
// last of a !Parallel's storage children is the innermost level).
func (r yReader) flatten(nodes *yNode, where string, depth int) ([]flatNode, error) {
	if err := r.needSeq(nodes, where); err != nil {
		return nil, err
	}
	if depth > 8 {
		return nil, r.errf(nodes, "%s: !Parallel nested more than 8 deep", where)
	}
	var out []flatNode
	for i, n := range nodes.items {
		w := fmt.Sprintf("%s[%d]", where, i)
		if err := r.needMap(n, w); err != nil {
			return nil, err
		}
		if n.tag != "Parallel" {
			out = append(out, flatNode{n, w})
			continue
		}
		if err := r.checkKeys(n, w+" (!Parallel)", "name", "nodes"); err != nil {
			return nil, err
		}
		sub, err := r.flatten(n.get("nodes"), w+".nodes", depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// subtreeWalk collects a v0.3 tree as the v0.4 node list it means.
type subtreeWalk struct {
	nodes []flatNode
	inst  int64 // instances of the innermost node so far
}

// countedName splits "PE[0..15]" or "ifmap_spad[1..168]" into the name and
// the instance count (1 without a range).
func countedName(s string) (string, int64, bool) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		return s, 1, true
	}
	if !strings.HasSuffix(s, "]") {
		return "", 0, false
	}
	lo, hi, ok := strings.Cut(s[open+1:len(s)-1], "..")
	if !ok {
		return "", 0, false
	}
	a, err1 := strconv.ParseInt(lo, 10, 64)
	b, err2 := strconv.ParseInt(hi, 10, 64)
	if err1 != nil || err2 != nil || a < 0 || b < a || b-a >= 1<<30 {
		return "", 0, false
	}
	return s[:open], b - a + 1, true
}

// subtree turns one v0.3 subtree into v0.4 nodes: the subtree a
// !Container (its range, "PE[0..15]", a spatial mesh), each local component
// a !Component (replicated when its range exceeds the instances around it),
// and a fan-out level Timeloop writes back ("inter_PE_spatial[1..14]", class
// dummy_storage) the container PE, with the mesh it opens to the next one.
func (r yReader) subtree(n *yNode, where string, depth int, t *subtreeWalk) error {
	if depth > 16 {
		return r.errf(n, "%s: subtrees nested more than 16 deep", where)
	}
	if t.inst == 0 {
		t.inst = 1
	}
	synth := func(tag, name string, attrs *yNode, meshX int64, line int) *yNode {
		x := &yNode{kind: yMap, tag: tag, line: line}
		x.keys = append(x.keys, "name")
		x.vals = append(x.vals, &yNode{kind: yScalar, value: name, line: line})
		if attrs != nil {
			x.keys = append(x.keys, "attributes")
			x.vals = append(x.vals, attrs)
		}
		if meshX > 1 {
			sp := &yNode{kind: yMap, line: line, keys: []string{"meshX"}, vals: []*yNode{{kind: yScalar, value: strconv.FormatInt(meshX, 10), line: line}}}
			x.keys = append(x.keys, "spatial")
			x.vals = append(x.vals, sp)
		}
		return x
	}
	if name := n.get("name"); name != nil {
		base, count, ok := countedName(name.value)
		if !ok {
			return r.errf(name, "%s.name: %q is not NAME or NAME[lo..hi]", where, name.value)
		}
		var mesh int64 = 1
		if count > 1 {
			mesh = count
		}
		t.nodes = append(t.nodes, flatNode{synth("Container", base, n.get("attributes"), mesh, n.line), where})
		t.inst *= mesh
	}
	if local := n.get("local"); local != nil {
		if err := r.needSeq(local, where+".local"); err != nil {
			return err
		}
		for i, c := range local.items {
			w := fmt.Sprintf("%s.local[%d]", where, i)
			if err := r.needMap(c, w); err != nil {
				return err
			}
			nm, err := r.str(c.get("name"), w+".name")
			if err != nil {
				return err
			}
			base, count, ok := countedName(nm)
			if !ok {
				return r.errf(c.get("name"), "%s.name: %q is not NAME or NAME[lo..hi]", w, nm)
			}
			if cls := c.get("class"); cls != nil && cls.value == "dummy_storage" {
				// A fan-out level: the container it names opens to the
				// next component's instances.
				inner, found := strings.CutPrefix(base, "inter_")
				inner, found2 := strings.CutSuffix(inner, "_spatial")
				if !found || !found2 || i+1 >= len(local.items) {
					return r.errf(c, "%s: a dummy_storage level is inter_NAME_spatial and comes before the level it fans out to", w)
				}
				nextName, _ := r.str(local.items[i+1].get("name"), w+" (next)")
				_, next, ok := countedName(nextName)
				if !ok || next%count != 0 {
					return r.errf(c, "%s: %d instances fan out to %s", w, count, nextName)
				}
				t.nodes = append(t.nodes, flatNode{synth("Container", inner, nil, next/count, c.line), w})
				t.inst = next
				continue
			}
			comp := &yNode{kind: yMap, tag: "Component", line: c.line}
			for k, key := range c.keys {
				if key == "name" {
					continue
				}
				comp.keys = append(comp.keys, key)
				comp.vals = append(comp.vals, c.vals[k])
			}
			comp.keys = append([]string{"name"}, comp.keys...)
			comp.vals = append([]*yNode{{kind: yScalar, value: base, line: c.line}}, comp.vals...)
			if count > t.inst {
				if count%t.inst != 0 {
					return r.errf(c, "%s: %d instances inside %d", w, count, t.inst)
				}
				comp.keys = append(comp.keys, "spatial")
				comp.vals = append(comp.vals, &yNode{kind: yMap, line: c.line, keys: []string{"meshX"},
					vals: []*yNode{{kind: yScalar, value: strconv.FormatInt(count/t.inst, 10), line: c.line}}})
			}
			t.nodes = append(t.nodes, flatNode{comp, w})
		}
	}
	if sub := n.get("subtree"); sub != nil {
		if err := r.needSeq(sub, where+".subtree"); err != nil {
			return err
		}
		for i, c := range sub.items {
			w := fmt.Sprintf("%s.subtree[%d]", where, i)
			if err := r.needMap(c, w); err != nil {
				return err
			}
			if err := r.subtree(c, w, depth+1, t); err != nil {
				return err
			}
		}
	}
	return nil
}
