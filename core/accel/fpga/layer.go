package fpga

import (
	"math"

	"github.com/dian-explorer/dian/core/accel"
)

// Normalised unit energies (Eyeriss, Chen et al. ISCA 2016, Fig. 5), per
// 16-bit word.
const (
	unitDRAM   = 200.0
	unitBuffer = 6.0
	unitRF     = 1.0
)

// port is Auto-NBA's memory port width in words: min(max(x, 2), 4).
func port(x float64) float64 { return math.Min(math.Max(x, 2), 4) }

// bram18 is Auto-NBA's bank count for x words of q bits: ⌈x·q/18000⌉.
func bram18(x float64, q float64) float64 { return math.Ceil(x * q / 18000) }

// Products that feed a sum are wrapped in float64(...) so no platform may
// fuse them into an FMA: results are bit-identical on amd64, arm64, wasm.

// EvalLayer costs layer l on chunk c with Auto-NBA's chunk model and
// writes the result into dst. It does not allocate. It returns an error
// only when the chunk's dataflow has no formula in this model: the model
// knows Auto-NBA's channel-parallel compute modes 0 and 1 (ws) and its
// row-parallel mode 2 (os).
//
// The model, per layer (notation of docs/METHOD.md §3.3; s = bits/16):
// GB tiles Tr, Tc, Tm, Tn and compute tiles tr, tc, tm, tn of P, Q, K, C;
// u = the MACs per cycle (Π unroll); per tile the compute time max'es with
// the input load (double buffered), weights load after, outputs drain once
// per output tile. Standard layers cost
// trips·[O + (C/Tn)·(max(compute, I) + W)], depthwise ones
// trips·[max(compute, I) + W + O], with trips = (P/Tr)(Q/Tc)(K/Tm). Every
// count is multiplied by the batch N; grouped layers cost groups × one group.
func EvalLayer(dst *accel.LayerCost, l *accel.Layer, c *accel.SubAccel, mode accel.Mode) error {
	*dst = accel.LayerCost{Layer: l.Name, Chunk: dst.Chunk, Modelled: true, MACs: l.MACs()}
	var rowParallel bool
	switch c.Dataflow {
	case accel.WeightStationary:
	case accel.OutputStationary:
		rowParallel = true
	default:
		return &accel.ConstraintError{Constraint: accel.CstModelDataflow, Where: "chunk " + c.Name,
			Detail: "the FPGA chunk model has formulas for dataflows ws (Auto-NBA comp_mode 0/1) and os (comp_mode 2) only"}
	}
	dw := l.Depthwise()
	dst.Depthwise = dw
	corrected := mode == accel.Corrected

	// Layer extents per group.
	g := l.G()
	P, Q := l.P(), l.Q()
	M := l.K / g
	Cg := l.C()
	if dw {
		M, Cg, g = l.K, 1, 1 // a depthwise layer is one "group" of K channels
	}
	kr, ks := float64(l.R), float64(l.S)
	sh, sw := l.Stride()

	// Tiles: GB (Tr, Tc, Tm, Tn) and compute (tr, tc, tm, tn).
	gb, rf := &c.Tiles[accel.LevelGB], &c.Tiles[accel.LevelRF]
	iTr, iTc, iTm, iTn := accel.ResolveTile(gb[accel.DimP], P), accel.ResolveTile(gb[accel.DimQ], Q), accel.ResolveTile(gb[accel.DimK], M), accel.ResolveTile(gb[accel.DimC], Cg)
	if corrected {
		iTr, iTc, iTm, iTn = min(iTr, P), min(iTc, Q), min(iTm, M), min(iTn, Cg)
	}
	itr, itc, itm, itn := accel.ResolveTile(rf[accel.DimP], iTr), accel.ResolveTile(rf[accel.DimQ], iTc), accel.ResolveTile(rf[accel.DimK], iTm), accel.ResolveTile(rf[accel.DimC], iTn)
	if corrected {
		itr, itc, itm, itn = min(itr, iTr), min(itc, iTc), min(itm, iTm), min(itn, iTn)
	}
	if dw {
		iTn, itn = 1, 1
	}
	Tr, Tc, Tm, Tn := float64(iTr), float64(iTc), float64(iTm), float64(iTn)
	tr, tc, tm, tn := float64(itr), float64(itc), float64(itm), float64(itn)
	q := float64(c.Bits)
	s := q / 16

	// MACs per cycle u, and compute cycles per GB tile.
	var compute float64
	if corrected {
		// Each unrolled dimension pads to a multiple of its unroll factor.
		ext := [accel.NumDims]int{accel.DimN: 1, accel.DimK: iTm, accel.DimC: iTn, accel.DimP: iTr, accel.DimQ: iTc, accel.DimR: l.R, accel.DimS: l.S}
		compute = 1
		for d := accel.Dim(0); d < accel.NumDims; d++ {
			u := accel.OrOne(c.Unroll[d])
			if dw && d == accel.DimC {
				u = 1
			}
			compute *= float64((ext[d] + u - 1) / u)
		}
	} else {
		u := 1
		for d := accel.Dim(0); d < accel.NumDims; d++ {
			if dw && d == accel.DimC {
				continue
			}
			u *= accel.OrOne(c.Unroll[d])
		}
		compute = Tr * Tc * Tm * Tn * kr * ks / float64(u)
	}

	// Input tile with its halo.
	var Tri, Tci float64
	if corrected {
		Tri = float64(min((iTr-1)*sh+l.R, l.H+2*l.PadH))
		Tci = float64(min((iTc-1)*sw+l.S, l.W+2*l.PadW))
	} else {
		Tri = math.Max(tr+kr-1, Tr)
		Tci = math.Max(tc+ks-1, Tc)
	}

	// Load and store times per tile, and the words they move.
	var in, wt, out float64
	inWords := Tn * Tri * Tci
	wtWords := Tm * Tn * kr * ks
	if dw {
		inWords = Tm * Tri * Tci
		wtWords = Tm * kr * ks
	}
	outWords := Tm * Tr * Tc
	// per(a, b) is how many b-wide pieces a splits into: a/b in the
	// original, rounded up (padded) when corrected.
	per := func(a, b float64) float64 { return a / b }
	if corrected {
		per = func(a, b float64) float64 { return math.Ceil(a / b) }
	}
	switch {
	case !rowParallel && !dw: // std modes 0, 1
		in = math.Ceil(inWords/port(tn)) * s
		wt = math.Ceil(wtWords/port(tm)) * s
		out = (math.Ceil(outWords/port(tm)) + float64(Tr*Tc*per(Tm, tm))) * s
	case rowParallel && !dw: // std mode 2
		in = math.Ceil(inWords/port(Tri)) * s
		wt = Tm * Tn * kr * s
		out = (math.Ceil(outWords/port(tr)) + float64(Tc*Tm*per(Tr, tr))) * s
	case !rowParallel && dw: // dw mode 0
		in = math.Ceil(inWords/port(tm)) * s
		wt = math.Ceil(wtWords/port(tm)) * s
		out = (math.Ceil(outWords/port(tm)) + float64(Tr*Tc*per(Tm, tm))) * s
	default: // dw mode 1
		in = math.Ceil(inWords/port(tm)) * s
		wt = Tm * kr * s
		out = (math.Ceil(outWords/port(tr)) + float64(Tc*Tm*per(Tr, tr))) * s
	}

	// Trip counts: real-valued in the original, padded when corrected.
	var trips, inner float64
	if corrected {
		trips = float64(accel.CeilDiv(P, iTr) * accel.CeilDiv(Q, iTc) * accel.CeilDiv(M, iTm))
		inner = float64(accel.CeilDiv(Cg, iTn))
	} else {
		trips = (float64(Q) / Tc) * (float64(P) / Tr) * (float64(M) / Tm)
		inner = float64(Cg) / Tn
	}
	var perTile float64
	if dw {
		perTile = math.Max(compute, in) + wt + out
		inner = 1
	} else {
		perTile = out + float64(inner*(math.Max(compute, in)+wt))
	}
	reps := float64(accel.OrOne(l.N)) * float64(g) // batch × groups
	dst.Cycles = reps * trips * perTile
	dst.ComputeCycles = reps * trips * inner * compute
	dst.DRAMWords[accel.OpInput] = reps * trips * inner * inWords
	dst.DRAMWords[accel.OpWeight] = reps * trips * inner * wtWords
	dst.DRAMWords[accel.OpOutput] = reps * trips * outWords

	// Resources: DSP and BRAM18 of this layer's configuration.
	if corrected {
		dst.DSP = float64(c.PEs()) * s
	} else {
		u := 1
		for d := accel.Dim(0); d < accel.NumDims; d++ {
			if !(dw && d == accel.DimC) {
				u *= accel.OrOne(c.Unroll[d])
			}
		}
		dst.DSP = float64(u) * s
	}
	var bram float64
	switch {
	case !rowParallel && !dw:
		bram = float64(2*tn*bram18(Tri*Tci*per(Tn, tn), q)) + float64(tm*bram18(Tr*Tc*per(Tm, tm), q))
		if corrected {
			bram += float64(tm * bram18(per(Tm, tm)*Tn*kr*ks, q))
		}
	case rowParallel && !dw:
		bram = float64(2*Tri*bram18(Tci*Tn, q)) + float64(tr*bram18(Tc*Tm, q)) + float64(kr*bram18(kr*Tm*Tn, q))
	case !rowParallel && dw:
		bram = float64(2*tm*bram18(Tri*Tci*per(Tm, tm), q)) + float64(tm*bram18(Tr*Tc*per(Tm, tm), q))
		if corrected {
			bram += float64(tm * bram18(per(Tm, tm)*kr*ks, q))
		}
	default:
		bram = float64(2*Tri*bram18(Tci*Tn, q)) + float64(tr*bram18(Tc*Tm, q)) + float64(kr*bram18(kr*Tm, q))
	}
	dst.BRAM18 = int(bram)

	// The array's spatial reuse: the unroll of each dimension, clipped in
	// corrected mode to the compute tile it unrolls (PEs past a layer's
	// extent idle; they share nothing).
	var reuse accel.Extents
	for d := accel.Dim(0); d < accel.NumDims; d++ {
		reuse[d] = accel.OrOne(c.Unroll[d])
	}
	if corrected {
		tile := accel.Extents{accel.DimN: accel.OrOne(l.N), accel.DimK: itm, accel.DimC: itn, accel.DimP: itr, accel.DimQ: itc, accel.DimR: l.R, accel.DimS: l.S}
		for d := range reuse {
			reuse[d] = min(reuse[d], tile[d])
		}
	}
	fillEnergy(dst, c, &reuse, dw, tr*tc, tn*kr*ks)
	return nil
}

// fillEnergy fills dst.Energy from the layer's counts. On-chip buffer reads
// per operand are the MACs divided by the operand's spatial reuse (the
// product of reuse, the unroll factors, clipped to the compute tile in
// corrected mode, over dimensions the operand does not depend on: a
// broadcast for inputs and weights, a reduction for outputs)
// and, for the stationary operand, by its reuse inside the compute tile
// (a weight stays for the tile's output pixels under ws, a partial sum for
// its input channels and kernel under os). Partial sums are read and
// written; fills equal the DRAM words. Every MAC touches one register per
// operand (two for the partial sum).
func fillEnergy(dst *accel.LayerCost, c *accel.SubAccel, reuse *accel.Extents, dw bool, pixelsPerTile, reductionPerTile float64) {
	macs := float64(dst.MACs)
	q := float64(c.Bits)
	word := q / 16
	spatial := func(o accel.Operand) float64 {
		r := 1.0
		for d := accel.Dim(0); d < accel.NumDims; d++ {
			if !operandDimSet[o].Has(d) && !(dw && d == accel.DimC) {
				r *= float64(reuse[d])
			}
		}
		return r
	}
	reads := [accel.NumOperands]float64{
		macs / spatial(accel.OpInput),
		macs / spatial(accel.OpWeight),
		2 * macs / spatial(accel.OpOutput),
	}
	switch c.Dataflow {
	case accel.WeightStationary:
		reads[accel.OpWeight] /= pixelsPerTile
	case accel.OutputStationary:
		reads[accel.OpOutput] /= reductionPerTile
	}
	e := &dst.Energy
	for o := accel.OpInput; o < accel.NumOperands; o++ {
		e.DRAM[o] = dst.DRAMWords[o] * unitDRAM * word
		e.Buffer[o] = (dst.DRAMWords[o] + reads[o]) * unitBuffer * word
	}
	e.RF[accel.OpInput] = macs * unitRF * word
	e.RF[accel.OpWeight] = macs * unitRF * word
	e.RF[accel.OpOutput] = 2 * macs * unitRF * word
	e.MAC = macs * accel.MACEnergy(c.Bits)
	dst.EnergySum = e.Total()
}

// operandDimSet lists the dimensions each operand is indexed by.
var operandDimSet = [accel.NumOperands]accel.DimSet{
	accel.OpInput:  accel.DimSetOf(accel.DimN, accel.DimC, accel.DimP, accel.DimQ, accel.DimR, accel.DimS),
	accel.OpWeight: accel.DimSetOf(accel.DimK, accel.DimC, accel.DimR, accel.DimS),
	accel.OpOutput: accel.DimSetOf(accel.DimN, accel.DimK, accel.DimP, accel.DimQ),
}
