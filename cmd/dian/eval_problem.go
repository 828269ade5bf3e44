package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop"
	"github.com/dian-explorer/dian/core/accel/timeloop/tlyaml"
)

// problemResult is what `dian eval -problem P.yaml -platform NAME -json`
// prints: the layer as read, where the mapper put it, and its cost.
type problemResult struct {
	Problem   string   `json:"problem"`
	Layer     string   `json:"layer"`
	Platform  string   `json:"platform"`
	Dataflow  string   `json:"dataflow"`
	Array     string   `json:"array"`       // rows × cols of the preset's PE array
	MACs      int64    `json:"macs"`        // the product of the problem's bounds
	Cycles    int64    `json:"cycles"`      // with the levels' bandwidth limits
	EnergyPJ  float64  `json:"energy_pj"`   // with the preset's energy table
	PEsUsed   int64    `json:"pes_used"`    // MAC units the mapping keeps busy
	Utilized  float64  `json:"utilization"` // MACs / (cycles × PEs)
	Mapping   []mapRow `json:"mapping"`     // outermost level first
	MapTxt    string   `json:"map_txt"`     // the mapping in Timeloop's printout form
	Notes     []string `json:"notes,omitempty"`
	Evaluated int      `json:"mappings_evaluated"`
}

// mapRow is one storage level of a mapping: what it keeps and its loops,
// outermost first, as "P=7" (temporal) and "K=16@X" (spatial, by the
// array side it spreads over).
type mapRow struct {
	Level    string   `json:"level"`
	Keeps    []string `json:"keeps"`
	Temporal []string `json:"temporal"`
	Spatial  []string `json:"spatial,omitempty"`
}

// evalProblem maps the one layer of a Timeloop problem file onto a preset's
// PE array with the loop-nest mapper, as `dian export -format timeloop`
// maps a network's layers, and prints the cost.
func evalProblem(problemPath, platform, dataflow, objective, tech string, asJSON bool, stdout io.Writer) error {
	p, files, err := readProblemFile(problemPath)
	if err != nil {
		return err
	}
	l, err := loopnest.LayerOf(p)
	if err != nil {
		return fmt.Errorf("%s: %w", problemPath, err)
	}
	pm, err := newPresetMapper(platform, dataflow, objective, tech)
	if err != nil {
		return err
	}
	res, err := pm.mapLayer(l)
	if err != nil {
		return fmt.Errorf("mapping %s on %s: %w", problemPath, pm.plat.Name, err)
	}
	var txt bytes.Buffer
	if err := timeloop.WriteMapTxt(&txt, res.Problem, res.Mapping, &res.Stats); err != nil {
		return err
	}
	c := pm.chunk
	out := problemResult{Problem: problemPath, Layer: p.Name, Platform: pm.plat.Name, Dataflow: fmt.Sprint(c.Dataflow),
		Array: fmt.Sprintf("%d×%d", c.Rows, c.Cols), MACs: res.Stats.MACs, Cycles: res.Cycles, EnergyPJ: res.EnergyPJ,
		PEsUsed: res.Stats.ComputeInstances, MapTxt: txt.String(), Notes: files.Notes, Evaluated: res.Evaluated}
	if res.Cycles > 0 {
		out.Utilized = float64(res.Stats.MACs) / (float64(res.Cycles) * float64(c.Rows*c.Cols))
	}
	for _, lv := range res.Mapping.Levels {
		row := mapRow{Level: lv.Name, Temporal: []string{}}
		for d, ds := range res.Problem.DataSpaces {
			if lv.Keep.Has(d) {
				row.Keeps = append(row.Keeps, ds.Name)
			}
		}
		for _, lp := range lv.Temporal {
			row.Temporal = append(row.Temporal, fmt.Sprintf("%s=%d", res.Problem.Dims[lp.Dim], lp.Factor))
		}
		for _, lp := range lv.Spatial {
			axis := "X"
			if lp.Axis == loopnest.AxisY {
				axis = "Y"
			}
			row.Spatial = append(row.Spatial, fmt.Sprintf("%s=%d@%s", res.Problem.Dims[lp.Dim], lp.Factor, axis))
		}
		out.Mapping = append(out.Mapping, row)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(stdout, "layer       %s (%s)\nplatform    %s, %s array, %s\nmacs        %d\ncycles      %d (utilization %.1f %%, %d PEs busy)\nenergy_pj   %.1f\n\n%s",
		out.Layer, problemPath, out.Platform, out.Array, out.Dataflow, out.MACs, out.Cycles, 100*out.Utilized, out.PEsUsed, out.EnergyPJ, out.MapTxt)
	for _, n := range out.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	return nil
}

// presetMapper maps layers onto a preset's PE array with the loop-nest
// mapper, as `dian export -format timeloop -preset` does.
type presetMapper struct {
	plat  accel.Platform
	chunk *accel.SubAccel
	table *loopnest.EnergyTable
	opt   loopnest.MapperOptions
}

// newPresetMapper resolves the -platform, -dataflow, -objective and -tech
// flags.
func newPresetMapper(platform, dataflow, objective, tech string) (*presetMapper, error) {
	hw, err := exportHardware(exportOptions{Preset: platform, Dataflow: dataflow}, &accel.Network{Layers: make([]accel.NetworkLayer, 1)})
	if err != nil {
		return nil, err
	}
	obj, err := loopnest.ParseObjective(objective)
	if err != nil {
		return nil, fmt.Errorf("%w: -objective: %v", errUsage, err)
	}
	table, err := energyTable(tech, hw.platform)
	if err != nil {
		return nil, err
	}
	return &presetMapper{plat: hw.platform, chunk: hw.chunks[0], table: table, opt: loopnest.MapperOptions{Objective: obj}}, nil
}

func (m *presetMapper) mapLayer(l accel.Layer) (*loopnest.MapperResult, error) {
	return loopnest.MapLayer(l, m.chunk, m.table, m.opt)
}

// readProblemFile reads a Timeloop problem file, its includes beside it;
// the Files it returns reads the run's other files and keeps their notes.
func readProblemFile(path string) (*loopnest.Problem, *tlyaml.Files, error) {
	src, err := readInput(path)
	if err != nil {
		return nil, nil, err
	}
	files := &tlyaml.Files{Include: tlyaml.FromDisk}
	p, err := files.Problem(path, src)
	return p, files, err
}

// energyTable is the table a preset's designs are priced with (-tech
// overrides it): 65 nm for the Eyeriss-like ASIC, else 45 nm.
func energyTable(tech string, plat accel.Platform) (*loopnest.EnergyTable, error) {
	if tech == "" {
		tech = "45nm"
		if plat.TechNM == 65 {
			tech = "65nm"
		}
	}
	t, err := loopnest.EnergyTableFor(tech)
	if err != nil {
		return nil, fmt.Errorf("%w: -tech: %v", errUsage, err)
	}
	return t, nil
}
