package viz

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/report"
)

func TestNestLinesHighlightTheCarry(t *testing.T) {
	p := loopnest.ConvProblem(accel.Layer{N: 1, InC: 1, K: 1, H: 1, W: 18, R: 1, S: 3})
	q, s := p.DimIndex("Q"), p.DimIndex("S")
	m := &loopnest.Mapping{Levels: []loopnest.MappingLevel{
		{Name: "MainMemory", Keep: 7, Temporal: []loopnest.Loop{{Dim: q, Factor: 16}}},
		{Name: "Buffer", Keep: 7, Temporal: []loopnest.Loop{{Dim: s, Factor: 3}}},
	}}
	a, err := NewLayerAnim(p, m)
	if err != nil {
		t.Fatal(err)
	}
	if a.Carry() != -1 {
		t.Errorf("carry before the walk = %d, want -1", a.Carry())
	}
	a.Advance(4) // steps 0..3: Q=1, S=0 — the Q loop advanced last
	lines := NestLines(p, m, a.Index(), a.Carry())
	want := []string{"MainMemory [ Weights Inputs Outputs ]", "for Q in [0:16)   Q=1", "Buffer [ Weights Inputs Outputs ]", "for S in [0:3)   S=0", "<< Compute >>"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i, ln := range lines {
		if ln.Text != want[i] {
			t.Errorf("line %d = %q, want %q", i, ln.Text, want[i])
		}
		if ln.Current != (i == 1) {
			t.Errorf("line %d current = %v", i, ln.Current)
		}
	}
	if done, total := a.Accumulation(); done != 1 || total != 3 {
		t.Errorf("at S=0: partial sum %d of %d steps, want 1 of 3 (S is the reduction)", done, total)
	}
	a.Advance(1) // S=1: the inner loop advanced
	if done, total := a.Accumulation(); done != 2 || total != 3 {
		t.Errorf("at S=1: partial sum %d of %d steps, want 2 of 3", done, total)
	}
	if lines := NestLines(p, m, a.Index(), a.Carry()); !lines[3].Current || lines[1].Current || lines[3].Index != 1 {
		t.Errorf("after one more step: %+v", lines)
	}
	// One iteration of the outer loop is three steps of the inner one.
	before := a.Walked()
	if n := a.AdvanceIteration(100); n != 2 || a.Walked() != before+2 || a.Index()[0] != 2 {
		t.Errorf("AdvanceIteration walked %d steps to Q=%d; want 2 steps to Q=2", n, a.Index()[0])
	}
}

func TestNoCWiresPerDataflow(t *testing.T) {
	g := LayoutPEGrid(4, 5, Rect{0, 0, 400, 300}, 12)
	tests := []struct {
		df       accel.Dataflow
		systolic bool
		want     map[WireKind]int
		carries  [3]bool // weights, inputs, outputs on wires
	}{
		{accel.WeightStationary, false, map[WireKind]int{Multicast: 4, ColumnBus: 5}, [3]bool{false, true, true}},
		{accel.WeightStationary, true, map[WireKind]int{Systolic: 4*4 + 5*3}, [3]bool{false, true, true}},
		{accel.OutputStationary, false, map[WireKind]int{Multicast: 4, ColumnBus: 5}, [3]bool{true, true, false}},
		{accel.InputStationary, false, map[WireKind]int{Multicast: 4, ColumnBus: 5}, [3]bool{true, false, true}},
		{accel.RowStationary, false, map[WireKind]int{Multicast: 4, ColumnBus: 5, Diagonal: 4 + 5 - 2}, [3]bool{true, true, true}},
	}
	for _, tt := range tests {
		wires := NoC(g, tt.df, tt.systolic)
		got := map[WireKind]int{}
		var carries [3]bool
		for _, w := range wires {
			got[w.Kind]++
			carries[w.DataSpace] = true
			// No bus or link passes through a cell's centre (where the
			// tests and the eye find a PE); diagonals are drawn under the
			// cells and show in the gaps.
			for _, c := range g.Cells {
				cx, cy := c.Center()
				if !w.Under() && distToSegment(cx, cy, w) < 1 {
					t.Fatalf("%s: wire %+v crosses the centre of cell %+v", tt.df, w, c)
				}
				if distToSegment(c.X+c.W+1, cy, w) < 1.5 {
					t.Fatalf("%s: wire %+v crosses the gap right of cell %+v at its centre's height", tt.df, w, c)
				}
			}
		}
		for k, n := range tt.want {
			if got[k] != n {
				t.Errorf("%s systolic=%v: %d %s wires, want %d", tt.df, tt.systolic, got[k], k, n)
			}
		}
		if carries != tt.carries {
			t.Errorf("%s: wires carry %v, want %v (the stationary operand stays in the PEs)", tt.df, carries, tt.carries)
		}
	}
}

func distToSegment(x, y float64, w Wire) float64 {
	dx, dy := w.X1-w.X0, w.Y1-w.Y0
	u := ((x-w.X0)*dx + (y-w.Y0)*dy) / (dx*dx + dy*dy)
	u = math.Max(0, math.Min(1, u))
	return math.Hypot(x-(w.X0+u*dx), y-(w.Y0+u*dy))
}

func TestSequentialScale(t *testing.T) {
	prev := math.Inf(1)
	for i := 0; i <= 100; i++ {
		l := Luminance(Sequential(float64(i) / 100))
		if l > prev {
			t.Fatalf("luminance rises at t=%v: %v after %v", float64(i)/100, l, prev)
		}
		prev = l
	}
	if lo, hi := Luminance(Sequential(1)), Luminance(Sequential(0)); (hi+0.05)/(lo+0.05) < 7 {
		t.Errorf("contrast between the ends is %.1f:1; want at least 7:1", (hi+0.05)/(lo+0.05))
	}
	if Sequential(math.NaN()) != Sequential(0) || Sequential(-1) != Sequential(0) || Sequential(2) != Sequential(1) {
		t.Error("out-of-range values are not clamped")
	}
	if TextOn(Sequential(1)) == Ink || TextOn(Sequential(0)) != Ink {
		t.Error("text colour does not contrast with the cell")
	}
}

func TestLayoutsFitTheScreen(t *testing.T) {
	for _, sz := range [][2]float64{{1280, 720}, {950, 400}, {768, 1024}} {
		for _, chunks := range []int{0, 3} {
			l := LayoutAccel(sz[0], sz[1], 13, 16, 16, chunks)
			inside := func(name string, r Rect) {
				if r.W <= 0 || r.H <= 0 || r.X < 0 || r.Y < 0 || r.X+r.W > sz[0]+0.5 || r.Y+r.H > sz[1]+0.5 {
					t.Errorf("%v chunks=%d: %s %+v is empty or off screen", sz, chunks, name, r)
				}
			}
			for i, m := range l.Memory {
				_ = i
				inside("memory", m)
			}
			inside("grid", l.Grid.Frame)
			inside("nest", l.Nest)
			inside("counters", l.Counters)
			if chunks > 0 {
				inside("gantt", l.Gantt)
				if l.Grid.Frame.Y+l.Grid.Frame.H > l.Gantt.Y {
					t.Errorf("%v: the array overlaps the Gantt chart", sz)
				}
			}
			if len(l.Grid.Cells) != 256 {
				t.Errorf("%v: %d cells", sz, len(l.Grid.Cells))
			}
			for _, p := range []Rect{l.Memory[0], l.Memory[1], l.Memory[2], l.Nest, l.Counters, l.Legend} {
				if overlap(l.Grid.Frame, p) {
					t.Errorf("%v: the array %+v overlaps the panel %+v", sz, l.Grid.Frame, p)
				}
			}
			if overlap(l.Nest, l.Counters) {
				t.Errorf("%v: the loop nest %+v and the counters %+v overlap", sz, l.Nest, l.Counters)
			}
			// On a portrait screen the panels go under the array, which
			// gets the width: a 16 × 16 array's cells stay big enough to
			// tap (with the panels beside it they were 14 px here).
			if portrait := sz[1] > sz[0]; portrait && (l.Nest.Y < l.Grid.Frame.Y+l.Grid.Frame.H || l.Grid.Cells[0].W < 20) {
				t.Errorf("%v: portrait, yet the array %+v (cells %.0f px) is beside the panels", sz, l.Grid.Frame, l.Grid.Cells[0].W)
			}
			s := LayoutSearch(sz[0], sz[1], 13)
			inside("heatmap", s.Heatmap)
			inside("accelerator distributions", s.HWDist)
			if s.HWDist.Y < s.HeatLegend.Y+s.HeatLegend.H || s.Heatmap.Y+s.Heatmap.H > s.HeatLegend.Y {
				t.Errorf("%v: heatmap %+v, its legend %+v and the distributions %+v overlap", sz, s.Heatmap, s.HeatLegend, s.HWDist)
			}
			inside("pareto", s.Pareto)
			for _, c := range s.Curves {
				inside("curve", c)
			}
		}
	}
}

func TestHeatCells(t *testing.T) {
	cells := HeatCells(Rect{10, 10, 300, 200}, 4, 7, 40, 20)
	if len(cells) != 28 {
		t.Fatalf("%d cells", len(cells))
	}
	for i, c := range cells {
		if c.X < 50 || c.Y < 30 || c.X+c.W > 310 || c.Y+c.H > 210 || c.W < 1 || c.H < 1 {
			t.Errorf("cell %d %+v outside the plot", i, c)
		}
	}
	if cells[1].X <= cells[0].X+cells[0].W-0.5 || cells[7].Y <= cells[0].Y+cells[0].H-0.5 {
		t.Error("cells overlap")
	}
}

func TestGantt(t *testing.T) {
	w := Workload{Chunks: make([]accel.SubAccel, 2)}
	costs := []accel.LayerCost{{Layer: "a", Chunk: 0, Cycles: 100}, {Layer: "b", Chunk: 1, Cycles: 300}, {Layer: "c", Chunk: 0, Cycles: 150}, {Layer: "fc", Chunk: -1}}
	for i := range costs {
		w.Layers = append(w.Layers, LayerSpec{Layer: accel.Layer{Name: costs[i].Layer}, Cost: &costs[i]})
	}
	g := LayoutGantt(&w, Rect{0, 0, 500, 100}, 100)
	if len(g.Bars) != 3 || g.Bottleneck != 1 || g.Totals[0] != 250 || g.Totals[1] != 300 {
		t.Fatalf("bars %d, bottleneck %d, totals %v; want 3 bars, chunk 1 (300 cycles) the bottleneck", len(g.Bars), g.Bottleneck, g.Totals)
	}
	c := g.Bars[2]
	if c.Start != 100 || math.Abs(c.Rect.X-(100+100.0/300*400)) > 1e-9 || math.Abs(c.Rect.W-150.0/300*400) > 1e-9 {
		t.Errorf("layer c starts at %v cycles, drawn at %+v", c.Start, c.Rect)
	}
	if i := g.BarAt(g.Bars[1].Rect.Center()); i != 1 {
		t.Errorf("BarAt(centre of bar 1) = %d", i)
	}
}

// TestResultWorkload shows a small result's design: every layer whose shape
// the result's lowered network gives has the result's MACs, and the walk
// uses the design's own tiling.
func TestResultWorkload(t *testing.T) {
	v := NewAccelView(accel.Presets()[0])
	r := sampleResult(t)
	if err := v.ShowResult(r); err != nil {
		t.Fatal(err)
	}
	st := v.State()
	if st.Source != "result" || st.Gantt == nil || st.Gantt.Bars != 5 || len(st.Layers) != 6 {
		t.Fatalf("state %+v", st)
	}
	if st.Gantt.Bottleneck != 1 {
		t.Errorf("bottleneck chunk %d, want 1", st.Gantt.Bottleneck)
	}
	known := 0
	for i, l := range v.Work.Layers {
		if l.Known {
			known++
			if l.Layer.MACs() != l.Cost.MACs {
				t.Errorf("layer %d %s: %d MACs, result says %d", i, l.Layer.Name, l.Layer.MACs(), l.Cost.MACs)
			}
		}
	}
	if known != 4 { // stem, b1.pw1, b1.dw, b1.pw2; the head's shape is not in the result
		t.Errorf("%d layers with a known shape, want 4", known)
	}
	if st.Mapping != "design" || st.Cycles == 0 || st.Error != "" {
		t.Errorf("first layer: mapping %q, %d cycles, error %q", st.Mapping, st.Cycles, st.Error)
	}
	v.Finish()
	for range 1000 {
		v.Update(1.0 / 60)
	}
	st = v.State()
	if !st.Done {
		t.Fatal("Finish did not reach the end of the layer")
	}
	for _, c := range st.Counters {
		if c.Reads != c.ModelReads || c.Fills != c.ModelFills || c.Updates != c.ModelUpdates {
			t.Errorf("%s %s ends on %d/%d/%d, model %d/%d/%d", c.Level, c.DataSpace, c.Reads, c.Fills, c.Updates, c.ModelReads, c.ModelFills, c.ModelUpdates)
		}
	}
	if _, err := json.Marshal(st); err != nil {
		t.Error(err)
	}
}

func sampleResult(t *testing.T) *report.Result {
	t.Helper()
	d := &accel.Design{Name: "found", Platform: "zc706", Pad: true, Chunks: []accel.SubAccel{
		{Name: "c0", Rows: 4, Cols: 8, Dataflow: accel.OutputStationary, Bits: 8, Unroll: accel.Extents{accel.DimK: 8, accel.DimP: 4}},
		{Name: "c1", Rows: 8, Cols: 8, Dataflow: accel.WeightStationary, Bits: 8, Unroll: accel.Extents{accel.DimK: 8, accel.DimC: 8}},
	}}
	dj, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	in, mid, out := 8, 24, 16
	layers := []accel.LayerCost{
		{Layer: "stem", Chunk: 0, Cycles: 500, MACs: int64(1 * in * 14 * 14 * 9)},
		{Layer: "b1.pw1", Chunk: 1, Cycles: 900, MACs: int64(in * mid * 14 * 14)},
		{Layer: "b1.dw", Chunk: 0, Cycles: 300, MACs: int64(mid * 7 * 7 * 9)},
		{Layer: "b1.pw2", Chunk: 1, Cycles: 400, MACs: int64(mid * out * 7 * 7)},
		{Layer: "head", Chunk: 0, Cycles: 200, MACs: int64(out * 32 * 7 * 7)},
		{Layer: "fc", Chunk: -1, MACs: 32 * 10},
	}
	lj, _ := json.Marshal(layers)
	// The lowered network gives the shapes of stem and block b1; the head's
	// is missing, so the view shows it unknown.
	src := `{"network":{"ops":["k3_e3"],"blocks":[{"name":"b1","op":"k3_e3","in":8,"out":16,"stride":2,"h":14,"w":14}],
	"layers":[
	 {"name":"stem","in_c":1,"k":8,"h":14,"w":14,"r":3,"s":3,"pad":1,"role":"stem"},
	 {"name":"b1.pw1","in_c":8,"k":24,"h":14,"w":14,"r":1,"s":1,"block":"b1"},
	 {"name":"b1.dw","in_c":24,"k":24,"h":14,"w":14,"r":3,"s":3,"stride":2,"pad":1,"groups":24,"block":"b1"},
	 {"name":"b1.pw2","in_c":24,"k":16,"h":7,"w":7,"r":1,"s":1,"block":"b1"}]},
	"accelerator":` + string(dj) + `,"metrics":{"accuracy":0.9,"fps":1000},"layers":` + string(lj) + `}`
	r, err := report.ParseResult([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if r.Accelerator == nil || len(r.Accelerator.Chunks) != 2 || r.Accelerator.Chunks[1].Name != "c1" {
		t.Fatal("the design did not survive decoding")
	}
	return r
}

func TestSearchView(t *testing.T) {
	var v SearchView
	probs := [][]float64{{0.1, 0.5, 0.1, 0.1, 0.1, 0.05, 0.05}, {0.7, 0, 0, 0, 0, 0.1, 0.2}}
	v.push(SearchPoint{Step: 1, Acc: 0.5, HasHW: true, FPS: 100}, probs, []string{"k3_e3", "k3_e1"})
	v.push(SearchPoint{Step: 2, Acc: 0.6, HasHW: true, FPS: 90}, probs, nil)
	v.push(SearchPoint{Step: 3, Acc: 0.55, HasHW: true, FPS: 80}, probs, nil) // dominated by step 2
	st := v.State()
	if st.Blocks != 2 || st.Ops != 7 || st.OpNames[1] != "k3_e3" || st.Argmax[0] != 1 || st.Argmax[1] != 0 {
		t.Errorf("heatmap state %+v", st)
	}
	if st.ScaleLo != 0 || st.ScaleHi != 0.7 {
		t.Errorf("heatmap range %v..%v, want the probabilities' 0..0.7", st.ScaleLo, st.ScaleHi)
	}
	var near SearchView
	near.push(SearchPoint{Step: 1}, [][]float64{{0.5, 0.52}}, nil)
	if lo, hi := near.ProbRange(); lo != 0.5 || math.Abs(hi-lo-MinProbSpan) > 1e-12 {
		t.Errorf("near-equal probabilities: range %v..%v, want %v wide from 0.5", lo, hi, MinProbSpan)
	}
	if st.Trail != 3 || len(st.Front) != 2 || st.Front[0].FPS != 100 || st.Front[1].Acc != 0.6 {
		t.Errorf("trail %d, front %+v", st.Trail, st.Front)
	}
	// Op names that disagree with the path fall back to numbers.
	v.push(SearchPoint{Step: 4}, probs, []string{"skip", "skip"})
	if v.OpNames[0] != "op 0" {
		t.Errorf("op names %v for a path that does not match FBNet's order", v.OpNames)
	}
	// A step going back means a new search: the history restarts.
	v.push(SearchPoint{Step: 1}, nil, nil)
	if len(v.Points) != 1 {
		t.Errorf("%d points after a restart", len(v.Points))
	}
	for i := range MaxSearchPoints + 10 {
		v.push(SearchPoint{Step: 2 + i}, nil, nil)
	}
	if len(v.Points) > MaxSearchPoints || v.Points[len(v.Points)-1].Step != MaxSearchPoints+11 {
		t.Errorf("history of %d points ending at step %d", len(v.Points), v.Points[len(v.Points)-1].Step)
	}
}

func TestAxisAndRange(t *testing.T) {
	lo, hi, ok := Range([]float64{2, 4, math.NaN()})
	if !ok || lo != 1.9 || hi != 4.1 {
		t.Errorf("Range = %v %v %v", lo, hi, ok)
	}
	if lo, hi, _ := Range([]float64{3}); lo >= 3 || hi <= 3 {
		t.Errorf("constant range %v..%v does not contain 3", lo, hi)
	}
	a := Axis{Min: 10, Max: 1000, Lo: 0, Hi: 200, Log: true}
	if a.Pos(100) != 100 || a.Pos(10) != 0 {
		t.Errorf("log axis: 100 at %v, 10 at %v", a.Pos(100), a.Pos(10))
	}
}

func TestAccelViewControls(t *testing.T) {
	p, _ := accel.Preset("eyeriss")
	v := NewAccelView(p)
	if v.Dataflow != accel.RowStationary || v.Prep == nil {
		t.Fatalf("eyeriss: dataflow %s, err %q", v.Dataflow, v.Err)
	}
	v.SetSpeed(20)
	v.Play()
	v.Update(0.5) // 10 cycles
	if got := v.State().Cycle; got != 10 {
		t.Errorf("after 0.5 s at 20 cycles/s: cycle %d, want 10", got)
	}
	v.StepCycle()
	if st := v.State(); st.Cycle != 11 || st.Playing {
		t.Errorf("step: cycle %d playing %v", st.Cycle, st.Playing)
	}
	v.Faster()
	if v.Speed != 50 {
		t.Errorf("faster from 20: %v", v.Speed)
	}
	v.Update(100) // paused: nothing moves
	if v.State().Cycle != 11 {
		t.Error("a paused view advanced")
	}
	v.Play()
	v.SetSpeed(1e9)
	v.Update(10)
	if got := v.State().Cycle; got != 11+MaxStepsPerFrame && !v.State().Done {
		t.Errorf("one frame walked to cycle %d; at most %d per frame", got, MaxStepsPerFrame)
	}
	if err := v.SetDataflow(accel.WeightStationary); err != nil || v.State().Dataflow != "ws" {
		t.Errorf("SetDataflow: %v, %s", err, v.State().Dataflow)
	}
	if err := v.SelectLayer(99); err == nil {
		t.Error("layer 99 accepted")
	}
}

// TestRealResult shows a result `dian search -json` printed
// (v=1&dataset=digits8&epochs=2&finetune=1&accelsteps=20&finalsteps=100&pretrained=0)
// and walks every layer whose shape it gives to the end.
func TestRealResult(t *testing.T) {
	data, err := os.ReadFile("testdata/result-digits8.json")
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.ParseResult(data)
	if err != nil {
		t.Fatal(err)
	}
	v := NewAccelView(accel.Presets()[0])
	if err := v.ShowResult(r); err != nil {
		t.Fatal(err)
	}
	st := v.State()
	modelled := 0
	for _, l := range r.Layers {
		if l.Chunk >= 0 {
			modelled++
		}
	}
	if st.Gantt == nil || st.Gantt.Bars != modelled {
		t.Fatalf("Gantt %+v, want %d bars", st.Gantt, modelled)
	}
	walked := 0
	for i, l := range v.Work.Layers {
		if !l.Known {
			continue
		}
		if err := v.SelectLayer(i); err != nil || v.Err != "" {
			t.Fatalf("layer %s: %v %s", l.Layer.Name, err, v.Err)
		}
		v.Finish()
		for !v.Prep.Anim.Done() {
			v.Update(1.0 / 60)
		}
		for _, c := range v.State().Counters {
			if c.Reads != c.ModelReads || c.Fills != c.ModelFills || c.Updates != c.ModelUpdates {
				t.Errorf("%s: %s %s ends on %d/%d/%d, model %d/%d/%d", l.Layer.Name, c.Level, c.DataSpace, c.Reads, c.Fills, c.Updates, c.ModelReads, c.ModelFills, c.ModelUpdates)
			}
		}
		walked++
	}
	if walked != len(r.Layers) {
		t.Errorf("walked %d of the result's %d layers; its lowered network gives every shape", walked, len(r.Layers))
	}
}

// The entropy curve reads 1 for an undecided supernet and 0 for a decided
// one, whatever the number of ops, and follows the search's events.
func TestMeanEntropy(t *testing.T) {
	for _, tt := range []struct {
		name  string
		probs [][]float64
		want  float64
	}{
		{"uniform", [][]float64{{0.25, 0.25, 0.25, 0.25}, {0.5, 0.5}}, 1},
		{"one-hot", [][]float64{{0, 1, 0}, {1, 0, 0, 0, 0, 0, 0}}, 0},
		{"half decided", [][]float64{{0, 0, 1}, {1. / 3, 1. / 3, 1. / 3}}, 0.5},
		{"two-way tie of four", [][]float64{{0.5, 0.5, 0, 0}}, 0.5},
		{"no rows", nil, 0},
	} {
		if got := MeanEntropy(tt.probs); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: MeanEntropy = %v, want %v", tt.name, got, tt.want)
		}
	}
	e := report.Event{Phase: "search", Step: 3, Probs: [][]float64{{0.5, 0.5}}}
	if p := SearchPointOf(&e); !p.HasEntropy || p.Entropy != 1 {
		t.Errorf("search event: point %+v, want entropy 1", p)
	}
	if v, ok := (SearchPoint{Phase: "finetune"}).Curve(6); ok {
		t.Errorf("fine-tuning point has an entropy %v", v)
	}
}

func TestRangeIn(t *testing.T) {
	for _, tt := range []struct {
		name   string
		vals   []float64
		lo, hi float64
	}{
		{"one accuracy", []float64{0.93}, 0.88, 0.98},
		{"spread", []float64{0.5, 0.9}, 0.48, 0.92},
		{"clamped at 1", []float64{0.9, 1}, 0.895, 1},
		{"clamped at 0", []float64{0, 0.2}, 0, 0.21},
		{"none", nil, 0, 1},
	} {
		lo, hi, _ := RangeIn(tt.vals, 0, 1)
		if math.Abs(lo-tt.lo) > 1e-12 || math.Abs(hi-tt.hi) > 1e-12 {
			t.Errorf("%s: RangeIn = [%v, %v], want [%v, %v]", tt.name, lo, hi, tt.lo, tt.hi)
		}
	}
}

// Curves are padded only within what their quantity can be, and the
// header's τ and λ are the values their curves end on (the last search
// step), not the last event's (fine-tuning repeats the last τ it saw).
func TestCurveRangeAndLatest(t *testing.T) {
	for _, c := range []struct {
		curve  int
		vals   []float64
		lo, hi float64
	}{
		{0, []float64{2.1, 0.05}, 0, 2.1 + 0.05*2.05},  // a loss: not below 0
		{4, []float64{5, 2}, 2 - 0.15, 5 + 0.15},       // τ away from 0: padded as usual
		{2, []float64{0.93}, 0.93 - 0.05, 0.93 + 0.05}, // accuracy alone
		{6, []float64{1, 0.2}, 0.2 - 0.04, 1},          // entropy at most 1
	} {
		lo, hi, ok := CurveRange(c.curve, c.vals)
		if !ok || math.Abs(lo-c.lo) > 1e-9 || math.Abs(hi-c.hi) > 1e-9 {
			t.Errorf("%s over %v: [%v, %v], want [%v, %v]", CurveNames[c.curve], c.vals, lo, hi, c.lo, c.hi)
		}
	}
	var v SearchView
	v.Points = []SearchPoint{{Phase: "search", Tau: 2.03}, {Phase: "search", Tau: 1.94}, {Phase: "finetune", Tau: 2.03}}
	if tau, ok := v.Latest(4); !ok || tau != 1.94 {
		t.Errorf("Latest τ = %v (%v), want 1.94, where the curve ends", tau, ok)
	}
}
