package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/dian-explorer/dian/core/supernet"
	"github.com/dian-explorer/dian/core/tensor"
)

// Fixed hyper-parameters of the schedule (Auto-NBA's, where they apply).
const (
	archFraction   = 0.5  // of the training set for the architecture split
	weightMomentum = 0.9  // SGD
	weightDecay    = 5e-4 // SGD, not on biases or batch norm
	gradClip       = 5
	lrFloor        = 0.001 // cosine schedule floor, as a fraction of lrw
	hwUpdateEvery  = 20    // architecture steps between accelerator searches
	tableNets      = 10    // DNA: networks sampled to build the cost tables
	evalImages     = 500   // architecture-split images for the per-epoch accuracy
)

// Input is what a search runs on besides its configuration.
type Input struct {
	Data *data.Dataset
	// Snapshot is the shipped warm-up of the dataset's supernet (see
	// Pretrain); required when the configuration says pretrained=1.
	Snapshot *snapshot.Snapshot
	// Version names the build; it goes into the result's timing.
	Version string
	// Checkpoints, when set, has a co-search (method=cosearch) save its
	// state as it goes and when cancelled.
	Checkpoints *Checkpoints
	// Resume, when set, is a checkpoint of this same configuration to
	// continue from (see DecodeCheckpoint). The search first reports the
	// events the checkpoint kept, then goes on from where it stopped.
	Resume []byte
	// Group, when set, is the processes a sharded search (shards > 1)
	// runs on: this one computes the shards it owns and Exchange brings
	// the others'. Nil computes every shard here.
	Group Group
	// Trained, when set, is given the co-search's supernet once its
	// derived network is fine-tuned, and that network's path (to export
	// it, e.g. with Supernet.ONNX). An error stops the search.
	Trained func(net *supernet.Supernet, path supernet.Path) error
}

// runner holds one search's state.
type runner struct {
	ctx    context.Context
	cfg    share.Config // the configuration, its target band set by initTarget
	orig   share.Config // as given: the baselines start from it
	obs    Observer
	space  supernet.Space
	net    *supernet.Supernet
	splits data.Splits // the search's sample of the training set, and the test set
	train  *data.Set   // the whole training set, for fine-tuning
	hw     *Hardware
	engine Engine
	blocks []string

	rngSample *rand.Rand // Gumbel noise of the architecture sampling
	rngHW     *rand.Rand // accelerator engines
	// The generators' sources, whose state a checkpoint saves.
	pcgSample, pcgHW *rand.PCG

	// The training loop's optimizers and batchers, and how far it is.
	weightOpt                  *nn.SGD
	archOpt                    *nn.Adam
	weightBatcher, archBatcher *data.Batcher
	finetuneOpt                *nn.SGD       // made when fine-tuning starts
	finetuneBatcher            *data.Batcher //
	weightSteps, archSteps     int
	finalChoice                []int          // the derived network's accelerator
	res                        *report.Result // the result as far as it is known

	// Checkpoints (nil: none are taken) and where the search is.
	ckpt     *Checkpoints
	pos      position
	captured []byte // the checkpoint an interruption of a long step keeps
	trail    trail  // the events so far, for a resumed search to replay

	x      *tensor.Tensor
	labels []int32
	ce     nn.SoftmaxCrossEntropy
	// A sharded batch (cfg.Shards > 1): each shard's rows of x, what its
	// pass left, the processes computing them, and the exchanges so far.
	shardX    []*tensor.Tensor
	shardBufs []supernet.Shard
	group     Group
	exchanges int
	// evalCounts are the correct classifications per shard of an
	// evaluation that several processes share.
	evalCounts []supernet.Shard

	step, steps int
	lambda      float64
	lastAcc     float64
	// The last losses of a weight and an architecture step, which the
	// summary events (epoch ends, phases) repeat rather than report as 0.
	lastLossW, lastLossA float64
	bestChoice           []int // the current accelerator for the sampled network
	blockCache           map[string][]float64
	table                [][]float64 // DNA: per block, per op cost share
	hwEvals              int
	trainSteps           int // minibatch gradient steps taken (Budget.TrainSteps)
	lastHW               *report.Metrics
	warmup               int // warm-up epochs run here (0 when starting from a snapshot)

	// What the events show of the accelerator engine: whether it has run
	// (and run since the last event), the design lastHW describes, and the
	// decisions' names and option labels, made once.
	engineRan, hwFresh bool
	lastChoice         []int
	hwNames            []string
	hwLabels           [][]string

	// Baselines change how the hardware enters: hwAware false is
	// hardware-unaware NAS (no penalty, no accelerator search during the
	// search); fixedHW pins the accelerator instead of searching it.
	hwAware bool
	fixedHW []int
	// finalEvals, when set, replaces the configuration's final accelerator
	// search length: a baseline gives it the evaluations it does not spend
	// elsewhere of the co-search's budget.
	finalEvals int

	baselineSeconds float64
}

// Run performs the search described by cfg and returns its result: the
// co-search and the baselines it lists, or, with cfg.Method set to a
// baseline, that baseline alone on a co-search's budgets. Cancelling ctx
// stops it between steps with ctx's error.
func Run(ctx context.Context, cfg share.Config, in Input, obs Observer) (*report.Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if obs == nil {
		obs = func(report.Event) {}
	}
	start := time.Now()
	r, err := newRunner(ctx, cfg, in, obs)
	if err != nil {
		return nil, err
	}
	if (in.Checkpoints != nil || in.Resume != nil) && cfg.Method != "cosearch" {
		return nil, fmt.Errorf("search: checkpoints cover co-searches (method=cosearch, with their baselines); method=%s runs from its start (a sweep keeps its finished runs)", cfg.Method)
	}
	if in.Checkpoints != nil {
		r.ckpt = in.Checkpoints
		r.obs = func(e report.Event) { r.trail.add(e); obs(e) }
	}
	if in.Resume != nil {
		if err := r.restore(in.Resume); err != nil {
			return nil, err
		}
		for _, e := range r.trail.events {
			obs(e)
		}
	}
	var res *report.Result
	switch {
	case cfg.Method != "cosearch":
		res, err = r.runBaseline(cfg.Method, in)
	case r.before(phaseBaselines):
		res, err = r.run(in)
	default:
		res = r.res // the checkpoint was taken during the baselines
	}
	if err != nil {
		return nil, err
	}
	r.res = res
	if in.Trained != nil && cfg.Method == "cosearch" {
		if err := in.Trained(r.net, r.net.Derive()); err != nil {
			return nil, err
		}
	}
	res.Config, res.Timing.Build = share.Link{Config: cfg}.Encode(), in.Version
	_, done := r.resumeAt(report.PhaseBaseline)
	for i, b := range cfg.Baselines {
		if i < done {
			continue // finished before the checkpoint: in res already
		}
		if err := r.boundary(position{Phase: report.PhaseBaseline, Batch: i}); err != nil {
			return nil, err
		}
		t := time.Now()
		bl, err := r.baseline(b, in)
		if err != nil {
			return nil, r.interrupted(fmt.Errorf("baseline %s: %w", b, err))
		}
		r.baselineSeconds += time.Since(t).Seconds()
		res.Baselines = append(res.Baselines, *bl)
	}
	res.Timing.BaselineSeconds = r.baselineSeconds
	res.Timing.TotalSeconds = time.Since(start).Seconds()
	r.emit(report.PhaseDone, 0, nil)
	return res, nil
}

func newRunner(ctx context.Context, cfg share.Config, in Input, obs Observer) (*runner, error) {
	ds := in.Data
	if ds == nil || ds.Key != cfg.Dataset {
		return nil, fmt.Errorf("search: the configuration asks for dataset %s but none or another was loaded", cfg.Dataset)
	}
	tr := ds.Train
	space, err := supernet.NewSpace(tr.H, tr.W, tr.C, tr.Classes, cfg.Ops, cfg.Space)
	if err != nil {
		return nil, err
	}
	bits := cfg.BitWidths()
	if space, err = space.WithBits(bits); err != nil {
		return nil, err
	}
	if cfg.Batch%cfg.Shards != 0 {
		return nil, fmt.Errorf("search: shards=%d does not divide batch=%d (accepted: a divisor of the batch)", cfg.Shards, cfg.Batch)
	}
	if bits != nil && cfg.HWCost == "table" {
		return nil, fmt.Errorf("search: bits=%s searches precision with Auto-NBA's path cost; DNA's cost tables (hwcost=table) have no precision (accepted: hwcost=path, or bits=8)", cfg.Bits)
	}
	var units []string // pipeline=searched: the stem, every block and the head are placed
	if cfg.Pipeline == "searched" {
		units = append(units, "stem")
		for _, b := range space.Blocks {
			units = append(units, b.Name)
		}
		units = append(units, "head")
	}
	hw, err := NewHardware(cfg.Platform, cfg.Model, cfg.Objective, units, bits)
	if err != nil {
		return nil, err
	}
	seed := uint64(cfg.Seed)
	splits, err := ds.SplitSubset(cfg.SearchSet, archFraction, seed)
	if err != nil {
		return nil, err
	}
	pcgSample, pcgHW := rand.NewPCG(seed, 0xa11c), rand.NewPCG(seed, 0x4a7d)
	r := &runner{
		ctx: ctx, cfg: cfg, orig: cfg, obs: obs, space: space, splits: splits, train: ds.Train, hw: hw,
		net:       supernet.New(space, seed),
		rngSample: rand.New(pcgSample), pcgSample: pcgSample,
		rngHW: rand.New(pcgHW), pcgHW: pcgHW,
		x:       tensor.New(cfg.Batch, tr.H, tr.W, tr.C),
		labels:  make([]int32, cfg.Batch),
		lambda:  cfg.Lambda,
		hwAware: true,
		group:   in.Group,
	}
	if cfg.Shards > 1 {
		per := cfg.Batch / cfg.Shards
		size := tr.H * tr.W * tr.C
		for i := range cfg.Shards {
			r.shardX = append(r.shardX, &tensor.Tensor{Shape: []int{per, tr.H, tr.W, tr.C}, Data: r.x.Data[i*per*size : (i+1)*per*size]})
		}
		r.shardBufs = make([]supernet.Shard, cfg.Shards)
		for range cfg.Shards {
			r.evalCounts = append(r.evalCounts, supernet.Shard{F64: make([]float64, 1)})
		}
		if in.Group != nil {
			if err := in.Group.Check(cfg.Shards); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range space.Blocks {
		r.blocks = append(r.blocks, b.Name)
	}
	if r.engine, err = NewEngine(cfg.Engine, hw.Space, r.rngHW); err != nil {
		return nil, err
	}
	perEpoch := r.weightBatches()
	warm := cfg.Warmup
	if cfg.Pretrained {
		warm = 0
		if in.Snapshot == nil {
			return nil, fmt.Errorf("search: pretrained=1 needs the snapshot %s (make it with dian pretrain, or set pretrained=0 to warm up here)", SnapshotFile(cfg.Dataset, cfg.Ops))
		}
		if err := loadSnapshot(r.net, in.Snapshot, cfg.Dataset); err != nil {
			return nil, err
		}
	}
	r.warmup = warm
	r.weightOpt = nn.NewSGD(r.net.WeightParams(), float32(cfg.LRWeights), weightMomentum, weightDecay)
	r.archOpt = nn.NewAdam(r.net.ArchParams(), float32(cfg.LRArch), 0.5, 0.999)
	r.weightBatcher = data.NewBatcher(r.splits.Weights, cfg.Batch, seed^0x77)
	r.archBatcher = data.NewBatcher(r.splits.Arch, cfg.Batch, seed^0xa4)
	r.steps = warm*perEpoch + cfg.Epochs*perEpoch + 1 + finetuneSteps(cfg.Finetune, ds.Train.N/cfg.Batch) + 1
	return r, nil
}

func (r *runner) weightBatches() int { return r.splits.Weights.N / r.cfg.Batch }

// tau is the temperature at a global epoch (warm-up included, as Auto-NBA).
// epochsDone is the number of weight-training epochs before the search:
// the warm-up run here, or the snapshot's. The temperature schedule counts
// them, as Auto-NBA's does.
func (r *runner) epochsDone() int {
	if r.cfg.Pretrained {
		return PretrainEpochs
	}
	return r.warmup
}

func (r *runner) tau(epoch int) float64 {
	t := r.cfg.Tau0
	for range epoch {
		t = float64(float32(t * r.cfg.TauDecay))
	}
	return t
}

func (r *runner) emit(phase string, epoch int, probs [][]float64) {
	r.obs(report.Event{Phase: phase, Step: r.step, Steps: r.steps, Epoch: epoch, Accuracy: r.lastAcc,
		LossWeights: r.lastLossW, LossArch: r.lastLossA, Lambda: r.lambda, Tau: r.tau(r.epochsDone() + epoch), Probs: probs, Path: r.net.Derive().Names(r.space.Ops), Bits: r.derivedWidths(), HW: r.lastHW,
		HWDist: r.hwDist()})
}

// hwDist is the accelerator engine's distribution for an event, nil
// before the engine has run. It only reads the engine (no random draws),
// so events never change a result.
func (r *runner) hwDist() *report.HWDist {
	if !r.engineRan {
		return nil
	}
	r.hwFresh = false
	if r.hwNames == nil {
		for _, d := range r.hw.Space.Decisions {
			r.hwNames = append(r.hwNames, d.Name)
		}
		r.hwLabels = report.OptionLabels(r.hw.Space)
	}
	d := &report.HWDist{Engine: r.engine.Name(), Decisions: r.hwNames, Options: r.hwLabels}
	rows := r.engine.Distribution()
	d.Probs = make([][]float64, len(rows))
	for i, row := range rows {
		d.Probs[i] = append([]float64(nil), row...)
	}
	if r.lastHW != nil && r.lastChoice != nil {
		d.Best = append([]int(nil), r.lastChoice...)
	}
	return d
}

func (r *runner) run(in Input) (*report.Result, error) {
	cfg := r.cfg
	if r.res == nil {
		r.res = &report.Result{Config: share.Link{Config: cfg}.Encode()}
	}
	res := r.res
	res.Timing.Build = in.Version
	totalWeightSteps := (r.warmup + cfg.Epochs) * r.weightBatches()

	// Warm-up: weights only, on single paths drawn from the (uniform) α.
	if r.before(phaseSearch) {
		t0 := time.Now()
		e0, b0 := r.resumeAt(report.PhaseWarmup)
		for epoch := e0; epoch < r.warmup; epoch++ {
			for b := startOf(epoch, e0, b0); b < r.weightBatches(); b++ {
				if err := r.boundary(position{Phase: report.PhaseWarmup, Epoch: epoch, Batch: b}); err != nil {
					return nil, err
				}
				r.weightOpt.LR = r.lr(r.weightSteps, totalWeightSteps)
				lw, err := r.weightStep(r.weightBatcher, r.weightOpt, r.tau(epoch))
				if err != nil {
					return nil, err
				}
				r.lastLossW = lw
				r.weightSteps++
				r.step++
				r.obs(report.Event{Phase: report.PhaseWarmup, Step: r.step, Steps: r.steps, Epoch: epoch, LossWeights: lw, Tau: r.tau(epoch), Lambda: r.lambda})
			}
		}
		res.Timing.WarmupSeconds += time.Since(t0).Seconds()
	}

	// The search.
	if r.before(phaseFinal) {
		t1 := time.Now()
		resumed := r.pos.Phase == report.PhaseSearch
		e0, b0 := r.resumeAt(report.PhaseSearch)
		if !resumed {
			if err := r.initTarget(); err != nil {
				return nil, err
			}
		}
		for e := e0; e < cfg.Epochs; e++ {
			tau := r.tau(r.epochsDone() + e)
			if cfg.HWCost == "table" && r.hwAware && !(resumed && e == e0) {
				if err := r.buildTable(); err != nil {
					return nil, err
				}
			}
			for b := startOf(e, e0, b0); b < r.weightBatches(); b++ {
				if err := r.boundary(position{Phase: report.PhaseSearch, Epoch: e, Batch: b}); err != nil {
					return nil, err
				}
				la, err := r.archStep(r.archBatcher, r.archOpt, tau, r.archSteps)
				r.lastLossA = la
				if err != nil {
					return nil, err
				}
				r.archSteps++
				r.weightOpt.LR = r.lr(r.weightSteps, totalWeightSteps)
				lw, err := r.weightStep(r.weightBatcher, r.weightOpt, tau)
				if err != nil {
					return nil, err
				}
				r.lastLossW = lw
				r.weightSteps++
				r.step++
				ev := report.Event{Phase: report.PhaseSearch, Step: r.step, Steps: r.steps, Epoch: e, LossWeights: lw, LossArch: la,
					Accuracy: r.lastAcc, Tau: tau, Lambda: r.lambda, Probs: r.net.Probs(), Path: r.net.Derive().Names(r.space.Ops), Bits: r.derivedWidths(), HW: r.lastHW}
				if r.hwFresh {
					ev.HWDist = r.hwDist()
				}
				r.obs(ev)
			}
			if err := r.endEpoch(); err != nil {
				return nil, err
			}
			r.emit(report.PhaseSearch, e, r.net.Probs())
		}
		res.Timing.SearchSeconds += time.Since(t1).Seconds()
		res.Search = report.SearchSummary{SearchImages: r.splits.Weights.N + r.splits.Arch.N, ArchSteps: r.archSteps, FinalLambda: r.lambda, TargetLo: r.cfg.TargetLo, TargetHi: r.cfg.TargetHi,
			FinalProbs: r.net.Probs()}
	}

	// Derive, search its accelerator, fine-tune, test.
	path := r.net.Derive()
	widths := r.net.DeriveWidths(path)
	if r.before(phaseFinetune) {
		// The final search is one long step: a checkpoint taken before it
		// is what an interruption inside it keeps.
		if err := r.boundary(position{Phase: report.PhaseFinalHW}); err != nil {
			return nil, err
		}
		t2 := time.Now()
		choice, trace, err := r.finalAccelerator(path, widths)
		if err != nil {
			return nil, r.interrupted(err)
		}
		r.finalChoice = choice
		res.Search.HWEvaluations = r.hwEvals
		res.Search.FinalTrace = downsample(trace.BestSoFar, 64)
		res.Timing.FinalHWSeconds += time.Since(t2).Seconds()
	}

	t3 := time.Now()
	acc, err := r.finetune(path, widths)
	if err != nil {
		return nil, err
	}
	res.Timing.FinetuneSeconds += time.Since(t3).Seconds()
	if err := r.fillResult(res, path, widths, r.finalChoice, acc); err != nil {
		return nil, err
	}
	res.Search.TrainSteps = r.trainSteps
	return res, nil
}

// finalAccelerator is the accelerator the derived network gets: a long
// search (FinalSteps evaluations), or the pinned design.
func (r *runner) finalAccelerator(path supernet.Path, w supernet.Widths) ([]int, Trace, error) {
	defer func() { r.step++; r.emit(report.PhaseFinalHW, 0, nil) }()
	if r.fixedHW != nil {
		return r.fixedHW, Trace{}, r.costOn(path, w, r.fixedHW)
	}
	budget := r.cfg.FinalSteps
	if r.finalEvals > 0 {
		budget = r.finalEvals
	}
	return r.searchAccelerator(path, w, budget, r.engine)
}

// costOn evaluates path at widths w on the design at choice and makes it
// the current hardware summary.
func (r *runner) costOn(path supernet.Path, w supernet.Widths, choice []int) error {
	if err := r.hw.Bind(r.space.Network(path, w)); err != nil {
		return err
	}
	_, c, err := r.hw.Evaluate(choice)
	if err != nil {
		return err
	}
	r.lastHW, r.lastChoice = summarize(c), choice
	return nil
}

// lr is the cosine-decayed weight learning rate at a step.
func (r *runner) lr(step, total int) float32 {
	base := float32(r.cfg.LRWeights)
	return nn.CosineLR(base, base*lrFloor, step, total)
}

// weightStep trains the weights of one sampled path on a weight batch;
// with a precision search, its ops' widths are mixed by a Gumbel-softmax
// sample at temperature tau (heterogeneous sampling).
func (r *runner) weightStep(b *data.Batcher, opt *nn.SGD, tau float64) (float64, error) {
	var path supernet.Path
	if r.cfg.Sampling == "soft" {
		path = r.net.SampleSoft(r.rngSample, r.tau(r.epochsDone()))
	} else {
		path = r.net.SampleHard(r.rngSample, 1)
	}
	r.net.SampleWidths(r.rngSample, path, tau, false)
	return r.trainBatch(b, opt)
}

// trainBatch is one SGD step of the supernet's current path on the next
// batch of b, counted in the run's budget; it returns the batch's loss.
func (r *runner) trainBatch(b *data.Batcher, opt *nn.SGD) (float64, error) {
	b.Next(r.x.Data, r.labels)
	r.trainSteps++
	if r.cfg.Shards <= 1 {
		return float64(nn.TrainStep(r.net.Net, r.net.WeightParams(), &r.ce, opt, r.x, r.labels, gradClip)), nil
	}
	params := r.net.WeightParams()
	nn.ZeroGrad(params)
	loss, err := r.backprop(true)
	if err != nil {
		return 0, err
	}
	nn.ClipGradNorm(params, gradClip)
	opt.Step()
	return loss, nil
}

// backprop runs the batch in r.x forward and backward in training mode and
// returns its loss: in one pass, or shard by shard (cfg.Shards), this
// process computing the shards it owns and the group bringing the rest,
// summed in shard order (supernet.ReduceShards). With weights the weight
// gradients are summed too (an architecture step needs only α's and β's).
func (r *runner) backprop(weights bool) (float64, error) {
	if r.cfg.Shards <= 1 {
		loss := float64(r.ce.Forward(r.net.Net.Forward(r.x, true), r.labels))
		r.net.Net.Backward(r.ce.Backward())
		return loss, nil
	}
	r.net.SetDeferred(true)
	defer r.net.SetDeferred(false)
	r.ce.Denom = r.cfg.Batch
	defer func() { r.ce.Denom = 0 }()
	per := r.cfg.Batch / r.cfg.Shards
	for i, x := range r.shardX {
		if r.group != nil && !r.group.Owns(i, r.cfg.Shards) {
			continue
		}
		r.net.BeginShard(weights)
		loss := float64(r.ce.Forward(r.net.Net.Forward(x, true), r.labels[i*per:(i+1)*per]))
		r.net.Net.Backward(r.ce.Backward())
		r.net.CaptureShard(&r.shardBufs[i], weights, loss)
	}
	if r.group != nil {
		if err := r.group.Exchange(r.exchanges, r.shardBufs); err != nil {
			return 0, fmt.Errorf("search: exchanging shards: %w", err)
		}
		r.exchanges++
	}
	return r.net.ReduceShards(r.shardBufs, weights)
}

// archStep is one architecture update: CE on an architecture batch plus λ
// times the hardware penalty, Adam on α, then the offset correction.
func (r *runner) archStep(b *data.Batcher, opt *nn.Adam, tau float64, archSteps int) (float64, error) {
	var path supernet.Path
	if r.cfg.Sampling == "soft" {
		path = r.net.SampleSoft(r.rngSample, tau)
	} else {
		path = r.net.SampleHard(r.rngSample, 2)
	}
	widths := r.net.SampleWidths(r.rngSample, path, tau, true)
	if r.fixedHW != nil && r.bestChoice == nil {
		r.bestChoice, r.blockCache = r.fixedHW, map[string][]float64{}
	}
	if r.hwAware && r.fixedHW == nil && r.cfg.HWCost == "path" && archSteps%hwUpdateEvery == 0 {
		// Auto-NBA: search an accelerator for the sampled single path.
		choice, _, err := r.stepSearch(path, widths, r.cfg.AccelSteps, r.engine)
		if err != nil {
			return 0, err
		}
		if choice != nil {
			r.bestChoice = choice
			r.blockCache = map[string][]float64{}
		}
	}
	b.Next(r.x.Data, r.labels)
	r.trainSteps++
	nn.ZeroGrad(r.net.ArchParams())
	loss, err := r.backprop(false)
	if err != nil {
		return 0, err
	}
	r.net.AccumulateAlphaGrad(tau)
	r.net.AccumulateBetaGrad()
	if r.hwAware && r.lambda > 0 {
		if err := r.addHardwareGrad(path, widths); err != nil {
			return 0, err
		}
	}
	old, oldWidths := r.net.ActiveLogits(), r.net.WidthLogits()
	opt.Step()
	if r.cfg.Sampling != "soft" {
		r.net.OffsetCorrect(old)
	}
	r.net.OffsetCorrectWidths(oldWidths)
	return loss, nil
}

// addHardwareGrad adds λ·∂(hardware cost)/∂α (and ∂β for the widths w).
func (r *runner) addHardwareGrad(path supernet.Path, w supernet.Widths) error {
	if r.cfg.HWCost == "table" {
		if r.table == nil {
			return nil
		}
		// L = Σ_b Σ_o softmax(α_b)_o·T_bo: dL/dα_bj = p_j(T_bj − Σ_o p_o T_bo).
		probs := r.net.Probs()
		grad := r.net.Alpha.Grad.Data
		k := len(r.space.Ops)
		for bi, p := range probs {
			var mean float64
			for o, po := range p {
				mean += float64(po * r.table[bi][o])
			}
			for o, po := range p {
				grad[bi*k+o] += float32(r.lambda * po * (r.table[bi][o] - mean))
			}
		}
		return nil
	}
	if r.bestChoice == nil {
		return nil // no feasible accelerator yet: no hardware signal this step
	}
	key := fmt.Sprint(path, w)
	costs, ok := r.blockCache[key]
	if !ok {
		if err := r.hw.Bind(r.space.Network(path, w)); err != nil {
			return err
		}
		var err error
		if costs, err = r.hw.BlockCosts(r.bestChoice, r.blocks); err != nil {
			return err
		}
		r.blockCache[key] = costs
	}
	scaled := make([]float64, len(costs))
	for i, c := range costs {
		scaled[i] = r.lambda * c
	}
	r.net.AddPathGrad(path, w, scaled)
	return nil
}

// searchAccelerator runs engine for budget evaluations on path's network
// and returns the best point it found (nil if none was feasible). It stops
// early, with the context's error, when the search is cancelled.
func (r *runner) searchAccelerator(path supernet.Path, w supernet.Widths, budget int, engine Engine) ([]int, Trace, error) {
	return r.searchAcceleratorIn(r.ctx, path, w, budget, engine)
}

// stepSearch is an accelerator search that is part of a training step
// (every hwUpdateEvery architecture steps, each epoch's end, the target
// probes, DNA's table). It runs to the end even when the search is
// cancelled, accelsteps evaluations at most, so that a step is done whole
// or not at all and the next step boundary can save a checkpoint.
func (r *runner) stepSearch(path supernet.Path, w supernet.Widths, budget int, engine Engine) ([]int, Trace, error) {
	return r.searchAcceleratorIn(context.WithoutCancel(r.ctx), path, w, budget, engine)
}

func (r *runner) searchAcceleratorIn(ctx context.Context, path supernet.Path, w supernet.Widths, budget int, engine Engine) ([]int, Trace, error) {
	if err := r.hw.Bind(r.space.Network(path, w)); err != nil {
		return nil, Trace{}, err
	}
	t := engine.Search(ctx, budget, r.hw.Eval)
	if err := ctx.Err(); err != nil {
		return nil, t, err
	}
	r.hwEvals += t.Evals
	if engine == r.engine {
		r.engineRan, r.hwFresh = true, true
	}
	if t.Best == nil {
		return nil, t, nil
	}
	_, c, err := r.hw.Evaluate(t.Best)
	if err != nil {
		return nil, t, err
	}
	r.lastHW, r.lastChoice = summarize(c), t.Best
	return t.Best, t, nil
}

// summarize returns the headline numbers of the best accelerator's cost, for
// the events (they carry no accuracy of their own).
func summarize(c *accel.NetworkCost) *report.Metrics {
	m := report.MetricsOf(c, 0)
	return &m
}

// objectiveValue is the number the target band is about: FPS for fps,
// else the objective's own unit.
func objectiveValue(h *report.Metrics, objective string) float64 {
	switch objective {
	case "latency":
		return h.LatencyMs
	case "energy":
		return h.Energy
	case "edp":
		return h.EDP
	}
	return h.FPS
}

// initTarget sets an automatic band when the configuration leaves it open:
// between 40 % and 70 % of the way from the costliest network (the largest
// op everywhere) to the cheapest (skip everywhere), each on its best
// accelerator after a short search.
func (r *runner) initTarget() error {
	if !r.cfg.Adapt || r.cfg.TargetLo != 0 || r.cfg.TargetHi != 0 {
		return nil
	}
	probe := func(op int) (float64, error) {
		p := make(supernet.Path, len(r.space.Blocks))
		for i := range p {
			p[i] = op
		}
		eng, _ := NewEngine("random", r.hw.Space, rand.New(rand.NewPCG(uint64(r.cfg.Seed), 0x7a)))
		choice, _, err := r.stepSearch(p, r.widest(), r.cfg.AccelSteps, eng)
		if err != nil || choice == nil {
			return 0, err
		}
		return objectiveValue(r.lastHW, r.cfg.Objective), nil
	}
	heavy, err := probe(r.largestOp())
	if err != nil {
		return err
	}
	light, err := probe(len(r.space.Ops) - 1) // skip is last in every op set
	if err != nil {
		return err
	}
	r.lastHW, r.lastChoice = nil, nil
	lo, hi := heavy+float64(0.4*(light-heavy)), heavy+float64(0.7*(light-heavy))
	if lo > hi {
		lo, hi = hi, lo
	}
	r.cfg.TargetLo, r.cfg.TargetHi = lo, hi
	return nil
}

// derivedWidths is the derived network's width per block (nil without a
// precision search), for the events.
func (r *runner) derivedWidths() []int {
	return r.net.DeriveWidths(r.net.Derive())
}

// widest is every block at the widest width of a precision search (nil
// without one): the costliest precision, for the target probes and the
// fixed networks of the baselines.
func (r *runner) widest() supernet.Widths {
	if len(r.space.Bits) == 0 {
		return nil
	}
	w := make(supernet.Widths, len(r.space.Blocks))
	for i := range w {
		w[i] = r.space.Bits[len(r.space.Bits)-1]
	}
	return w
}

// largestOp is the op with the most MACs (k5_e6).
func (r *runner) largestOp() int {
	best, bestMACs := 0, int64(-1)
	for o := range r.space.Ops {
		p := make(supernet.Path, len(r.space.Blocks))
		for i := range p {
			p[i] = o
		}
		if m := r.space.MACs(p); m > bestMACs {
			best, bestMACs = o, m
		}
	}
	return best
}

// endEpoch measures the derived network (accuracy on part of the
// architecture split, cost on a fresh accelerator search) and adapts λ.
func (r *runner) endEpoch() error {
	path := r.net.Derive()
	widths := r.net.DeriveWidths(path)
	var err error
	if r.lastAcc, err = r.accuracy(path, widths, r.splits.Arch, evalImages); err != nil {
		return err
	}
	if !r.hwAware {
		return nil
	}
	if r.fixedHW != nil {
		if err := r.costOn(path, widths, r.fixedHW); err != nil {
			return err
		}
	} else if _, _, err := r.stepSearch(path, widths, r.cfg.AccelSteps, r.engine); err != nil {
		return err
	}
	if !r.cfg.Adapt || r.lastHW == nil {
		return nil
	}
	v := objectiveValue(r.lastHW, r.cfg.Objective)
	higherIsBetter := r.cfg.Objective == "fps"
	tooCostly := (higherIsBetter && v < r.cfg.TargetLo) || (!higherIsBetter && v > r.cfg.TargetHi)
	tooCheap := (higherIsBetter && v > r.cfg.TargetHi) || (!higherIsBetter && v < r.cfg.TargetLo)
	switch {
	case tooCostly:
		r.lambda *= 2
	case tooCheap:
		r.lambda /= 2
	}
	return nil
}

// buildTable is DNA's cost table: sample networks from α, search an
// accelerator for each, and average every (block, op)'s cost share over
// those accelerators.
func (r *runner) buildTable() error {
	k := len(r.space.Ops)
	sum := make([][]float64, len(r.space.Blocks))
	for i := range sum {
		sum[i] = make([]float64, k)
	}
	n := 0
	for range tableNets {
		path := r.net.SampleHard(r.rngSample, 1)
		choice := r.fixedHW // hardware-aware NAS on a fixed accelerator costs on it
		if choice == nil {
			var err error
			if choice, _, err = r.stepSearch(path, nil, max(1, r.cfg.AccelSteps/tableNets), r.engine); err != nil {
				return err
			}
		}
		if choice == nil {
			continue
		}
		n++
		for bi := range r.space.Blocks {
			for o := range k {
				p := append(supernet.Path(nil), path...)
				p[bi] = o
				if err := r.hw.Bind(r.space.Network(p, nil)); err != nil {
					return err
				}
				costs, err := r.hw.BlockCosts(choice, r.blocks)
				if err != nil {
					return err
				}
				sum[bi][o] += costs[bi]
			}
		}
	}
	if n == 0 {
		return nil
	}
	for bi := range sum {
		for o := range sum[bi] {
			sum[bi][o] /= float64(n)
		}
	}
	r.table = sum
	return nil
}

// accuracy is the fraction of the first limit images of set that path,
// at widths w, classifies correctly (evaluation mode). With a group it
// fails only when the exchange of counts does.
func (r *runner) accuracy(path supernet.Path, w supernet.Widths, set *data.Set, limit int) (float64, error) {
	r.net.SetPath(path, w)
	n := min(set.N, limit)
	if limit <= 0 {
		n = set.N
	}
	size := set.ImageSize()
	correct := 0
	// On several processes each classifies the batches of the shards it
	// owns (batch b is shard b mod Shards's) and the counts are exchanged:
	// images are classified one by one, so the count is the same whoever
	// classified which.
	var counts []supernet.Shard
	if r.group != nil {
		counts = r.evalCounts
	}
	for i, b := 0, 0; i < n; i, b = i+r.cfg.Batch, b+1 {
		if counts != nil && !r.group.Owns(b%r.cfg.Shards, r.cfg.Shards) {
			continue
		}
		m := min(r.cfg.Batch, n-i)
		x := r.x
		if m != r.cfg.Batch {
			x = tensor.New(m, set.H, set.W, set.C)
		}
		copy(x.Data, set.Images[i*size:(i+m)*size])
		logits := r.net.Net.Forward(x, false)
		classes := logits.Shape[1]
		for j := range m {
			if nn.Argmax(logits.Data[j*classes:(j+1)*classes]) != int(set.Labels[i+j]) {
				continue
			}
			if counts != nil {
				counts[b%r.cfg.Shards].F64[0]++
			} else {
				correct++
			}
		}
	}
	if counts != nil {
		if err := r.group.Exchange(r.exchanges, counts); err != nil {
			return 0, fmt.Errorf("search: exchanging evaluation counts: %w", err)
		}
		r.exchanges++
		for i := range counts {
			correct += int(counts[i].F64[0])
			counts[i].F64[0] = 0
		}
	}
	if n == 0 {
		return 0, nil
	}
	return float64(correct) / float64(n), nil
}

// finetuneSteps is the number of batches in epochs (possibly fractional)
// of fine-tuning, rounded to the nearest.
func finetuneSteps(epochs float64, batchesPerEpoch int) int {
	return int(math.Round(float64(epochs * float64(batchesPerEpoch))))
}

// finetune trains the derived network's weights (at widths w) on the
// whole training set and returns its test accuracy.
func (r *runner) finetune(path supernet.Path, w supernet.Widths) (float64, error) {
	r.net.SetPath(path, w)
	r.startFinetune()
	b, opt := r.finetuneBatcher, r.finetuneOpt
	base := float32(r.cfg.LRWeights)
	total := finetuneSteps(r.cfg.Finetune, b.BatchesPerEpoch())
	_, s0 := r.resumeAt(report.PhaseFinetune)
	for s := s0; s < total; s++ {
		if err := r.boundary(position{Phase: report.PhaseFinetune, Batch: s}); err != nil {
			return 0, err
		}
		opt.LR = nn.CosineLR(base, base*lrFloor, s, total)
		lw, err := r.trainBatch(b, opt)
		if err != nil {
			return 0, err
		}
		r.lastLossW = lw
		r.step++
		r.obs(report.Event{Phase: report.PhaseFinetune, Step: r.step, Steps: r.steps, Epoch: s / max(1, b.BatchesPerEpoch()),
			LossWeights: lw, Accuracy: r.lastAcc, Lambda: r.lambda, Path: path.Names(r.space.Ops), HW: r.lastHW})
	}
	acc, err := r.accuracy(path, w, r.splits.Test, 0)
	if err != nil {
		return 0, err
	}
	r.lastAcc = acc
	r.step++
	r.emit(report.PhaseEvaluate, 0, nil)
	return acc, nil
}

// startFinetune makes the fine-tuning's batcher and optimizer, once (a
// resumed search has them from its checkpoint).
func (r *runner) startFinetune() {
	if r.finetuneOpt != nil {
		return
	}
	r.finetuneBatcher = data.NewBatcher(r.train, r.cfg.Batch, uint64(r.cfg.Seed)^0xf1)
	r.finetuneOpt = nn.NewSGD(r.net.WeightParams(), float32(r.cfg.LRWeights), weightMomentum, weightDecay)
}

// downsample keeps at most n points of a curve, evenly spaced, last kept.
func downsample(v []float64, n int) []float64 {
	if len(v) <= n {
		return append([]float64(nil), v...)
	}
	out := make([]float64, n)
	for i := range n {
		out[i] = v[(i+1)*len(v)/n-1]
	}
	return out
}
