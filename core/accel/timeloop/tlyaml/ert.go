package tlyaml

import (
	"fmt"
	"strings"

	"github.com/dian-explorer/dian/core/accel/loopnest"
)

// ERT prices a's components from Accelergy's energy reference table (the
// ERT.yaml Timeloop writes beside its stats): each storage level's read
// and write energies (per access of a block, as Timeloop charges them)
// and the MAC's compute energy, in pJ. Tables are matched to components by
// the last name of their path ("system_top_level.shared_glb[1..1]" is
// shared_glb); every component must have one. An update that costs other
// than a write, and leakage, are noted: the loop-nest model charges
// updates as writes and has no leakage.
func (f *Files) ERT(file string, src []byte, a *loopnest.Arch) error {
	r := f.reader(file)
	ert, err := r.top(src, "ERT")
	if err != nil {
		return err
	}
	if err := r.checkKeys(ert, "ERT", "version", "tables"); err != nil {
		return err
	}
	tables := ert.get("tables")
	if err := r.needSeq(tables, "ERT.tables"); err != nil {
		return err
	}
	type entry struct {
		energy map[string]float64
		node   *yNode
	}
	byName := map[string]entry{}
	for i, t := range tables.items {
		where := fmt.Sprintf("ERT.tables[%d]", i)
		if err := r.needMap(t, where); err != nil {
			return err
		}
		path, err := r.str(t.get("name"), where+".name")
		if err != nil {
			return err
		}
		name := path
		if b := strings.IndexByte(name, '['); b >= 0 {
			name = name[:b] // "[1..168]": the instances
		}
		name = name[strings.LastIndex(name, ".")+1:]
		acts := t.get("actions")
		if err := r.needSeq(acts, where+".actions"); err != nil {
			return err
		}
		e := entry{energy: map[string]float64{}, node: t}
		for j, act := range acts.items {
			aw := fmt.Sprintf("%s.actions[%d]", where, j)
			if err := r.needMap(act, aw); err != nil {
				return err
			}
			an, err := r.str(act.get("name"), aw+".name")
			if err != nil {
				return err
			}
			v, err := r.number(act.get("energy"), aw+".energy")
			if err != nil {
				return err
			}
			if _, dup := e.energy[an]; !dup { // the first of an action's argument variants
				e.energy[an] = v
			}
		}
		byName[name] = e
	}
	for i := range a.Levels {
		l := &a.Levels[i]
		e, ok := byName[l.Name]
		if !ok {
			return r.errf(tables, "ERT: no table for storage level %s", l.Name)
		}
		rd, okR := e.energy["read"]
		wr, okW := e.energy["write"]
		if !okR || !okW {
			return r.errf(e.node, "ERT: the table for %s has no read or write action", l.Name)
		}
		l.ReadPJ, l.WritePJ = rd, wr
		if up, ok := e.energy["update"]; ok && up != wr {
			r.note(e.node, "ERT: %s updates cost %g pJ, writes %g pJ; the model charges updates as writes", l.Name, up, wr)
		}
		if lk := e.energy["leak"]; lk != 0 {
			r.note(e.node, "ERT: %s leaks %g pJ per cycle; the model has no leakage", l.Name, lk)
		}
	}
	e, ok := byName[a.MAC.Name]
	if !ok {
		return r.errf(tables, "ERT: no table for the compute component %s", a.MAC.Name)
	}
	mac, ok := e.energy["compute"]
	if !ok {
		if mac, ok = e.energy["mac_random"]; !ok {
			return r.errf(e.node, "ERT: the table for %s has no compute (or mac_random) action", a.MAC.Name)
		}
	}
	a.MAC.EnergyPJ = mac
	a.Table, a.Unpriced = nil, ""
	return nil
}
