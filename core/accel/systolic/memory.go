package systolic

import (
	"sort"

	"github.com/dian-explorer/dian/core/accel"
)

// The memory side of the systolic model: SCALE-Sim v2's CALC-mode read
// buffers (memory/read_buffer_estimate_bw.py) and its double-buffered OFMAP
// write buffer (memory/write_buffer.py), reduced to what decides their
// counts.
//
// Read buffer. The SRAM holds 1024·KB words split into 100 sets of
// floor(1024·KB/100) words; 50 sets are the active half. Each new address
// (not in the active window's sets, nor in the set being filled) joins the
// set being filled; when 50 new sets are complete the window jumps past
// them, so nothing fetched before is a hit any more. Hence: walk the demand
// stream, count addresses not seen since the last jump, and jump every
// epochWords new addresses. The DRAM reads are that count.

// epochWords returns how many new words the read buffer collects
// before its active window moves on: 50 sets of floor(1024·KB/100) words.
func epochWords(kb int) int64 { return 50 * (int64(1024*kb) / 100) }

// scanRepeat returns the DRAM reads of reading u distinct words,
// none of them in the buffer yet, reps times in the same order, starting
// with fill new words already collected in the current window; and the fill
// afterwards. A scan that fits (u < epoch) misses once, plus, if the window
// moved during the first scan, the part read before the move once more; a
// scan that does not fit misses on every word of every pass.
func scanRepeat(fill, u, reps, epoch int64) (cost, fillAfter int64) {
	if reps <= 0 || u <= 0 {
		return 0, fill
	}
	if u >= epoch {
		return u * reps, (fill + u*reps) % epoch
	}
	if fill+u < epoch {
		return u, fill + u
	}
	before := epoch - fill // words read before the window moved
	if reps == 1 {
		return u, u - before
	}
	return u + before, u
}

// dramFilterReads returns the filter words the read buffer fetches. Filter
// addresses are all distinct within a fold, so the stream is a sequence of
// repeated scans: ws reads every weight once; os reads the weights of column
// fold fc once per row fold, back to back; is reads all weights once per
// column fold.
func (p Plan) dramFilterReads() int64 {
	a, c := p.Array, p.Conv
	epoch := epochWords(a.FilterSRAMKB)
	all := int64(c.Window()) * int64(c.M)
	switch a.Dataflow {
	case accel.WeightStationary:
		return all
	case accel.InputStationary:
		cost, _ := scanRepeat(0, all, int64(p.ColFolds), epoch)
		return cost
	}
	var total, fill int64
	for fc := 0; fc < p.ColFolds; fc++ {
		used := min(a.Cols, p.Sc-fc*a.Cols)
		var cost int64
		cost, fill = scanRepeat(fill, int64(p.T)*int64(used), int64(p.RowFolds), epoch)
		total += cost
	}
	return total
}

// ifmapTouched returns how many distinct input words the windows read:
// input rows any window covers × columns any window covers × channels.
func (c Conv) ifmapTouched() int64 {
	covered := func(n, k, stride, out int) int64 {
		var count, next int // next: first row not yet counted
		for o := 0; o < out; o++ {
			lo, hi := max(o*stride, next), min(o*stride+k, n)
			if hi > lo {
				count += hi - lo
				next = hi
			}
		}
		return int64(count)
	}
	return covered(c.H, c.R, c.StrideH, c.P) * covered(c.W, c.S, c.StrideW, c.Q) * int64(c.C)
}

// walkBudget bounds the ifmap accesses dramIfmapReads walks beyond
// what it must: the first two os/ws passes are always walked whole, further
// passes while the walk stays under the budget; the rest are charged the
// mean of the passes after the first. An is stream, or a first pass,
// longer than maxSimulated is charged its walked prefix's misses
// per access. (A variable so the accuracy test can shrink it and check the
// extrapolation on small layers.)
var walkBudget int64 = 1 << 22

const maxSimulated = 1 << 25

// dramIfmapReads returns the input words the read buffer fetches. When the
// touched input fits in the active half, that is exactly the touched words.
// Otherwise the demand stream is walked in SCALE-Sim's order, up to
// walkBudget accesses: for is, the whole stream; for os and ws, the
// ColFolds identical passes over the im2col matrix, the passes beyond the
// budget charged the mean of the passes after the first (the first starts
// with an empty buffer, the others where the previous pass left it).
func (p Plan) dramIfmapReads() int64 {
	a, c := p.Array, p.Conv
	epoch := epochWords(a.IfmapSRAMKB)
	if touched := c.ifmapTouched(); touched < epoch {
		return touched
	}
	w := newIfmapWalker(c, epoch, maxSimulated)
	if a.Dataflow == accel.InputStationary {
		w.walkInputStationary(p)
		return w.estimate(int64(p.Sr) * int64(p.Sc))
	}
	// os and ws: ColFolds identical passes (see walkPass).
	pass := int64(p.Sr) * int64(p.T)
	var total, first, later int64
	passes := 0
	for passes < p.ColFolds && (passes == 0 || (passes < 2 || w.accesses+pass <= walkBudget) && w.accesses+pass <= w.budget) {
		before := w.buf.misses
		w.walkPass(p)
		if passes == 0 && w.accesses < pass { // one pass is longer than we walk
			return w.estimate(pass) * int64(p.ColFolds)
		}
		cost := w.buf.misses - before
		if passes == 0 {
			first = cost
		} else {
			later += cost
		}
		total += cost
		passes++
	}
	if rest := int64(p.ColFolds - passes); rest > 0 {
		if passes > 1 {
			total += int64(float64(later) / float64(passes-1) * float64(rest))
		} else {
			total += first * rest
		}
	}
	return total
}

// readWindow is the read buffer's state: the window id in which each
// address was last fetched, the current window, and how many new
// addresses it holds.
type readWindow struct {
	stamp               []int32
	window              int32
	fill, epoch, misses int64
}

// read fetches addr unless the current window already holds it; every
// epoch new addresses the window moves on.
func (r *readWindow) read(addr int32) {
	if r.stamp[addr] == r.window {
		return
	}
	r.stamp[addr] = r.window
	r.misses++
	if r.fill++; r.fill == r.epoch {
		r.window++
		r.fill = 0
	}
}

// ifmapWalker runs the read buffer over im2col (pixel, tap) accesses.
type ifmapWalker struct {
	c                  Conv
	pixY, pixX, pixOff []int32 // window origin of each output pixel
	tapR, tapS, tapOff []int32 // offset of each tap inside the window
	buf                readWindow
	accesses, budget   int64
}

func newIfmapWalker(c Conv, epoch, budget int64) *ifmapWalker {
	w := &ifmapWalker{c: c, buf: readWindow{stamp: make([]int32, c.H*c.W*c.C), window: 1, epoch: epoch}, budget: budget}
	n := c.Pixels()
	w.pixY, w.pixX, w.pixOff = make([]int32, n), make([]int32, n), make([]int32, n)
	for px := range n {
		y, x := (px/c.Q)*c.StrideH, (px%c.Q)*c.StrideW
		w.pixY[px], w.pixX[px], w.pixOff[px] = int32(y), int32(x), int32((y*c.W+x)*c.C)
	}
	n = c.Window()
	w.tapR, w.tapS, w.tapOff = make([]int32, n), make([]int32, n), make([]int32, n)
	for t := range n {
		r, rest := t/(c.S*c.C), t%(c.S*c.C)
		s, ch := rest/c.C, rest%c.C
		w.tapR[t], w.tapS[t], w.tapOff[t] = int32(r), int32(s), int32((r*c.W+s)*c.C+ch)
	}
	return w
}

// walkPass walks one os or ws pass over the im2col matrix in SCALE-Sim's
// demand order: line l of row fold fr feeds array row i the element
// streamed at step l−i (the skew); os streams the taps of pixel fr·rows+i,
// ws the pixels against tap fr·rows+i. It is access inlined, with the
// array-row operand's offsets hoisted out of the line loop; it stops at
// the walker's budget.
func (w *ifmapWalker) walkPass(p Plan) {
	c, rows := w.c, p.Array.Rows
	// fixed: the operand indexed by array row; streamed: the one indexed by step.
	fixedY, fixedX, fixedOff := w.pixY, w.pixX, w.pixOff
	strY, strX, strOff := w.tapR, w.tapS, w.tapOff
	if p.Array.Dataflow == accel.WeightStationary {
		fixedY, fixedX, fixedOff, strY, strX, strOff = strY, strX, strOff, fixedY, fixedX, fixedOff
	}
	// Windows past the input edge only exist with SCALE-Sim's ceil rule.
	edge := (c.P-1)*c.StrideH+c.R > c.H || (c.Q-1)*c.StrideW+c.S > c.W
	h, wd := int32(c.H), int32(c.W)
	buf := w.buf // a local copy the loop keeps in registers
	for fr := 0; fr < p.RowFolds && w.accesses < w.budget; fr++ {
		used := min(rows, p.Sr-fr*rows)
		fy, fx, fo := fixedY[fr*rows:fr*rows+used], fixedX[fr*rows:fr*rows+used], fixedOff[fr*rows:fr*rows+used]
		for l := 0; l < p.T+used-1 && w.accesses < w.budget; l++ {
			lo, hi := max(0, l-p.T+1), min(l, used-1)
			w.accesses += int64(hi - lo + 1)
			for i := lo; i <= hi; i++ {
				t := l - i
				if edge && (fy[i]+strY[t] >= h || fx[i]+strX[t] >= wd) {
					continue
				}
				buf.read(fo[i] + strOff[t])
			}
		}
	}
	w.buf = buf
}

// walkInputStationary walks the is stream: each fold loads its block of
// inputs (taps fr·rows.. × pixels fc·cols..) row by row, bottom tap first
// (SCALE-Sim flips the block so the top row enters last). It stops at the
// walker's budget.
func (w *ifmapWalker) walkInputStationary(p Plan) {
	c, rows, cols := w.c, p.Array.Rows, p.Array.Cols
	edge := (c.P-1)*c.StrideH+c.R > c.H || (c.Q-1)*c.StrideW+c.S > c.W
	h, wd := int32(c.H), int32(c.W)
	buf := w.buf // a local copy the loop keeps in registers
	for fc := 0; fc < p.ColFolds && w.accesses < w.budget; fc++ {
		usedCols := min(cols, p.Sc-fc*cols)
		py, px, po := w.pixY[fc*cols:fc*cols+usedCols], w.pixX[fc*cols:fc*cols+usedCols], w.pixOff[fc*cols:fc*cols+usedCols]
		for fr := 0; fr < p.RowFolds && w.accesses < w.budget; fr++ {
			usedRows := min(rows, p.Sr-fr*rows)
			for k := usedRows - 1; k >= 0 && w.accesses < w.budget; k-- {
				t := fr*rows + k
				ty, tx, to := w.tapR[t], w.tapS[t], w.tapOff[t]
				w.accesses += int64(usedCols)
				for j := range usedCols {
					if edge && (py[j]+ty >= h || px[j]+tx >= wd) {
						continue
					}
					buf.read(po[j] + to)
				}
			}
		}
	}
	w.buf = buf
}

// estimate returns the misses of a stream of n accesses: exact when all of
// it was walked, else scaled from the part that was.
func (w *ifmapWalker) estimate(n int64) int64 {
	if w.accesses >= n || w.accesses == 0 {
		return w.buf.misses
	}
	return int64(float64(w.buf.misses) * float64(n) / float64(w.accesses))
}

// ofmapDrain returns the words SCALE-Sim's OFMAP write buffer drains
// to DRAM for n output writes, with an SRAM of kb KB and the CALC-mode drain
// width of one array row (cols words per line).
//
// The buffer packs writes into lines of cols words. Once more than half of
// it is used it forces out the partial line being filled (padded with
// empty slots) and drains the next ceil(half/cols) lines, counting each
// drained line as full except for the empty slots of a chunk's last line.
// So the count is n plus the padding of every forced partial line that does
// not end a drain chunk; it depends on n and the sizes only.
func ofmapDrain(n int64, kb, cols int) int64 {
	const maxSystolicDrains = 1 << 16
	total := int64(1024 * kb)
	active := (total + 1) / 2
	width := int64(cols)
	chunk := (total - active + width - 1) / width // lines per drain
	type padded struct{ line, empty int64 }
	var pads []padded
	emptyAt := func(line int64) int64 {
		i := sort.Search(len(pads), func(i int) bool { return pads[i].line >= line })
		if i < len(pads) && pads[i].line == line {
			return pads[i].empty
		}
		return 0
	}
	free := total
	var stored, lines, fillIdx, drained, count int64
	store := func(k int64) {
		stored += k
		lines += (fillIdx + k) / width
		fillIdx = (fillIdx + k) % width
	}
	force := func() {
		if fillIdx > 0 {
			pads = append(pads, padded{lines, width - fillIdx})
			lines++
			fillIdx = 0
		}
	}
	var padCounted int64 // empty slots drained (and counted) so far
	next := 0            // first entry of pads not yet drained
	drain := func() {
		end := min(drained+chunk, lines)
		if end <= drained {
			return
		}
		got := (end-drained)*width - emptyAt(end-1)
		for ; next < len(pads) && pads[next].line < end; next++ {
			if pads[next].line < end-1 {
				padCounted += pads[next].empty
			}
		}
		count += got
		free += got
		drained = end
	}
	// Drain by drain; past maxSystolicDrains (only for absurd sizes) the
	// padding of the drains walked is extrapolated to the rest.
	var drains int64
	for {
		k := max(1, free-active+1) // writes until less than half is free
		if stored+k > n {
			break
		}
		if drains == maxSystolicDrains {
			return n + padCounted + int64(float64(padCounted)/float64(stored)*float64(n-stored))
		}
		store(k)
		free -= k
		force()
		drain()
		drains++
	}
	store(n - stored)
	force()
	for drained < lines {
		drain()
	}
	return count
}
