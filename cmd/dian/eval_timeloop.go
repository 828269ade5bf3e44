package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/costmodel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/accel/timeloop"
)

// timeloopHeader is the CSV header of `dian eval -timeloop-map`.
const timeloopHeader = "level,dataspace,utilized_instances,scalar_reads,scalar_fills,scalar_updates"

// maxInputFile bounds the files eval reads.
const maxInputFile = 1 << 20

// readInput reads a file of at most maxInputFile bytes.
func readInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInputFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxInputFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxInputFile)
	}
	return b, nil
}

// evalTimeloop reads a Timeloop mapping printout, its problem and optionally
// its architecture, runs the loop-nest model and prints, per storage level
// (innermost first, as Timeloop's stats list them) and kept data space, the
// per-instance reads, fills and updates; then the cycles and, with an arch,
// the energy in pJ.
//
// With sm, the mapping is also read as the chunk it describes
// (loopnest.ChunkOf) and costed with the preset's search model, as the
// co-search costs a layer of a found design: rows search_model,
// search_cycles and search_energy (in 16-bit-MAC units).
func evalTimeloop(mapPath, problemPath, archPath, ertPath string, sm *searchModel, stdout io.Writer) error {
	p, files, err := readProblemFile(problemPath)
	if err != nil {
		return err
	}
	src, err := readInput(mapPath)
	if err != nil {
		return err
	}
	tm, err := timeloop.ReadMapTxt(mapPath, src, p)
	if err != nil {
		return err
	}
	st, err := loopnest.Evaluate(p, tm.Mapping)
	if err != nil {
		return fmt.Errorf("%s: %w", mapPath, err)
	}
	var arch *loopnest.Arch
	var eb loopnest.EnergyBreakdown
	if archPath != "" {
		if src, err = readInput(archPath); err != nil {
			return err
		}
		if arch, err = files.Arch(archPath, src); err != nil {
			return err
		}
		if ertPath != "" {
			if src, err = readInput(ertPath); err != nil {
				return err
			}
			if err := files.ERT(ertPath, src, arch); err != nil {
				return err
			}
		}
		if err := arch.Energy(p, st, &eb); err != nil {
			return fmt.Errorf("%s with %s: %w", mapPath, archPath, err)
		}
	}
	var sc *accel.LayerCost
	if sm != nil {
		if sc, err = sm.cost(p, tm.Mapping, arch); err != nil {
			return fmt.Errorf("%s on %s: %w", mapPath, archPath, err)
		}
	}
	w := bufio.NewWriter(stdout)
	fmt.Fprintln(w, timeloopHeader)
	for li := len(st.Levels) - 1; li >= 0; li-- {
		ls := &st.Levels[li]
		for d, ds := range p.DataSpaces {
			s := &ls.DS[d]
			if !s.Kept {
				continue
			}
			fmt.Fprintf(w, "%s,%s,%d,%d,%d,%d\n", ls.Name, ds.Name, ls.Instances, s.Reads, s.Fills, s.Updates)
		}
	}
	cycles := st.Cycles
	if arch != nil {
		cycles = arch.Cycles(p, st)
	}
	fmt.Fprintf(w, "cycles,%d\n", cycles)
	if arch != nil {
		fmt.Fprintf(w, "energy_pj,%.3f\n", eb.TotalPJ)
		// Timeloop's summary: femtojoules per compute, level by level.
		macs := float64(st.MACs)
		fmt.Fprintf(w, "fj_per_compute,%s,%.2f\n", arch.MAC.Name, 1000*eb.MAC/macs)
		for li := len(eb.Levels) - 1; li >= 0; li-- {
			le := eb.Levels[li]
			sum := le.Network
			for _, e := range le.DS {
				sum += e
			}
			if sum != 0 {
				fmt.Fprintf(w, "fj_per_compute,%s,%.2f\n", le.Name, 1000*sum/macs)
			}
		}
		fmt.Fprintf(w, "fj_per_compute,Total,%.2f\n", 1000*eb.TotalPJ/macs)
	}
	if sc != nil {
		f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		fmt.Fprintf(w, "search_model,%s\nsearch_cycles,%s\nsearch_energy,%s\n", accel.CostModelTitle(sm.platform.Target), f(sc.Cycles), f(sc.EnergySum))
	}
	// What the files hold that Timeloop ignores too (instance keys that are
	// no dimension, mapper constraints, …), as note rows.
	cw := csv.NewWriter(w)
	for _, n := range files.Notes {
		cw.Write([]string{"note", n})
	}
	cw.Flush()
	return w.Flush()
}

// searchModel is a preset's search cost model, as -platform and -model
// choose it for a Timeloop mapping.
type searchModel struct {
	platform accel.Platform
	model    costmodel.Model
	mode     accel.Mode
}

// cost costs the layer and chunk that mapping m of p on arch describes
// (loopnest.ChunkOf) with the model: a one-chunk design running the one
// layer, tiles padded as the search's designs pad them.
func (sm *searchModel) cost(p *loopnest.Problem, m *loopnest.Mapping, arch *loopnest.Arch) (*accel.LayerCost, error) {
	l, c, err := loopnest.ChunkOf(p, m, arch)
	if err != nil {
		return nil, err
	}
	d := accel.Design{Name: "timeloop", Platform: sm.platform.Name, Assign: accel.AssignExplicit, Pad: true, Chunks: []accel.SubAccel{c}}
	net := accel.Network{Name: l.Name, Layers: []accel.NetworkLayer{{Layer: l}}}
	nc, err := costmodel.Evaluate(sm.model, &d, &net, sm.platform, sm.mode)
	if err != nil {
		return nil, err
	}
	return &nc.Layers[0], nil
}
