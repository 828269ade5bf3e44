package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/dian-explorer/dian/core/accel/scalesim"
	"github.com/dian-explorer/dian/core/accel/systolic"
)

// scaleSimHeader names SCALE-Sim's per-layer quantities, one column each.
var scaleSimHeader = []string{"layer", "total_cycles", "overall_util_pct", "sram_ifmap_reads", "sram_filter_reads",
	"sram_ofmap_writes", "dram_ifmap_reads", "dram_filter_reads", "dram_ofmap_writes"}

// evalScaleSim reads a SCALE-Sim config and convolution topology the way
// SCALE-Sim does and prints one CSV row per layer SCALE-Sim would run (a
// "DP" row runs once per channel, as in SCALE-Sim's reports) with the
// systolic model's numbers, defined as SCALE-Sim defines them in its
// default CALC bandwidth mode (see systolic.Array). A USER-bandwidth
// config is read, but its stall cycles are not modelled.
func evalScaleSim(cfgPath, topoPath string, stdout io.Writer) error {
	cfg, err := scalesim.ReadConfig(cfgPath)
	if err != nil {
		return err
	}
	layers, err := scalesim.ReadTopology(topoPath)
	if err != nil {
		return err
	}
	w := csv.NewWriter(stdout)
	w.Write(scaleSimHeader)
	for _, l := range layers {
		st, err := cfg.Array.Evaluate(l.Conv)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", topoPath, l.Line, err)
		}
		w.Write(scaleSimRow(l.Conv.Name, st))
	}
	w.Flush()
	return w.Error()
}

func scaleSimRow(name string, st systolic.Stats) []string {
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{name, i(st.TotalCycles), strconv.FormatFloat(st.OverallUtilPct, 'f', -1, 64),
		i(st.SRAMIfmapReads), i(st.SRAMFilterReads), i(st.SRAMOfmapWrites),
		i(st.DRAMIfmapReads), i(st.DRAMFilterReads), i(st.DRAMOfmapWrites)}
}
