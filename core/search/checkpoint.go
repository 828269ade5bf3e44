package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/dian-explorer/dian/core/wire"
)

// A checkpoint is the whole state of a co-search at a step boundary, so
// that a search resumed from it reaches the result, bit for bit, that it
// would have reached uninterrupted. It is a snapshot (package snapshot:
// versioned, checksummed, bounded) of kind search-state whose tensors are
// the supernet's weights, batch-norm statistics and α and the optimizers'
// buffers, and whose payload (checkpointState) is everything else: where
// the search is, its random generators, batchers and accelerator engine,
// λ and the target band, the accelerator found so far, the result as far
// as it is known and the events so far.
//
// Steps are the unit: a step is done whole or not at all. The long final
// accelerator search is one step, so an interruption inside it keeps the
// checkpoint taken just before it.

// Checkpoints asks a co-search to save its state as it goes. Save is
// called at a step boundary when Due says so, and when the search is
// cancelled (with the state at the last boundary it reached).
type Checkpoints struct {
	// Due reports whether to save at the boundary before step (counted
	// as report.Event.Step). Nil saves only on cancellation.
	Due func(step int) bool
	// Save receives an encoded checkpoint and the step it was taken at,
	// out of steps. An error stops the search with that error.
	Save func(b []byte, step, steps int) error
}

// checkpointFormat is the version of checkpointState; a checkpoint of
// another version is refused.
const checkpointFormat = 1

// maxTrail bounds the events a checkpoint keeps: beyond it every other one
// is dropped, so a long search keeps a coarser history.
const maxTrail = 512

// Phases in the order a co-search runs them; position.Phase is one of them.
const (
	phaseWarmup = iota
	phaseSearch
	phaseFinal
	phaseFinetune
	phaseBaselines
)

var phaseOrder = map[string]int{
	"": phaseWarmup, report.PhaseWarmup: phaseWarmup, report.PhaseSearch: phaseSearch,
	report.PhaseFinalHW: phaseFinal, report.PhaseFinetune: phaseFinetune, report.PhaseBaseline: phaseBaselines,
}

// position is a step boundary: the phase, the epoch within it (warm-up and
// search) and the batch within the epoch (the fine-tuning step, the
// baseline's index), all of the step that comes next. The zero position
// is the start of a search.
type position struct {
	Phase string `msgpack:"phase"`
	Epoch int    `msgpack:"epoch"`
	Batch int    `msgpack:"batch"`
}

// before reports whether the search has not yet reached phase.
func (r *runner) before(phase int) bool { return phaseOrder[r.pos.Phase] < phase }

// resumeAt is the epoch and batch a phase starts at: where the checkpoint
// left it when the search resumes inside it, else 0, 0.
func (r *runner) resumeAt(phase string) (epoch, batch int) {
	if r.pos.Phase != phase {
		return 0, 0
	}
	return r.pos.Epoch, r.pos.Batch
}

// startOf is the first batch of epoch when the phase resumes at e0, b0.
func startOf(epoch, e0, b0 int) int {
	if epoch == e0 {
		return b0
	}
	return 0
}

// boundary marks the start of a step at p: it stops the search if it was
// cancelled (saving a checkpoint when asked to) and saves one when due.
func (r *runner) boundary(p position) error {
	r.pos, r.captured = p, nil
	if err := r.ctx.Err(); err != nil {
		return r.interrupted(err)
	}
	if r.ckpt == nil {
		return nil
	}
	if p.Phase == report.PhaseFinalHW {
		// The next step is long and cancellable: keep its starting state
		// for an interruption inside it.
		b, err := r.encodeCheckpoint()
		if err != nil {
			return err
		}
		r.captured = b
		if r.ckpt.Due == nil || !r.ckpt.Due(r.step) {
			return nil
		}
		return r.ckpt.Save(b, r.step, r.steps)
	}
	if r.ckpt.Due != nil && r.ckpt.Due(r.step) {
		return r.save()
	}
	return nil
}

// interrupted passes on err, the reason a search stops; when it is the
// search's cancellation and checkpoints are on, it first saves the state
// at the last step boundary.
func (r *runner) interrupted(err error) error {
	if r.ckpt == nil || r.ctx.Err() == nil || !errors.Is(err, r.ctx.Err()) {
		return err
	}
	var serr error
	if r.captured != nil {
		serr = r.ckpt.Save(r.captured, r.step, r.steps)
	} else {
		serr = r.save()
	}
	if serr != nil {
		return fmt.Errorf("%w (and saving its checkpoint failed: %v)", err, serr)
	}
	return fmt.Errorf("%w (checkpoint saved at step %d of %d)", err, r.step, r.steps)
}

func (r *runner) save() error {
	b, err := r.encodeCheckpoint()
	if err != nil {
		return err
	}
	return r.ckpt.Save(b, r.step, r.steps)
}

// checkpointState is a checkpoint's payload.
type checkpointState struct {
	Format int      `msgpack:"format"`
	Pos    position `msgpack:"pos"`

	Step        int     `msgpack:"step"`
	TrainSteps  int     `msgpack:"trainSteps"`
	HWEvals     int     `msgpack:"hwEvals"`
	WeightSteps int     `msgpack:"weightSteps"`
	ArchSteps   int     `msgpack:"archSteps"`
	Lambda      float64 `msgpack:"lambda"`
	TargetLo    float64 `msgpack:"targetLo"`
	TargetHi    float64 `msgpack:"targetHi"`
	LastAcc     float64 `msgpack:"lastAcc"`
	LastLossW   float64 `msgpack:"lastLossW"`
	LastLossA   float64 `msgpack:"lastLossA"`

	BestChoice  []int           `msgpack:"bestChoice"`
	LastChoice  []int           `msgpack:"lastChoice"`
	FinalChoice []int           `msgpack:"finalChoice"`
	LastHW      *report.Metrics `msgpack:"lastHW"`
	EngineRan   bool            `msgpack:"engineRan"`
	Engine      engineState     `msgpack:"engineState"`
	Table       [][]float64     `msgpack:"table"`

	RNGSample []byte             `msgpack:"rngSample"`
	RNGHW     []byte             `msgpack:"rngHW"`
	Weights   data.BatcherState  `msgpack:"weights"`
	Arch      data.BatcherState  `msgpack:"arch"`
	Finetune  *data.BatcherState `msgpack:"finetune"`
	AdamB1t   float64            `msgpack:"adamB1t"`
	AdamB2t   float64            `msgpack:"adamB2t"`

	// Result is the result so far as JSON (the summary of a finished
	// search phase, the time spent; from the baselines on, the whole
	// co-search result and the baselines done).
	Result          []byte         `msgpack:"result"`
	BaselineSeconds float64        `msgpack:"baselineSeconds"`
	Trail           []report.Event `msgpack:"trail"`
}

// Tensor names of the optimizers' buffers, after the parameter's own.
const (
	velocityPrefix = "opt.weights.velocity."
	finetunePrefix = "opt.finetune.velocity."
	adamMPrefix    = "opt.arch.m."
	adamVPrefix    = "opt.arch.v."
	// quantStateName holds a precision search's running activation ranges.
	quantStateName = "quant.ranges"
)

// encodeCheckpoint encodes the runner's state at its current position.
func (r *runner) encodeCheckpoint() ([]byte, error) {
	st := checkpointState{
		Format: checkpointFormat, Pos: r.pos,
		Step: r.step, TrainSteps: r.trainSteps, HWEvals: r.hwEvals, WeightSteps: r.weightSteps, ArchSteps: r.archSteps,
		Lambda: r.lambda, TargetLo: r.cfg.TargetLo, TargetHi: r.cfg.TargetHi,
		LastAcc: r.lastAcc, LastLossW: r.lastLossW, LastLossA: r.lastLossA,
		BestChoice: r.bestChoice, LastChoice: r.lastChoice, FinalChoice: r.finalChoice, LastHW: r.lastHW,
		EngineRan: r.engineRan, Engine: saveEngine(r.engine), Table: r.table,
		Weights: r.weightBatcher.State(), Arch: r.archBatcher.State(),
		BaselineSeconds: r.baselineSeconds, Trail: r.trail.events,
	}
	st.RNGSample, _ = r.pcgSample.MarshalBinary() // a PCG always marshals
	st.RNGHW, _ = r.pcgHW.MarshalBinary()
	st.AdamB1t, st.AdamB2t = r.archOpt.Powers()
	if r.finetuneBatcher != nil {
		fb := r.finetuneBatcher.State()
		st.Finetune = &fb
	}
	if r.res != nil {
		b, err := json.Marshal(r.res)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: the result so far: %w", err)
		}
		st.Result = b
	}
	payload, err := marshalState(&st)
	if err != nil {
		return nil, err
	}

	snap := &snapshot.Snapshot{Kind: snapshot.KindSearchState, Dataset: r.orig.Dataset,
		Config: share.Link{Config: r.orig}.Encode(), Seed: uint64(r.orig.Seed), Payload: payload}
	add := func(name string, shape []int, d []float32) {
		snap.Tensors = append(snap.Tensors, snapshot.Tensor{Name: name, Shape: shape, Data: d})
	}
	for _, t := range r.net.Tensors() {
		add(t.Name, t.Shape, t.Data)
	}
	arch := r.net.ArchParams()
	for _, p := range arch {
		add(p.Name, p.Value.Shape, p.Value.Data)
	}
	if q := r.net.QuantState(); q != nil {
		add(quantStateName, []int{len(q)}, q)
	}
	params := r.net.WeightParams()
	for i, v := range r.weightOpt.Velocity() {
		add(velocityPrefix+params[i].Name, params[i].Value.Shape, v)
	}
	if r.finetuneOpt != nil {
		for i, v := range r.finetuneOpt.Velocity() {
			add(finetunePrefix+params[i].Name, params[i].Value.Shape, v)
		}
	}
	m, v := r.archOpt.Moments()
	for i, p := range arch {
		add(adamMPrefix+p.Name, p.Value.Shape, m[i])
		add(adamVPrefix+p.Name, p.Value.Shape, v[i])
	}
	return snapshot.Encode(snap)
}

// marshalState encodes a checkpoint's payload (map keys sorted, so the
// same state gives the same bytes).
func marshalState(st *checkpointState) ([]byte, error) {
	var b bytes.Buffer
	enc := msgpack.NewEncoder(&b)
	enc.SetSortMapKeys(true)
	if err := enc.Encode(st); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return b.Bytes(), nil
}

// DecodeCheckpoint checks that b is a co-search checkpoint and returns the
// configuration it continues (its link's canonical fragment), so a caller
// can load that search's dataset before resuming it with Input.Resume.
func DecodeCheckpoint(b []byte) (share.Config, error) {
	snap, err := snapshot.Decode(b, snapshot.Expect{Kind: snapshot.KindSearchState})
	if err != nil {
		return share.Config{}, fmt.Errorf("checkpoint: %w", err)
	}
	link, err := share.Parse(snap.Config)
	if err != nil {
		return share.Config{}, fmt.Errorf("checkpoint: its configuration: %w", err)
	}
	return link.Config, nil
}

// restore loads a checkpoint made by a search of r's configuration into
// r, checking everything against what r expects: a checkpoint that is
// damaged or belongs to another search is an error, never a wrong result.
func (r *runner) restore(b []byte) error {
	cfgText := share.Link{Config: r.orig}.Encode()
	snap, err := snapshot.Decode(b, snapshot.Expect{Kind: snapshot.KindSearchState, Dataset: r.orig.Dataset, Config: cfgText})
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	var st checkpointState
	if err := wire.Unmarshal(snap.Payload, &st); err != nil {
		return fmt.Errorf("checkpoint: its state: %w", err)
	}
	if err := r.restoreState(snap, &st); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func (r *runner) restoreState(snap *snapshot.Snapshot, st *checkpointState) error {
	if st.Format != checkpointFormat {
		return fmt.Errorf("state format %d; this build reads format %d", st.Format, checkpointFormat)
	}
	if err := r.checkPosition(st); err != nil {
		return err
	}
	for _, x := range []float64{st.Lambda, st.TargetLo, st.TargetHi, st.LastAcc, st.LastLossW, st.LastLossA, st.AdamB1t, st.AdamB2t, st.BaselineSeconds} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("a state value is %g", x)
		}
	}
	if !(st.AdamB1t > 0 && st.AdamB1t <= 1 && st.AdamB2t > 0 && st.AdamB2t <= 1) {
		return fmt.Errorf("Adam's bias powers %g, %g outside (0, 1]", st.AdamB1t, st.AdamB2t)
	}
	for _, c := range [][]int{st.BestChoice, st.LastChoice, st.FinalChoice} {
		if c == nil {
			continue
		}
		if err := validChoice(c, r.hw.Space); err != nil {
			return fmt.Errorf("a saved accelerator: %w", err)
		}
	}
	if st.Table != nil {
		if len(st.Table) != len(r.space.Blocks) {
			return fmt.Errorf("the cost table has %d blocks, the supernet %d", len(st.Table), len(r.space.Blocks))
		}
		for _, row := range st.Table {
			if len(row) != len(r.space.Ops) {
				return fmt.Errorf("the cost table has %d ops per block, the supernet %d", len(row), len(r.space.Ops))
			}
		}
	}
	if len(st.Trail) > maxTrail {
		return fmt.Errorf("%d events kept, at most %d", len(st.Trail), maxTrail)
	}
	if err := restoreEngine(r.engine, st.Engine, r.hw.Space); err != nil {
		return err
	}

	// Tensors: every one must be there with its shape.
	if err := r.net.SetTensors(snap.Lookup); err != nil {
		return err
	}
	load := func(name string, dst []float32, shape []int) error {
		d, err := snap.Lookup(name, shape...)
		if err != nil {
			return err
		}
		copy(dst, d)
		return nil
	}
	arch := r.net.ArchParams()
	for _, p := range arch {
		if err := load(p.Name, p.Value.Data, p.Value.Shape); err != nil {
			return err
		}
	}
	if q := r.net.QuantState(); q != nil {
		if err := load(quantStateName, q, []int{len(q)}); err != nil {
			return err
		}
		if err := r.net.SetQuantState(q); err != nil {
			return err
		}
	}
	params := r.net.WeightParams()
	for i, v := range r.weightOpt.Velocity() {
		if err := load(velocityPrefix+params[i].Name, v, params[i].Value.Shape); err != nil {
			return err
		}
	}
	m, v := r.archOpt.Moments()
	for i, p := range arch {
		if err := load(adamMPrefix+p.Name, m[i], p.Value.Shape); err != nil {
			return err
		}
		if err := load(adamVPrefix+p.Name, v[i], p.Value.Shape); err != nil {
			return err
		}
	}
	r.archOpt.SetPowers(st.AdamB1t, st.AdamB2t)
	if err := r.weightBatcher.Restore(st.Weights); err != nil {
		return fmt.Errorf("weight batches: %w", err)
	}
	if err := r.archBatcher.Restore(st.Arch); err != nil {
		return fmt.Errorf("architecture batches: %w", err)
	}
	if st.Finetune != nil {
		r.startFinetune()
		if err := r.finetuneBatcher.Restore(*st.Finetune); err != nil {
			return fmt.Errorf("fine-tuning batches: %w", err)
		}
		for i, v := range r.finetuneOpt.Velocity() {
			if err := load(finetunePrefix+params[i].Name, v, params[i].Value.Shape); err != nil {
				return err
			}
		}
	}
	for _, g := range []struct {
		pcg  *rand.PCG
		data []byte
	}{{r.pcgSample, st.RNGSample}, {r.pcgHW, st.RNGHW}} {
		if err := g.pcg.UnmarshalBinary(g.data); err != nil {
			return fmt.Errorf("a random generator: %w", err)
		}
	}
	if st.Result != nil {
		res, err := report.ParseResult(st.Result)
		if err != nil {
			return fmt.Errorf("the result so far: %w", err)
		}
		r.res = res
	}

	r.pos = st.Pos
	r.step, r.trainSteps, r.hwEvals = st.Step, st.TrainSteps, st.HWEvals
	r.weightSteps, r.archSteps = st.WeightSteps, st.ArchSteps
	r.lambda, r.cfg.TargetLo, r.cfg.TargetHi = st.Lambda, st.TargetLo, st.TargetHi
	r.lastAcc, r.lastLossW, r.lastLossA = st.LastAcc, st.LastLossW, st.LastLossA
	r.bestChoice, r.lastChoice, r.finalChoice, r.lastHW = st.BestChoice, st.LastChoice, st.FinalChoice, st.LastHW
	if r.bestChoice != nil {
		r.blockCache = map[string][]float64{} // a cache: recomputed as needed
	}
	r.engineRan, r.table = st.EngineRan, st.Table
	r.baselineSeconds = st.BaselineSeconds
	r.trail.events = st.Trail
	return nil
}

// checkPosition checks that a saved position and step counts lie within
// this search's schedule.
func (r *runner) checkPosition(st *checkpointState) error {
	p := st.Pos
	ph, ok := phaseOrder[p.Phase]
	if !ok || p.Phase == "" {
		return fmt.Errorf("unknown phase %q", p.Phase)
	}
	bad := p.Epoch < 0 || p.Batch < 0
	switch ph {
	case phaseWarmup:
		bad = bad || p.Epoch >= r.warmup || p.Batch >= r.weightBatches()
	case phaseSearch:
		bad = bad || p.Epoch >= r.cfg.Epochs || p.Batch >= r.weightBatches()
	case phaseFinal:
		bad = bad || p.Epoch != 0 || p.Batch != 0
	case phaseFinetune:
		bad = bad || p.Epoch != 0 || p.Batch >= r.finetuneStepsFor(r.cfg.Finetune) || st.Finetune == nil
	case phaseBaselines:
		bad = bad || p.Epoch != 0 || p.Batch >= len(r.cfg.Baselines) || st.Result == nil
	}
	if ph >= phaseFinal && st.Result == nil {
		bad = true
	}
	if bad {
		return fmt.Errorf("position %+v is outside this search's schedule", p)
	}
	if st.Step < 0 || st.Step > r.steps || st.TrainSteps < 0 || st.HWEvals < 0 || st.WeightSteps < 0 || st.ArchSteps < 0 {
		return fmt.Errorf("step counts %d, %d, %d outside this search's %d steps", st.Step, st.TrainSteps, st.HWEvals, r.steps)
	}
	return nil
}

// trail keeps the events a search has reported, without the accelerator
// distributions (the next engine run sends a fresh one), thinned to at
// most maxTrail.
type trail struct{ events []report.Event }

func (t *trail) add(e report.Event) {
	if len(t.events) >= maxTrail {
		t.events = report.Halve(t.events)
	}
	e.HWDist = nil
	if e.Probs != nil {
		e.Probs = clone2(e.Probs)
	}
	t.events = append(t.events, e)
}
