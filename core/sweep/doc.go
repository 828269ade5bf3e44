// Package sweep runs many searches from one configuration and summarises
// them with their spread: every seed of a list, every method (the
// co-search and the baselines, each alone on the co-search's budgets), and
// every trade-off point (a fixed λ or a target band), so each method gives
// a front over the points rather than one point.
//
// The unit of work is a URL configuration (Unit.Config): a sweep is a list
// of them, run on any number of goroutines (Run), or split into shards
// that separate processes run and Merge joins. The result does not depend
// on how the work was split: runs are kept in unit order and the summary
// is computed from them afterwards.
//
// The summary (Summarize) gives, per method, the mean and 95% confidence
// interval of accuracy, FPS, latency, energy and EDP; per seed, the front
// of accuracy against the objective and its hypervolume; and, against the
// co-search on the same seeds, paired comparisons of the hypervolume and
// of each point's accuracy and objective (wins, mean difference, a paired
// t-test and a sign test). See Reference for the hypervolume's reference
// point.
package sweep
