package search

// Every method of a comparison spends the same budget: the minibatch
// training steps and the cost-model evaluations a co-search of the same
// configuration makes. The baselines need less of one or the other by
// their nature; they give what is left to the part of their work that
// uses it (docs/METHOD.md §5.5 says how, baseline by baseline).

// Budget is what a run spends.
type Budget struct {
	// TrainSteps counts minibatch gradient steps, on the weights or the
	// architecture parameters: warm-up, search, fine-tuning.
	TrainSteps int
	// HWEvaluations counts designs the cost model evaluated for an
	// accelerator search engine.
	HWEvaluations int
}

// coSearchBudget is what a co-search of r's configuration spends, worked
// out from the configuration as the co-search's loop spends it (a test
// checks the two agree).
func (r *runner) coSearchBudget() Budget {
	cfg := r.cfg
	n := r.weightBatches()
	archSteps := cfg.Epochs * n
	train := r.warmup*n + cfg.Epochs*n + archSteps + r.finetuneStepsFor(cfg.Finetune)
	hw := r.probeEvals() + cfg.Epochs*cfg.AccelSteps + cfg.FinalSteps
	switch cfg.HWCost {
	case "table":
		hw += cfg.Epochs * tableNets * max(1, cfg.AccelSteps/tableNets)
	default:
		hw += (archSteps + hwUpdateEvery - 1) / hwUpdateEvery * cfg.AccelSteps
	}
	return Budget{TrainSteps: train, HWEvaluations: hw}
}

// probeEvals is what setting the automatic target band costs (initTarget).
func (r *runner) probeEvals() int {
	if !r.orig.Adapt || r.orig.TargetLo != 0 || r.orig.TargetHi != 0 {
		return 0
	}
	return 2 * r.cfg.AccelSteps
}

// finetuneStepsFor is the number of fine-tuning steps of epochs epochs
// over the whole training set.
func (r *runner) finetuneStepsFor(epochs float64) int {
	return finetuneSteps(epochs, r.train.N/r.cfg.Batch)
}

// spent is what the run has spent so far.
func (r *runner) spent() Budget { return Budget{TrainSteps: r.trainSteps, HWEvaluations: r.hwEvals} }
