package dna

import (
	"errors"
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// Level is a level of the DNA simulator's loop nest.
type Level uint8

// The DNA simulator's levels, innermost first.
const (
	RF Level = iota
	NoC
	GB
	DRAM
)

var levelNames = [...]string{"rf", "noc", "gb", "dram"}

// String returns rf, noc, gb or dram.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// Loop is one loop of the nest: a dimension at a level with its trip count.
type Loop struct {
	Dim    accel.Dim
	Level  Level
	Factor int
}

// Marker is a refresh point: operand X's tile is refilled into the RF
// (Level RF, from the GB over the NoC) or into the GB (Level GB, from
// DRAM) just inside loop Pos of the nest (after loops [0, Pos)); Pos =
// len(loops) puts it outside everything.
type Marker struct {
	Level   Level
	Operand accel.Operand
	Pos     int
}

// UnitEnergy holds the simulator's unit energies: per 4-bit adder and
// 4-bit multiplier operation, and per bit moved over each link.
type UnitEnergy struct {
	Add, Mul                          float64
	DRAMToGB, GBToNoC, NoCToRF, RFALU float64
}

// The two unit-energy tables of the DNA code, normalised so a 16-bit MAC at
// 65 nm costs 1.
var (
	// SearchEnergy is what the searches use (test_for_eyeriss.py): the
	// MAC scaled ×1.6 ("28 nm"), DRAM→GB 200, GB→NoC 3.78, NoC→RF 0.89·2/1.5,
	// RF→ALU 0.89 per 16-bit word.
	SearchEnergy = UnitEnergy{Add: 1.6 / 68, Mul: 1.6 / 17,
		DRAMToGB: 200.0 / 16, GBToNoC: 3.78 / 16, NoCToRF: 0.89 * 2 / 24, RFALU: 0.89 / 16}
	// EyerissEnergy is the classic Eyeriss table (simulator one_config):
	// 200 : 6 : 2 : 1 per 16-bit word, MAC 1.
	EyerissEnergy = UnitEnergy{Add: 1.0 / 68, Mul: 1.0 / 17,
		DRAMToGB: 12.5, GBToNoC: 0.375, NoCToRF: 0.125, RFALU: 0.0625}
)

// Hardware is the simulator's platform: PEs, RF bits per PE, GB bits,
// clocks in Hz and unit energies. Link widths are the original's: DRAM and
// GB ports 64 bits, RF fills 64 bits (16 for inputs), RF→ALU 16 bits.
type Hardware struct {
	NumPE                                          int
	RFBits, GBBits                                 int64
	ClockPE, ClockDRAM, ClockGB, ClockNoC, ClockRF float64
	Energy                                         UnitEnergy
}

// ASIC returns the ASIC engine's platform (hw_diff_final): DRAM at
// 90 MHz, everything else at 250 MHz, the search energies. DNA's search
// budget is ASIC(144, 512, 2<<20).
func ASIC(numPE int, rfBits, gbBits int64) Hardware {
	return Hardware{NumPE: numPE, RFBits: rfBits, GBBits: gbBits,
		ClockPE: 250e6, ClockDRAM: 90e6, ClockGB: 250e6, ClockNoC: 250e6, ClockRF: 250e6, Energy: SearchEnergy}
}

// FPGA returns the FPGA engine's platform (fpga_nips): PEs at 250 MHz,
// memories at 200 MHz. DNA's ZC706 budget is FPGA(900, 8000, 20·2^23).
func FPGA(numPE int, rfBits, gbBits int64) Hardware {
	return Hardware{NumPE: numPE, RFBits: rfBits, GBBits: gbBits,
		ClockPE: 250e6, ClockDRAM: 200e6, ClockGB: 200e6, ClockNoC: 200e6, ClockRF: 200e6, Energy: SearchEnergy}
}

// Result is the simulator's verdict on one layer.
type Result struct {
	// Energy of the MACs and, per operand, of each link, in units of a
	// 16-bit 65 nm MAC. EnergySum is their total.
	MAC                         float64
	RFALU, NoCRF, GBNoC, DRAMGB [accel.NumOperands]float64
	EnergySum                   float64
	LatencyS                    float64
	// EDPMetric is the search objective of the original (life_eval):
	// energy·1e-8 × latency·100.
	EDPMetric float64
	PEs       int   // active PEs (Π NoC factors)
	RFBits    int64 // Σ per-PE RF tiles at RF refresh points
	GBBits    int64 // Σ array tiles at GB refresh points
}

// cost is energy by link and operand, and time: one path (FIRST or
// OTHER) of the recursion.
type cost struct {
	e [parts]float64 // MAC, then RF→ALU, NoC→RF, GB→NoC, DRAM→GB × operand
	t float64
}

const parts = 1 + 4*int(accel.NumOperands)

// part indexes cost.e: link 0 RF→ALU, 1 NoC→RF, 2 GB→NoC, 3 DRAM→GB.
func part(link int, o accel.Operand) int { return 1 + link*int(accel.NumOperands) + int(o) }

func (c *cost) add(o *cost, times float64) {
	for i := range c.e {
		c.e[i] += float64(times * o.e[i])
	}
	c.t += float64(times * o.t)
}

// relevant lists the dimensions each operand depends on, as the
// original's refresh-point logic has them (weights count batch too).
var relevant = [accel.NumOperands]accel.DimSet{
	accel.OpInput:  accel.DimSetOf(accel.DimR, accel.DimS, accel.DimP, accel.DimQ, accel.DimC, accel.DimN),
	accel.OpWeight: accel.DimSetOf(accel.DimR, accel.DimS, accel.DimK, accel.DimC, accel.DimN),
	accel.OpOutput: accel.DimSetOf(accel.DimK, accel.DimP, accel.DimQ, accel.DimN),
}

// PlaceMarkers places the six refresh points the way the original does
// when a mapping gives none: GB points just outside the NoC loops, RF
// points innermost; then each is hoisted when no relevant non-unit loop of
// its own level lies outside it, to just inside the first relevant
// non-unit loop of the next level out (GB for RF points, DRAM for GB
// points), or outside everything. loops go innermost first, levels in
// order. The result is written into dst (six entries).
func PlaceMarkers(loops []Loop, dst *[6]Marker) { placeMarkers(loops, dst, false) }

// relevantTo returns the dimensions operand o depends on; a depthwise
// layer's input depends on K instead of C.
func relevantTo(o accel.Operand, depthwise bool) accel.DimSet {
	if depthwise && o == accel.OpInput {
		return accel.DimSetOf(accel.DimR, accel.DimS, accel.DimP, accel.DimQ, accel.DimK, accel.DimN)
	}
	return relevant[o]
}

func placeMarkers(loops []Loop, dst *[6]Marker, depthwise bool) {
	afterNoC := 0
	for i, l := range loops {
		if l.Level <= NoC {
			afterNoC = i + 1
		}
	}
	k := 0
	for _, lv := range []Level{RF, GB} {
		for o := accel.OpInput; o < accel.NumOperands; o++ {
			pos := 0
			if lv == GB {
				pos = afterNoC
			}
			own, next := lv, GB
			if lv == GB {
				next = DRAM
			}
			rel := relevantTo(o, depthwise)
			if !relevantOutside(loops, pos, own, rel) {
				pos = len(loops)
				for i := range loops {
					l := loops[i]
					if l.Level == next && l.Factor > 1 && rel.Has(l.Dim) {
						pos = i
						break
					}
				}
			}
			dst[k] = Marker{Level: lv, Operand: o, Pos: pos}
			k++
		}
	}
}

func relevantOutside(loops []Loop, pos int, level Level, rel accel.DimSet) bool {
	for _, l := range loops[pos:] {
		if l.Level == level && l.Factor > 1 && rel.Has(l.Dim) {
			return true
		}
	}
	return false
}

// Eval runs the simulator on one standard convolution: loops innermost
// first (RF, then NoC, GB, DRAM loops), refresh markers, the stride and the
// word width (the original fixes 16 bits). It returns an error naming the
// resource when the mapping needs more PEs, RF or GB than hw has (the
// original raises a "resource" exception and the search skips the design).
//
// The recursion keeps two costs, FIRST (no partial sum to read) and OTHER.
// Innermost, every PE reads an input and a weight from its RF, does a MAC
// and writes the partial sum (OTHER also reads it). Each temporal loop of
// factor f sets FIRST ← FIRST + (f−1)·OTHER and OTHER ← FIRST; NoC loops are
// the P PEs the innermost step already spans. A refresh point adds its
// transfers to both paths (an output's twice to OTHER: read back and write).
// A transfer of b bits over a w-bit link costs b × energy-per-bit and
// ⌈b/w⌉ cycles at each end's clock; RF↔ALU moves charge only the RF's cycle
// (the ALU is not a clocked memory), which is what reproduces the
// original's reference latency.
func Eval(hw *Hardware, loops []Loop, markers []Marker, stride, bits int) (Result, error) {
	return eval(hw, loops, markers, stride, bits, false)
}

// eval is Eval; depthwise layers (one input channel per output
// channel) read their input along K instead of C.
func eval(hw *Hardware, loops []Loop, markers []Marker, stride, bits int, depthwise bool) (Result, error) {
	var res Result
	if stride < 1 || bits < 1 || bits > accel.MaxBits {
		return res, fmt.Errorf("dna: DNA simulator: stride %d and bits %d must be ≥ 1 (bits ≤ %d)", stride, bits, accel.MaxBits)
	}
	// Total NoC factors per dimension and the active PEs. Extents are
	// float64 so long nests cannot overflow.
	var noc [accel.NumDims]float64
	for d := range noc {
		noc[d] = 1
	}
	pes := 1
	for _, l := range loops {
		if l.Factor < 1 || l.Factor > accel.MaxTile || l.Dim >= accel.NumDims || l.Level > DRAM {
			return res, fmt.Errorf("dna: DNA simulator: loop %s_%s with factor %d: accepted factors 1..%d", l.Dim, l.Level, l.Factor, accel.MaxTile)
		}
		if l.Level == NoC {
			noc[l.Dim] *= float64(l.Factor)
			pes *= l.Factor
			if pes > hw.NumPE {
				return res, fmt.Errorf("dna: DNA simulator: resource: NoC loops need more than %d PEs", hw.NumPE)
			}
		}
	}
	res.PEs = pes
	e := &hw.Energy
	w := float64(bits)
	pf := float64(pes)

	// Innermost step on every PE.
	a := float64((bits + 3) / 4)
	macE := float64(a*e.Add) + float64(float64(a*a)*e.Mul)
	macT := 1/hw.ClockPE + 2/hw.ClockPE
	move := float64(w * e.RFALU)
	moveT := math.Ceil(w/16) / hw.ClockRF
	var first, other cost
	first.e[0], first.t = float64(pf*macE), macT+float64(3*moveT)
	other.e[0], other.t = float64(pf*macE), macT+float64(4*moveT)
	for o := accel.OpInput; o < accel.NumOperands; o++ {
		first.e[part(0, o)] = float64(pf * move)
		other.e[part(0, o)] = float64(pf * move)
	}
	other.e[part(0, accel.OpOutput)] = float64(pf * 2 * move) // read back and write the partial sum
	inCh := accel.DimC
	if depthwise {
		inCh = accel.DimK
	}

	for _, m := range markers {
		if m.Pos < 0 || m.Pos > len(loops) || m.Operand >= accel.NumOperands || (m.Level != RF && m.Level != GB) {
			return res, fmt.Errorf("dna: DNA simulator: marker %s %s at %d: accepted levels rf, gb at 0..%d", m.Level, m.Operand, m.Pos, len(loops))
		}
	}
	// Running temporal tile extents per dimension.
	var tile [accel.NumDims]float64
	for d := range tile {
		tile[d] = 1
	}
	st := float64(stride)
	xfer := func(b, width, fSrc, fDst float64) float64 {
		n := math.Ceil(b / width)
		return n/fSrc + n/fDst
	}
	for pos := 0; pos <= len(loops); pos++ {
		for _, m := range markers {
			if m.Pos != pos {
				continue
			}
			var b1, b2 float64
			switch m.Operand {
			case accel.OpInput:
				rows := tile[accel.DimR] + float64(st*(tile[accel.DimP]-1))
				cols := tile[accel.DimS] + float64(st*(tile[accel.DimQ]-1))
				b1 = tile[accel.DimN] * tile[inCh] * rows * cols * w
				rows2 := float64(tile[accel.DimR]*noc[accel.DimR]) + float64(st*(float64(tile[accel.DimP]*noc[accel.DimP])-1))
				cols2 := float64(tile[accel.DimS]*noc[accel.DimS]) + float64(st*(float64(tile[accel.DimQ]*noc[accel.DimQ])-1))
				b2 = tile[accel.DimN] * noc[accel.DimN] * tile[inCh] * noc[inCh] * rows2 * cols2 * w
			case accel.OpWeight:
				b1 = tile[accel.DimK] * tile[accel.DimC] * tile[accel.DimR] * tile[accel.DimS] * w
				b2 = b1 * noc[accel.DimK] * noc[accel.DimC] * noc[accel.DimR] * noc[accel.DimS]
			default:
				b1 = tile[accel.DimN] * tile[accel.DimK] * tile[accel.DimP] * tile[accel.DimQ] * w
				b2 = b1 * noc[accel.DimN] * noc[accel.DimK] * noc[accel.DimP] * noc[accel.DimQ]
			}
			var c cost
			if m.Level == RF {
				width := 64.0
				if m.Operand == accel.OpInput {
					width = 16
				}
				c.e[part(1, m.Operand)] = float64(pf * float64(b1*e.NoCToRF))
				c.e[part(2, m.Operand)] = float64(b2 * e.GBToNoC)
				c.t = xfer(b1, width, hw.ClockNoC, hw.ClockRF) + xfer(b2, 64, hw.ClockGB, hw.ClockNoC)
				res.RFBits += int64(b1)
			} else {
				c.e[part(3, m.Operand)] = float64(b2 * e.DRAMToGB)
				c.t = xfer(b2, 64, hw.ClockDRAM, hw.ClockGB)
				res.GBBits += int64(b2)
			}
			first.add(&c, 1)
			if m.Operand == accel.OpOutput {
				other.add(&c, 2)
			} else {
				other.add(&c, 1)
			}
		}
		if pos == len(loops) {
			break
		}
		l := loops[pos]
		if l.Level == NoC {
			continue
		}
		tile[l.Dim] *= float64(l.Factor)
		first.add(&other, float64(l.Factor-1))
		other = first
	}
	var errs []error
	if hw.RFBits > 0 && res.RFBits > hw.RFBits {
		errs = append(errs, fmt.Errorf("dna: DNA simulator: resource: RF tiles need %d bits per PE > %d", res.RFBits, hw.RFBits))
	}
	if hw.GBBits > 0 && res.GBBits > hw.GBBits {
		errs = append(errs, fmt.Errorf("dna: DNA simulator: resource: GB tiles need %d bits > %d", res.GBBits, hw.GBBits))
	}
	res.MAC = first.e[0]
	res.EnergySum = res.MAC
	for o := accel.OpInput; o < accel.NumOperands; o++ {
		res.RFALU[o] = first.e[part(0, o)]
		res.NoCRF[o] = first.e[part(1, o)]
		res.GBNoC[o] = first.e[part(2, o)]
		res.DRAMGB[o] = first.e[part(3, o)]
	}
	for _, part := range [...]*[accel.NumOperands]float64{&res.RFALU, &res.NoCRF, &res.GBNoC, &res.DRAMGB} {
		for o := accel.OpInput; o < accel.NumOperands; o++ {
			res.EnergySum += part[o]
		}
	}
	res.LatencyS = first.t
	res.EDPMetric = float64(res.EnergySum*1e-8) * float64(res.LatencyS*100)
	return res, errors.Join(errs...)
}
