package systolic

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
)

// An independent reference for the systolic model: it builds SCALE-Sim v2's
// demand matrices literally (operand matrices sliced per fold, padded with
// null requests, flipped, given their fill/drain prefixes and suffixes and
// skewed, as compute/systolic_compute_{os,ws,is}.py do), moves the operands
// through a Rows×Cols grid of PE registers cycle by cycle, and feeds the
// demand lines, in order, to a rendering of SCALE-Sim's CALC-mode read
// buffer (its numbered sets and sliding active window) and of its write
// buffer (lines of Cols words, forced out and drained in chunks). Nothing
// here calls the model's code.

const (
	simNull   = -1 // no request in this slot (skew, fill, idle row or column)
	simPadded = -2 // an operand element whose window lies outside the input
)

// simMat is a dense matrix of operand-matrix indices (or simNull).
type simMat struct {
	r, c int
	d    []int32
}

func newSimMat(r, c int) simMat {
	m := simMat{r, c, make([]int32, r*c)}
	for i := range m.d {
		m.d[i] = simNull
	}
	return m
}

func (m simMat) at(i, j int) int32 { return m.d[i*m.c+j] }

func (m simMat) sub(r0, r1, c0, c1 int) simMat {
	o := newSimMat(r1-r0, c1-c0)
	for i := r0; i < r1; i++ {
		copy(o.d[(i-r0)*o.c:(i-r0+1)*o.c], m.d[i*m.c+c0:i*m.c+c1])
	}
	return o
}

func (m simMat) transpose() simMat {
	o := newSimMat(m.c, m.r)
	for i := 0; i < m.r; i++ {
		for j := 0; j < m.c; j++ {
			o.d[j*o.c+i] = m.at(i, j)
		}
	}
	return o
}

// pad appends null columns and rows up to r×c (np.concatenate with a -1 matrix).
func (m simMat) pad(r, c int) simMat {
	o := newSimMat(r, c)
	for i := 0; i < m.r; i++ {
		copy(o.d[i*c:i*c+m.c], m.d[i*m.c:(i+1)*m.c])
	}
	return o
}

func (m simMat) flipRows() simMat {
	o := newSimMat(m.r, m.c)
	for i := 0; i < m.r; i++ {
		copy(o.d[(m.r-1-i)*m.c:(m.r-i)*m.c], m.d[i*m.c:(i+1)*m.c])
	}
	return o
}

// simVcat stacks matrices; an int stands for that many null rows.
func simVcat(cols int, parts ...any) simMat {
	var d []int32
	for _, p := range parts {
		switch p := p.(type) {
		case simMat:
			if p.c != cols {
				panic("vcat: width mismatch")
			}
			d = append(d, p.d...)
		case int:
			for range p * cols {
				d = append(d, simNull)
			}
		}
	}
	return simMat{len(d) / cols, cols, d}
}

// skew shifts column j down by j rows, as SCALE-Sim's skew_matrix does.
func (m simMat) skew() simMat {
	o := newSimMat(m.r+m.c-1, m.c)
	for j := 0; j < m.c; j++ {
		for i := 0; i < m.r; i++ {
			o.d[(i+j)*o.c+j] = m.at(i, j)
		}
	}
	return o
}

// simConv holds a convolution's three operand matrices as SCALE-Sim's
// operand_matrix.py defines them: entries are indices into the matrix, and
// addr maps an index to its address (simPadded outside the input).
type simConv struct {
	c                      Conv
	pixels, window, m      int
	ifmap, filter, ofmap   simMat // index matrices
	ifmapAddr, filterAddr  []int32
	ifmapSpace, filterSize int
}

func newSimConv(c Conv) *simConv {
	s := &simConv{c: c, pixels: c.P * c.Q, window: c.R * c.S * c.C, m: c.M}
	s.ifmap, s.ifmapAddr = newSimMat(s.pixels, s.window), make([]int32, s.pixels*s.window)
	for p := 0; p < s.pixels; p++ {
		iy, ix := p/c.Q*c.StrideH, p%c.Q*c.StrideW
		for j := 0; j < s.window; j++ {
			idx := p*s.window + j
			s.ifmap.d[idx] = int32(idx)
			r, k := j/(c.S*c.C), j%(c.S*c.C)
			col, ch := k/c.C, k%c.C
			if iy+r >= c.H || ix+col >= c.W {
				s.ifmapAddr[idx] = simPadded
			} else {
				s.ifmapAddr[idx] = int32((iy+r)*c.W*c.C + (ix+col)*c.C + ch)
			}
		}
	}
	s.filter, s.filterAddr = newSimMat(s.window, s.m), make([]int32, s.window*s.m)
	for i := 0; i < s.window; i++ {
		for j := 0; j < s.m; j++ {
			idx := i*s.m + j
			s.filter.d[idx] = int32(idx)
			s.filterAddr[idx] = int32(j*s.window + i)
		}
	}
	s.ofmap = newSimMat(s.pixels, s.m)
	for i := range s.ofmap.d {
		s.ofmap.d[i] = int32(i)
	}
	s.ifmapSpace, s.filterSize = c.H*c.W*c.C, s.window*s.m
	return s
}

// simFold is one fold's three demand matrices (one line per cycle).
type simFold struct {
	fr, fc, rowStart, rowEnd, colStart, colEnd int
	ifmap, filter, ofmap                       simMat
}

// demand builds fold (fr, fc)'s demand matrices the way SCALE-Sim's
// create_{ifmap,filter,ofmap}_demand_mat do for the dataflow.
func (s *simConv) demand(a Array, sr, sc, t, fr, fc int) simFold {
	rows, cols := a.Rows, a.Cols
	f := simFold{fr: fr, fc: fc, rowStart: fr * rows, colStart: fc * cols}
	f.rowEnd, f.colEnd = min(f.rowStart+rows, sr), min(f.colStart+cols, sc)
	switch a.Dataflow {
	case accel.OutputStationary:
		ift := s.ifmap.sub(f.rowStart, f.rowEnd, 0, s.window).transpose()
		f.ifmap = simVcat(rows, ift.pad(t, rows), cols-1).skew()
		f.filter = simVcat(cols, s.filter.sub(0, s.window, f.colStart, f.colEnd).pad(t, cols), rows-1).skew()
		of := s.ofmap.sub(f.rowStart, f.rowEnd, f.colStart, f.colEnd).pad(rows, cols).flipRows()
		f.ofmap = simVcat(cols, t-1, of).skew()
	case accel.WeightStationary:
		f.ifmap = simVcat(rows, rows, s.ifmap.sub(0, s.pixels, f.rowStart, f.rowEnd).pad(t, rows), cols-1).skew()
		w := s.filter.sub(f.rowStart, f.rowEnd, f.colStart, f.colEnd).pad(rows, cols).flipRows()
		f.filter = simVcat(cols, w, rows+cols+t-2)
		f.ofmap = simVcat(cols, 2*rows-1, s.ofmap.sub(0, s.pixels, f.colStart, f.colEnd).pad(t, cols)).skew()
	default:
		in := s.ifmap.sub(f.colStart, f.colEnd, f.rowStart, f.rowEnd).transpose().pad(rows, cols).flipRows()
		f.ifmap = simVcat(cols, in, rows+cols+t-2)
		ft := s.filter.sub(f.rowStart, f.rowEnd, 0, s.m).transpose()
		f.filter = simVcat(rows, rows, ft.pad(t, rows), cols-1).skew()
		f.ofmap = simVcat(cols, 2*rows-1, s.ofmap.sub(f.colStart, f.colEnd, 0, s.m).transpose().pad(t, cols)).skew()
	}
	return f
}

// simReadBuffer renders memory/read_buffer_estimate_bw.py: new addresses
// go into numbered sets of itemsPerSet; the active window is 50 set ids;
// when the set after the window's last is started, the sets are
// "prefetched" (counted as DRAM reads) and the window moves 50 sets on.
type simReadBuffer struct {
	itemsPerSet, activeSets int
	setOf                   []int32 // set id each address was last put in, -1 for never
	setSize                 []int
	current, inCurrent      int
	readStart, readEnd      int
	prefetchStart           int
	activeDone              bool
	dramReads               int64
}

func newSimReadBuffer(kb, space int) *simReadBuffer {
	total := 1024 * kb
	b := &simReadBuffer{itemsPerSet: total / 100, activeSets: 50, setOf: make([]int32, space)}
	for i := range b.setOf {
		b.setOf[i] = -1
	}
	b.readEnd = b.activeSets - 1
	return b
}

func (b *simReadBuffer) hit(addr int32) bool {
	id := int(b.setOf[addr])
	end := min(b.current, b.readEnd+1)
	return id >= b.readStart && id < end
}

func (b *simReadBuffer) prefetch(from, to int) {
	for id := from; id <= to; id++ {
		b.dramReads += int64(b.setSize[id])
	}
}

func (b *simReadBuffer) read(addr int32) {
	if addr < 0 || b.hit(addr) || int(b.setOf[addr]) == b.current {
		return
	}
	b.setOf[addr] = int32(b.current)
	if b.inCurrent++; b.inCurrent < b.itemsPerSet {
		return
	}
	b.setSize = append(b.setSize, b.inCurrent)
	b.inCurrent = 0
	b.current++
	if b.current != b.readEnd+1 {
		return
	}
	if !b.activeDone {
		b.prefetch(0, b.activeSets-1)
		b.prefetchStart = b.readEnd + 1
		b.activeDone = true
	} else {
		b.prefetch(b.prefetchStart, b.prefetchStart+b.activeSets-1)
		b.prefetchStart += b.activeSets
	}
	b.readStart += b.activeSets
	b.readEnd += b.activeSets
}

// finish is complete_all_prefetches.
func (b *simReadBuffer) finish() {
	if b.inCurrent > 0 {
		b.setSize = append(b.setSize, b.inCurrent)
	} else {
		b.current--
	}
	if !b.activeDone {
		b.prefetch(0, b.current)
	} else {
		b.prefetch(b.prefetchStart, b.current)
	}
}

// simWriteBuffer renders memory/write_buffer.py: writes are packed in
// lines of width words; when less than the active half is free, the line
// being filled is forced out (padded) and ceil(drain half/width) lines are
// drained, each counted full except the empty slots of the chunk's last
// line.
type simWriteBuffer struct {
	total, active, drainSize, width int
	free                            int
	lineFill                        int
	lines                           []int // words in each line pushed out so far
	drainStart                      int
	drainEnd                        int // cycle the last drain finished
	dramWrites                      int64
}

func newSimWriteBuffer(kb, width int) *simWriteBuffer {
	total := 1024 * kb
	active := (total + 1) / 2
	return &simWriteBuffer{total: total, active: active, drainSize: total - active, width: width, free: total}
}

func (b *simWriteBuffer) push() {
	if b.lineFill > 0 {
		b.lines = append(b.lines, b.lineFill)
		b.lineFill = 0
	}
}

func (b *simWriteBuffer) drain(cycle int) int {
	n := (b.drainSize + b.width - 1) / b.width
	end := min(b.drainStart+n, len(b.lines))
	if end <= b.drainStart {
		return cycle
	}
	got := (end-b.drainStart)*b.width - (b.width - b.lines[end-1])
	b.dramWrites += int64(got)
	b.free += got
	done := cycle + end - b.drainStart - 1
	b.drainStart = end
	return done
}

func (b *simWriteBuffer) writeLine(line []int32, cycle int) {
	for _, e := range line {
		if e == simNull {
			continue
		}
		b.free--
		if b.lineFill++; b.lineFill == b.width {
			b.push()
		}
		if cycle < b.drainEnd {
			continue // a drain is under way; SCALE-Sim only stalls when full
		}
		if b.free < b.active {
			b.push()
			b.drainEnd = b.drain(cycle)
			cycle = b.drainEnd
		}
	}
}

func (b *simWriteBuffer) finish(cycle int) {
	b.push()
	for b.drainStart < len(b.lines) {
		cycle = b.drain(cycle) + 1
	}
}

// simResult is what the reference measures.
type simResult struct {
	lines                                  int64 // demand lines = cycles
	macs                                   int64
	peLevel                                bool // operands were moved through the PE grid
	sramIfmap, sramFilter, sramOfmap       int64
	dramIfmap, dramFilter, dramOfmap       int64
	ofmapReal                              int64
	lastMACCycle, lastOfmapCycle, foldsRun int64
}

// simulate runs conv through the reference. With peLevel it also moves every
// operand through the PE registers and checks the array computes every
// output from matching operands.
func simulate(t testing.TB, a Array, conv Conv, peLevel bool) simResult {
	t.Helper()
	s := newSimConv(conv)
	var sr, sc, tt int
	switch a.Dataflow {
	case accel.OutputStationary:
		sr, sc, tt = s.pixels, s.m, s.window
	case accel.WeightStationary:
		sr, sc, tt = s.window, s.m, s.pixels
	default:
		sr, sc, tt = s.window, s.pixels, s.m
	}
	rf, cf := (sr+a.Rows-1)/a.Rows, (sc+a.Cols-1)/a.Cols
	ifBuf := newSimReadBuffer(a.IfmapSRAMKB, s.ifmapSpace)
	ftBuf := newSimReadBuffer(a.FilterSRAMKB, s.filterSize)
	ofBuf := newSimWriteBuffer(a.OfmapSRAMKB, a.Cols)
	res := simResult{peLevel: peLevel}
	var cycle int
	for fc := 0; fc < cf; fc++ {
		for fr := 0; fr < rf; fr++ {
			f := s.demand(a, sr, sc, tt, fr, fc)
			if f.ifmap.r != f.filter.r || f.ofmap.r != f.filter.r {
				t.Fatalf("fold (%d,%d): demand lines ifmap %d filter %d ofmap %d out of sync", fr, fc, f.ifmap.r, f.filter.r, f.ofmap.r)
			}
			if a.Dataflow == accel.OutputStationary {
				res.sramOfmap += int64(a.Rows + a.Cols) // SCALE-Sim's bookkeeping term, see systolic.go
			}
			for l := 0; l < f.ifmap.r; l++ {
				for _, idx := range f.ifmap.d[l*f.ifmap.c : (l+1)*f.ifmap.c] {
					if idx != simNull {
						res.sramIfmap++
						ifBuf.read(s.ifmapAddr[idx])
					}
				}
				for _, idx := range f.filter.d[l*f.filter.c : (l+1)*f.filter.c] {
					if idx != simNull {
						res.sramFilter++
						ftBuf.read(s.filterAddr[idx])
					}
				}
				row := f.ofmap.d[l*f.ofmap.c : (l+1)*f.ofmap.c]
				for _, idx := range row {
					if idx != simNull {
						res.sramOfmap++
						res.ofmapReal++
						res.lastOfmapCycle = int64(cycle + l)
					}
				}
				ofBuf.writeLine(row, cycle+l)
			}
			if peLevel {
				s.runPEs(t, a, f, tt, int64(cycle), &res)
			}
			cycle += f.ifmap.r
			res.foldsRun++
		}
	}
	ifBuf.finish()
	ftBuf.finish()
	ofBuf.finish(cycle - 1)
	res.lines = int64(cycle)
	res.dramIfmap, res.dramFilter, res.dramOfmap = ifBuf.dramReads, ftBuf.dramReads, ofBuf.dramWrites
	return res
}

// runPEs moves one fold's operands through the array, one demand line per
// cycle: streamed operands enter the left edge (row i from column i of
// their demand matrix) and move one PE right per cycle; os filters enter
// the top and move down; ws/is stationary operands are shifted in from the
// top during the first Rows lines and then stay; partial sums move down and
// leave the bottom row. Every MAC must pair operands of the same tap (os,
// ws) or filter (is) and belong to the output the PE is building.
func (s *simConv) runPEs(t testing.TB, a Array, f simFold, tt int, start int64, res *simResult) {
	rows, cols := a.Rows, a.Cols
	grid := func() []int32 {
		g := make([]int32, rows*cols)
		for i := range g {
			g[i] = simNull
		}
		return g
	}
	left, top := grid(), grid() // operands moving right, and down (os) or stationary (ws, is)
	psum, count := grid(), make([]int32, rows*cols)
	macs := make([]int32, rows*cols)
	usedRows, usedCols := f.rowEnd-f.rowStart, f.colEnd-f.colStart
	var streamIn, downIn simMat // matrices feeding the left edge and the top edge
	switch a.Dataflow {
	case accel.OutputStationary:
		streamIn, downIn = f.ifmap, f.filter
	case accel.WeightStationary:
		streamIn, downIn = f.ifmap, f.filter
	default:
		streamIn, downIn = f.filter, f.ifmap
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s %s fold (%d,%d): %s", a.Dataflow, s.c.Name, f.fr, f.fc, fmt.Sprintf(format, args...))
	}
	for l := 0; l < f.ifmap.r; l++ {
		for i := 0; i < rows; i++ {
			copy(left[i*cols+1:(i+1)*cols], left[i*cols:(i+1)*cols-1])
			left[i*cols] = streamIn.at(l, i)
		}
		if a.Dataflow == accel.OutputStationary || l < rows {
			copy(top[cols:], top[:(rows-1)*cols])
			copy(top[:cols], downIn.d[l*cols:(l+1)*cols])
		} else if slices.ContainsFunc(downIn.d[l*cols:(l+1)*cols], func(v int32) bool { return v != simNull }) {
			fail("stationary operand demanded at line %d, after the load phase", l)
		}
		if a.Dataflow != accel.OutputStationary {
			copy(psum[cols:], psum[:(rows-1)*cols])
			copy(count[cols:], count[:(rows-1)*cols])
			for j := 0; j < cols; j++ {
				psum[j], count[j] = simNull, 0
			}
		}
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				k := i*cols + j
				x, y := left[k], top[k]
				if x == simNull || y == simNull {
					if (x == simNull) != (y == simNull) && a.Dataflow == accel.OutputStationary && i < usedRows && j < usedCols {
						fail("PE (%d,%d) got one operand at line %d", i, j, l)
					}
					continue
				}
				var out int32 // the output this MAC contributes to, as an ofmap index
				switch a.Dataflow {
				case accel.OutputStationary: // x: ifmap (pixel, tap); y: filter (tap, m)
					p, tapX := int(x)/s.window, int(x)%s.window
					tapY, m := int(y)/s.m, int(y)%s.m
					if tapX != tapY || p != f.rowStart+i || m != f.colStart+j {
						fail("PE (%d,%d) line %d pairs ifmap (px %d, tap %d) with filter (tap %d, m %d)", i, j, l, p, tapX, tapY, m)
					}
					out = int32(p*s.m + m)
				case accel.WeightStationary: // x: ifmap (pixel, tap); y: weight (tap, m)
					p, tapX := int(x)/s.window, int(x)%s.window
					tapY, m := int(y)/s.m, int(y)%s.m
					if tapX != tapY || tapY != f.rowStart+i || m != f.colStart+j {
						fail("PE (%d,%d) line %d pairs ifmap tap %d with weight (tap %d, m %d)", i, j, l, tapX, tapY, m)
					}
					out = int32(p*s.m + m)
				default: // x: filter (tap, m); y: input (pixel, tap)
					tapX, m := int(x)/s.m, int(x)%s.m
					p, tapY := int(y)/s.window, int(y)%s.window
					if tapX != tapY || tapY != f.rowStart+i || p != f.colStart+j {
						fail("PE (%d,%d) line %d pairs filter tap %d with input (px %d, tap %d)", i, j, l, tapX, p, tapY)
					}
					out = int32(p*s.m + m)
				}
				if a.Dataflow != accel.OutputStationary {
					if psum[k] != simNull && psum[k] != out || psum[k] == simNull && i != 0 {
						fail("PE (%d,%d) line %d adds to output %d a partial sum of %d", i, j, l, out, psum[k])
					}
					psum[k] = out
					count[k]++
				}
				macs[k]++
				res.macs++
				res.lastMACCycle = start + int64(l)
			}
		}
		if a.Dataflow != accel.OutputStationary { // sums leaving the bottom row this cycle
			for j := 0; j < cols; j++ {
				k := (rows-1)*cols + j
				if psum[k] == simNull {
					continue
				}
				if int(count[k]) != usedRows || f.ofmap.at(l, j) != psum[k] {
					fail("column %d line %d: sum of %d terms for output %d leaves while SCALE-Sim writes %d", j, l, count[k], psum[k], f.ofmap.at(l, j))
				}
			}
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			want := int32(0)
			if i < usedRows && j < usedCols {
				want = int32(tt)
			}
			if macs[i*cols+j] != want {
				fail("PE (%d,%d) did %d MACs, want %d", i, j, macs[i*cols+j], want)
			}
		}
	}
}

// TestSystolicFoldAccessesAt checks the per-cycle accesses a visualisation
// animates against the reference's demand matrices, line by line, fold by
// fold, and that os outputs leave where SCALE-Sim writes them: the bottom
// PE row's at cycle T−1+j, before its last MAC at T−1+Rows−1+j (the quirk
// core/accel/scalesim/testdata/README.md describes).
func TestSystolicFoldAccessesAt(t *testing.T) {
	conv := ScaleSimConv("c", 9, 8, 3, 2, 3, 5, 2, 1)
	forEachSystolicPlan(t, conv, func(a Array, p Plan) {
		df, shape := a.Dataflow, [2]int{a.Rows, a.Cols}
		s := newSimConv(conv)
		for k := range p.Folds() {
			fold := p.Fold(k)
			f := s.demand(a, p.Sr, p.Sc, p.T, fold.RowFold, fold.ColFold)
			if f.ifmap.r != p.CyclesPerFold {
				t.Fatalf("%s %v fold %d: reference has %d lines, plan %d cycles", df, shape, k, f.ifmap.r, p.CyclesPerFold)
			}
			count := func(m simMat, l int) int {
				n := 0
				for _, v := range m.d[l*m.c : (l+1)*m.c] {
					if v != simNull {
						n++
					}
				}
				return n
			}
			for l := range p.CyclesPerFold {
				wantOf := count(f.ofmap, l)
				if df == accel.OutputStationary && l == p.CyclesPerFold-1 {
					wantOf += a.Rows + a.Cols
				}
				i, fl, o := p.FoldAccessesAt(k, l)
				if i != count(f.ifmap, l) || fl != count(f.filter, l) || o != wantOf {
					t.Fatalf("%s %v fold %d cycle %d: FoldAccessesAt = %d, %d, %d; reference %d, %d, %d",
						df, shape, k, l, i, fl, o, count(f.ifmap, l), count(f.filter, l), wantOf)
				}
			}
			if df == accel.OutputStationary && fold.UsedRows == a.Rows {
				bottom := int32((f.rowStart+a.Rows-1)*s.m + f.colStart)
				if got := f.ofmap.at(p.T-1, 0); got != bottom {
					t.Errorf("%v fold %d: os writes %d at cycle T−1, want the bottom row's output %d", shape, k, got, bottom)
				}
				if !p.PEActive(k, p.T-1+a.Rows-1, a.Rows-1, 0) {
					t.Errorf("%v fold %d: bottom-left PE not busy at T−1+Rows−1", shape, k)
				}
			}
		}
	})
}
