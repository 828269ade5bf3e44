package accel

import (
	"strconv"
)

// AreaTable is the silicon area of the parts of a PE array at one process
// node: a MAC unit at a reference bit-width, and register-file and SRAM
// storage per bit of capacity. Areas are in µm².
//
// The reference table (AccelergyAreaTable) holds the areas Accelergy
// estimated for the Timeloop tutorial's 40 nm components; Scaled moves it to
// another node. Both are first-order estimates for comparing designs, not
// synthesis results: storage area is taken as linear in capacity (a larger
// SRAM macro has a different aspect ratio and periphery share), a MAC as
// quadratic in bit-width, and a node change as (node/ref)².
type AreaTable struct {
	// NodeNM is the process node the areas hold at; RefNodeNM the node of
	// the values they were derived from (equal unless Scaled).
	NodeNM, RefNodeNM int
	// MACBits is the operand width at which MACUM2 holds.
	MACBits int
	// MACUM2 is one MAC unit (multiplier and accumulator) at MACBits.
	MACUM2 float64
	// RFUM2PerBit and SRAMUM2PerBit are storage area per bit of capacity:
	// a PE's register file and a global buffer. Accelergy's register-file
	// bit is about 5× its SRAM bit (887.84/512 against 707084/2^21 µm²), so
	// a PE scratchpad that a chip builds as a small SRAM comes out larger
	// here than built; with 0.5 KB per PE it is most of an Eyeriss-like
	// array's area.
	RFUM2PerBit, SRAMUM2PerBit float64
	// Source says where the reference values come from.
	Source string
}

// The Accelergy estimates printed in the Timeloop tutorial's reference
// outputs (testdata/timeloop, copied from the exercises' ref-output; the
// architectures say technology "40nm", e.g. 00-model-conv1d-1level/arch/
// 1level.arch.yaml line 7):
//
//   - intmac, width 8 (1level.arch.yaml lines 18–22): "Area (total) :
//     332.25 um^2" for its one instance, 00-model-conv1d-1level/ref-output/
//     timeloop-model.stats.txt line 19 (and 5316.00 = 16 × 332.25 for 16
//     instances, 04-model-conv1d+oc-3levelspatial/ref-output/cp line 19);
//   - regfile, depth 64 × width 8 = 512 bits (1level.arch.yaml lines 10–16):
//     "Area : 887.84 um^2" per instance, the same stats file line 45;
//   - SRAM, depth 32768 × width 64 = 2 Mibit (256 KiB;
//     01-model-conv1d-2level/arch/2level.arch.yaml lines 10–16): "Area :
//     707084.00 um^2", 01-model-conv1d-2level/ref-output/ws/
//     timeloop-model.stats.txt line 153;
//   - DRAM: 0.00 um^2 (off chip), 03-model-conv1d+oc-3level/ref-output/
//     no-bypass/timeloop-model.stats.txt line 263.
//
// The per-bit areas divide by a power of two, so a reference component's
// area comes back bit for bit.
const (
	accelergyNodeNM   = 40
	accelergyMACBits  = 8
	accelergyMACUM2   = 332.25
	accelergyRFUM2    = 887.84
	accelergyRFBits   = 64 * 8
	accelergySRAMUM2  = 707084.00
	accelergySRAMBits = 32768 * 64
)

// AccelergyAreaTable returns the reference area table: Accelergy's 40 nm
// estimates for the Timeloop tutorial's components (an 8-bit intmac, a
// 64 × 8-bit regfile, a 32768 × 64-bit SRAM), per MAC and per bit.
func AccelergyAreaTable() AreaTable {
	return AreaTable{
		NodeNM: accelergyNodeNM, RefNodeNM: accelergyNodeNM, MACBits: accelergyMACBits,
		MACUM2:        accelergyMACUM2,
		RFUM2PerBit:   accelergyRFUM2 / accelergyRFBits,
		SRAMUM2PerBit: accelergySRAMUM2 / accelergySRAMBits,
		Source: "Accelergy 40 nm estimates in the Timeloop tutorial's reference outputs " +
			"(intmac width 8: 332.25 um^2; regfile 64×8 bit: 887.84 um^2; SRAM 32768×64 bit: 707084.00 um^2)",
	}
}

// Scaled returns t moved to another process node by classic constant-field
// scaling: every area times (nodeNM/t.NodeNM)². This is a first-order
// estimate (real nodes shrink logic and SRAM by different factors, and
// wires not at all), not a synthesis result. nodeNM ≤ 0 returns t.
func (t AreaTable) Scaled(nodeNM int) AreaTable {
	if nodeNM <= 0 || nodeNM == t.NodeNM || t.NodeNM <= 0 {
		return t
	}
	s := float64(nodeNM) / float64(t.NodeNM)
	f := float64(s * s)
	t.MACUM2 = float64(t.MACUM2 * f)
	t.RFUM2PerBit = float64(t.RFUM2PerBit * f)
	t.SRAMUM2PerBit = float64(t.SRAMUM2PerBit * f)
	t.NodeNM = nodeNM
	return t
}

// AreaTableFor returns the area table of platform p: the reference table
// scaled to p.TechNM, or at the reference node (40 nm) when the platform
// names no node (the systolic preset). ok is false on an FPGA, whose cost
// is DSP slices and BRAM18 blocks rather than area.
func AreaTableFor(p Platform) (t AreaTable, ok bool) {
	if p.Target == FPGA {
		return AreaTable{}, false
	}
	return AccelergyAreaTable().Scaled(p.TechNM), true
}

// MACArea returns the area of one MAC unit with bits-wide operands, in µm²:
// MACUM2 × (bits/MACBits)². The quadratic term assumes the multiplier, whose
// partial-product array grows as bits², dominates the MAC (the accumulator
// grows only linearly, so narrower MACs come out slightly small and wider
// ones slightly large). DNA's MAC energy model makes the same assumption
// (a b×b multiply as ceil(b/4)² four-bit multipliers).
func (t AreaTable) MACArea(bits int) float64 {
	if bits <= 0 || t.MACBits <= 0 {
		return 0
	}
	r := float64(bits) / float64(t.MACBits)
	return float64(t.MACUM2 * float64(r*r))
}

// RFArea returns the area of a register file of bits bits, in µm².
func (t AreaTable) RFArea(bits int64) float64 { return float64(t.RFUM2PerBit * float64(bits)) }

// SRAMArea returns the area of an SRAM buffer of bits bits, in µm².
func (t AreaTable) SRAMArea(bits int64) float64 { return float64(t.SRAMUM2PerBit * float64(bits)) }

// AreaBreakdown is a design's area by part, in mm². Total is their sum.
type AreaBreakdown struct {
	MACMM2 float64 `json:"mac_mm2"` // the PEs' MAC units
	RFMM2  float64 `json:"rf_mm2"`  // the PEs' register files
	GBMM2  float64 `json:"gb_mm2"`  // the global buffers
}

// Total returns MACMM2 + RFMM2 + GBMM2.
func (a AreaBreakdown) Total() float64 { return a.MACMM2 + a.RFMM2 + a.GBMM2 }

func (a *AreaBreakdown) add(b AreaBreakdown) {
	a.MACMM2 += b.MACMM2
	a.RFMM2 += b.RFMM2
	a.GBMM2 += b.GBMM2
}

// SubAccelArea returns the area of sub-accelerator c: rows × cols PEs, each
// a MAC at c.Bits and a register file of c.RFBytes, plus a global buffer of
// c.GBBytes in SRAM. Not modelled: the NoC, control, address generation,
// DRAM (off chip) and I/O. A buffer of 0 bytes (unbounded in the design) is
// charged nothing, as the design does not say how large it is.
func (t AreaTable) SubAccelArea(c *SubAccel) AreaBreakdown {
	pes := float64(max(c.PEs(), 0))
	return AreaBreakdown{
		MACMM2: float64(pes*t.MACArea(c.Bits)) / 1e6,
		RFMM2:  float64(pes*t.RFArea(max(c.RFBytes, 0)*8)) / 1e6,
		GBMM2:  t.SRAMArea(max(c.GBBytes, 0)*8) / 1e6,
	}
}

// DesignArea returns the area of every sub-accelerator of d, summed in
// chunk order.
func (t AreaTable) DesignArea(d *Design) AreaBreakdown {
	var a AreaBreakdown
	for i := range d.Chunks {
		a.add(t.SubAccelArea(&d.Chunks[i]))
	}
	return a
}

// CstAreaBudget is the constraint key of a design whose area exceeds the
// platform's AreaBudgetMM2. Like BRAM18, it is checked by the cost models
// (NetworkCost.Violations), which know which chunks a network uses.
const CstAreaBudget = "area-budget"

// SetArea fills c.AreaMM2 and c.AreaParts with the area of design d on
// platform p, counting only the chunks that run a layer when c.Chunks has
// one row per chunk of d (an unused chunk is not built), else every chunk;
// then checks p.AreaBudgetMM2. On an FPGA both stay 0. The cost models call
// it; a model outside this package that builds its own NetworkCost (the
// search's systolic model) calls it last.
func (c *NetworkCost) SetArea(d *Design, p Platform) {
	c.AreaMM2, c.AreaParts = 0, AreaBreakdown{}
	t, ok := AreaTableFor(p)
	if !ok {
		return
	}
	perChunk := len(c.Chunks) == len(d.Chunks)
	for i := range d.Chunks {
		if perChunk && c.Chunks[i].Layers == 0 {
			continue
		}
		c.AreaParts.add(t.SubAccelArea(&d.Chunks[i]))
	}
	c.AreaMM2 = c.AreaParts.Total()
	if v := areaViolation(d, p, c.AreaMM2); v != nil {
		c.Violations = append(c.Violations, v.Error())
		c.Feasible = false
	}
}

// areaViolation returns the area-budget violation of a design of areaMM2
// on p, or nil when p has no area budget or the design fits.
func areaViolation(d *Design, p Platform, areaMM2 float64) *ConstraintError {
	if p.AreaBudgetMM2 <= 0 || areaMM2 <= p.AreaBudgetMM2 {
		return nil
	}
	return NewViolation(CstAreaBudget, "design "+strconv.Quote(d.Name), "area %.4g mm² exceeds budget %g mm² on %s", areaMM2, p.AreaBudgetMM2, p.Name)
}
