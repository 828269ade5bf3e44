package viz

import (
	"fmt"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/accel/loopnest"
	"github.com/dian-explorer/dian/core/report"
)

// AccelView is the accelerator view's state and controls, free of Ebiten:
// which design and layer are shown, the walk through the layer's loop nest
// and how fast it plays. The Ebiten scene draws it; the page drives it.
type AccelView struct {
	Work     Workload
	Dataflow accel.Dataflow // of a bare platform's default chunk
	Result   *report.Result

	Layer int
	Prep  *Prepared
	// Err says why the chosen layer cannot be walked ("" when it can).
	Err string

	Playing bool
	// Speed is the animation's pace in cycles per second.
	Speed         float64
	ReducedMotion bool
	fastForward   bool
	acc           float64
	counters      *loopnest.Stats
	// sysWalked counts the cycles of the systolic schedule run so far
	// (Prep.Systolic): it keeps the walk's pace on its own clock, since
	// SCALE-Sim's cycles are not the loop-nest model's.
	sysWalked int64
}

// Speeds are the paces the speed control steps through, in cycles per
// second.
var Speeds = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000}

// MaxStepsPerFrame bounds the cycles one frame walks, so that a frame stays
// well under its 16 ms even at the highest speed or when skipping to the
// end of a layer (which then takes several frames).
const MaxStepsPerFrame = 1500

// NewAccelView shows platform p's default array running the demo layers.
func NewAccelView(p accel.Platform) *AccelView {
	v := &AccelView{Speed: 10}
	v.SetPlatform(p)
	return v
}

// SetPlatform shows p's default array; a result shown before is dropped.
func (v *AccelView) SetPlatform(p accel.Platform) {
	v.Result = nil
	v.Dataflow = DefaultDataflow(p)
	v.Work = PresetWorkload(p, v.Dataflow)
	v.SelectLayer(0)
}

// SetDataflow redraws a bare platform's array with dataflow df.
func (v *AccelView) SetDataflow(df accel.Dataflow) error {
	if v.Work.FromResult {
		return fmt.Errorf("viz: the dataflow of a search result's design is fixed (%s)", v.Work.Chunks[v.chunk()].Dataflow)
	}
	v.Dataflow = df
	v.Work = PresetWorkload(v.Work.Platform, df)
	v.SelectLayer(min(v.Layer, len(v.Work.Layers)-1))
	return nil
}

// ShowResult shows a search result's design: its chunks, its network's
// layers on them and its pipeline. The first layer whose shape is known is
// chosen.
func (v *AccelView) ShowResult(r *report.Result) error {
	w, err := ResultWorkload(r)
	if err != nil {
		return err
	}
	v.Work, v.Result = w, r
	first := 0
	for i, s := range w.Layers {
		if s.Known {
			first = i
			break
		}
	}
	v.SelectLayer(first)
	return nil
}

// SelectLayer maps layer i and rewinds the walk to its first cycle. A layer
// that cannot be walked is still selected, with Err saying why.
func (v *AccelView) SelectLayer(i int) error {
	if i < 0 || i >= len(v.Work.Layers) {
		return fmt.Errorf("viz: layer %d; the design has layers 0..%d", i, len(v.Work.Layers)-1)
	}
	v.Layer, v.Prep, v.Err, v.counters, v.acc, v.fastForward, v.sysWalked = i, nil, "", nil, 0, false, 0
	pr, err := v.Work.Prepare(i)
	if err != nil {
		v.Err = err.Error()
		return nil
	}
	v.Prep = pr
	v.counters = pr.Anim.Counters()
	return nil
}

// chunk returns the chosen layer's chunk.
func (v *AccelView) chunk() int {
	if v.Layer < len(v.Work.Layers) {
		return v.Work.Layers[v.Layer].Chunk
	}
	return 0
}

// Play starts (or, at the end of the layer, restarts) the animation.
func (v *AccelView) Play() {
	if v.Prep != nil && v.Prep.Anim.Done() {
		v.Restart()
	}
	v.Playing = true
}

// Pause stops the animation where it is.
func (v *AccelView) Pause() { v.Playing, v.fastForward = false, false }

// Restart rewinds the chosen layer to its first cycle.
func (v *AccelView) Restart() {
	playing := v.Playing
	v.SelectLayer(v.Layer)
	v.Playing = playing
}

// StepCycle pauses and walks one cycle.
func (v *AccelView) StepCycle() {
	v.Pause()
	if v.Prep != nil {
		v.Prep.Anim.Advance(1)
		v.counters = v.Prep.Anim.Counters()
		v.advanceSystolic(1)
	}
}

// advanceSystolic runs n more cycles of the systolic schedule, if any.
func (v *AccelView) advanceSystolic(n int64) {
	if v.Prep != nil && v.Prep.Systolic != nil {
		v.sysWalked = min(v.sysWalked+n, v.Prep.Systolic.Cycles())
	}
}

// systolicDone reports whether the systolic schedule (if any) has run to
// the end of the layer.
func (v *AccelView) systolicDone() bool {
	return v.Prep == nil || v.Prep.Systolic == nil || v.sysWalked >= v.Prep.Systolic.Cycles()
}

// Busy returns the block of PEs (top-left rows × cols) the layer keeps
// busy at the view's cycle: the loop-nest mapping's spatial unrolling,
// or on a systolic array the current SCALE-Sim fold's used rows and
// columns, which is what that array's cost model and overlay run.
func (v *AccelView) Busy() (rows, cols int) {
	switch {
	case v.Prep == nil:
		return 0, 0
	case v.Prep.Systolic != nil:
		st := v.Prep.Systolic.Position(v.sysWalked)
		return st.UsedRows, st.UsedCols
	}
	return Unroll(v.Prep.Anim.Mapping)
}

// SystolicWalked returns the cycles of the systolic schedule run so far.
func (v *AccelView) SystolicWalked() int64 { return v.sysWalked }

// StepIteration pauses and walks one iteration of the loop just outside
// the innermost temporal loop.
func (v *AccelView) StepIteration() {
	v.Pause()
	if v.Prep != nil {
		v.advanceSystolic(max(1, v.Prep.Anim.AdvanceIteration(MaxStepsPerFrame)))
		v.counters = v.Prep.Anim.Counters()
	}
}

// Finish walks to the end of the layer over the next frames.
func (v *AccelView) Finish() {
	if v.Prep != nil && (!v.Prep.Anim.Done() || !v.systolicDone()) {
		v.Playing, v.fastForward = true, true
	}
}

// SetSpeed sets the pace in cycles per second (clamped to Speeds' range).
func (v *AccelView) SetSpeed(cps float64) {
	v.Speed = min(max(cps, Speeds[0]), Speeds[len(Speeds)-1])
}

// Faster and Slower step through Speeds.
func (v *AccelView) Faster() {
	for _, s := range Speeds {
		if s > v.Speed {
			v.Speed = s
			return
		}
	}
}

// Slower steps to the next lower speed.
func (v *AccelView) Slower() {
	for i := len(Speeds) - 1; i >= 0; i-- {
		if Speeds[i] < v.Speed {
			v.Speed = Speeds[i]
			return
		}
	}
}

// Update advances a playing animation by dt seconds of wall time, walking
// at most MaxStepsPerFrame cycles.
func (v *AccelView) Update(dt float64) {
	if !v.Playing || v.Prep == nil {
		return
	}
	a := v.Prep.Anim
	var n int64
	if v.fastForward {
		n = MaxStepsPerFrame
	} else {
		v.acc += v.Speed * dt
		n = int64(v.acc)
		v.acc -= float64(n)
		n = min(n, MaxStepsPerFrame)
	}
	if n > 0 {
		a.Advance(n)
		v.counters = a.Counters()
		v.advanceSystolic(n)
	}
	if a.Done() && v.systolicDone() {
		v.Playing, v.fastForward = false, false
	}
}

// Counters returns the walk's counters (nil when the layer cannot be
// walked).
func (v *AccelView) Counters() *loopnest.Stats { return v.counters }

// SubAccel returns the chunk the chosen layer runs on.
func (v *AccelView) SubAccel() *accel.SubAccel { return &v.Work.Chunks[v.chunk()] }

// AccelState is what the accelerator view draws, as numbers: the page
// mirrors it into the DOM and tests read it (dianViz.state()).
type AccelState struct {
	Platform  string   `json:"platform"`
	Source    string   `json:"source"` // "platform" or "result"
	Chunk     int      `json:"chunk"`
	ChunkName string   `json:"chunkName"`
	Rows      int      `json:"rows"`
	Cols      int      `json:"cols"`
	Dataflow  string   `json:"dataflow"`
	Layers    []string `json:"layers"`
	Layer     int      `json:"layer"`
	LayerName string   `json:"layerName"`
	Mapping   string   `json:"mapping"` // "mapper" or "design"
	Error     string   `json:"error,omitempty"`

	// BusyRows × BusyCols is the block of PEs drawn busy (AccelView.Busy).
	BusyRows int   `json:"busyRows"`
	BusyCols int   `json:"busyCols"`
	Cycle    int64 `json:"cycle"`
	// PsumDone of PsumSteps reduction steps went into the current
	// outputs' partial sums (LayerAnim.Accumulation).
	PsumDone  int `json:"psumDone"`
	PsumSteps int `json:"psumSteps"`
	// Cycles is the walk's length: the loop-nest model's compute cycles.
	Cycles int64 `json:"cycles"`
	// NestCycles is the loop-nest model's cycles for the layer with its
	// buffers' bandwidth (≥ Cycles): with EnergyPJ, the figures of the
	// Timeloop download's README.csv for the same layer.
	NestCycles int64 `json:"nestCycles"`
	// SearchModel names the model the search costed the design with
	// (accel.CostModelTitle), and SearchCycles is its figure for the
	// layer: the per-layer table's (0 for a bare platform).
	SearchModel  string  `json:"searchModel,omitempty"`
	SearchCycles float64 `json:"searchCycles,omitempty"`
	MACs         int64   `json:"macs"`
	Done         bool    `json:"done"`
	Playing      bool    `json:"playing"`
	// Speed is in cycles per second.
	Speed         float64 `json:"speed"`
	ReducedMotion bool    `json:"reducedMotion"`

	// Moving names the data spaces the NoC carried to the PEs during the
	// last step (or frame): the wires drawn lit.
	Moving []string `json:"moving"`
	// Loop is the highlighted loop of the nest (-1 before the first cycle).
	Loop      int    `json:"loop"`
	LoopText  string `json:"loopText"`
	Indices   []int  `json:"indices"`
	NestLines int    `json:"nestLines"`

	Counters []CounterState `json:"counters"`
	Memory   []MemoryState  `json:"memory"`
	// EnergyPJ is the loop-nest model's energy for the whole layer.
	EnergyPJ float64 `json:"energyPJ"`

	Gantt *GanttState `json:"gantt,omitempty"`
	// Systolic is the layer's SCALE-Sim schedule on a systolic array, at
	// its own cycle (nil on other arrays and for rs).
	Systolic *SystolicState `json:"systolic,omitempty"`
}

// CounterState is one level's counts for one data space: walked so far
// and the model's totals for the layer.
type CounterState struct {
	Level        string `json:"level"`
	DataSpace    string `json:"dataSpace"`
	Reads        int64  `json:"reads"`
	Fills        int64  `json:"fills"`
	Updates      int64  `json:"updates"`
	ModelReads   int64  `json:"modelReads"`
	ModelFills   int64  `json:"modelFills"`
	ModelUpdates int64  `json:"modelUpdates"`
}

// MemoryState is one storage level: its capacity per instance (0:
// unbounded) and the tile of each data space it holds, in words.
type MemoryState struct {
	Level     string   `json:"level"`
	Instances int64    `json:"instances"`
	Capacity  int64    `json:"capacityWords"`
	Tiles     [3]int64 `json:"tileWords"` // weights, inputs, outputs
}

// GanttState is the pipeline chart's numbers.
type GanttState struct {
	Chunks     []string  `json:"chunks"`
	Cycles     []float64 `json:"cycles"` // per chunk per image
	Bottleneck int       `json:"bottleneck"`
	Bars       int       `json:"bars"`
}

// State returns the view's numbers.
func (v *AccelView) State() AccelState {
	c := v.SubAccel()
	s := AccelState{Platform: v.Work.Platform.Name, Source: "platform", Chunk: v.chunk(), ChunkName: c.Name,
		Rows: c.Rows, Cols: c.Cols, Dataflow: c.Dataflow.String(), Layer: v.Layer, Error: v.Err,
		Playing: v.Playing, Speed: v.Speed, ReducedMotion: v.ReducedMotion, Loop: -1}
	if v.Work.FromResult {
		s.Source = "result"
	}
	for _, l := range v.Work.Layers {
		s.Layers = append(s.Layers, l.Layer.Name)
	}
	if v.Layer < len(v.Work.Layers) {
		spec := &v.Work.Layers[v.Layer]
		s.LayerName = spec.Layer.Name
		if spec.Cost != nil {
			s.SearchModel, s.SearchCycles = accel.CostModelTitle(v.Work.Platform.Target), spec.Cost.Cycles
		}
	}
	if v.Prep != nil {
		a := v.Prep.Anim
		s.Mapping = v.Prep.Source
		s.BusyRows, s.BusyCols = v.Busy()
		s.Cycle, s.Cycles, s.MACs, s.Done = a.Walked(), a.Steps(), a.Model.MACs, a.Done()
		s.NestCycles = v.Prep.Run.Cycles
		s.Loop = a.Carry()
		s.PsumDone, s.PsumSteps = a.Accumulation()
		f := a.Flows()
		for d, ds := range a.Problem.DataSpaces {
			if OnNoC(f, d) {
				s.Moving = append(s.Moving, ds.Name)
			}
		}
		s.Indices = append([]int(nil), a.Index()...)
		lines := NestLines(a.Problem, a.Mapping, a.Index(), a.Carry())
		s.NestLines = len(lines)
		for _, ln := range lines {
			if ln.Current {
				s.LoopText = ln.Text
			}
		}
		s.EnergyPJ = v.Prep.Energy.TotalPJ
		if sys := v.Prep.Systolic; sys != nil {
			st := sys.State(v.sysWalked)
			s.Systolic = &st
		}
		for li, ls := range a.Model.Levels {
			cur := v.counters.Levels[li]
			ms := MemoryState{Level: ls.Name, Instances: ls.Instances, Capacity: v.Prep.Arch.Levels[li].CapacityWords()}
			for d, ds := range a.Problem.DataSpaces {
				m := ls.DS[d]
				if !m.Kept {
					continue
				}
				ms.Tiles[d] = m.TileSize
				g := cur.DS[d]
				s.Counters = append(s.Counters, CounterState{Level: ls.Name, DataSpace: ds.Name,
					Reads: g.Reads, Fills: g.Fills, Updates: g.Updates, ModelReads: m.Reads, ModelFills: m.Fills, ModelUpdates: m.Updates})
			}
			s.Memory = append(s.Memory, ms)
		}
	}
	if v.Work.FromResult {
		g := LayoutGantt(&v.Work, Rect{W: 1, H: 1}, 0)
		gs := &GanttState{Cycles: g.Totals, Bottleneck: g.Bottleneck, Bars: len(g.Bars)}
		for _, ch := range v.Work.Chunks {
			gs.Chunks = append(gs.Chunks, ch.Name)
		}
		s.Gantt = gs
	}
	return s
}
