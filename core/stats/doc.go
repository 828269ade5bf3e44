// Package stats summarises measurements taken over seeds: the mean with a
// 95% confidence interval, paired comparisons of two methods on the same
// seeds (wins, mean difference, a paired t-test and a sign test), and the
// hypervolume of a two-objective front.
//
// A single run of a stochastic search proves nothing; these are the
// numbers every comparison the project shows is reported with. The
// distributions (Student's t, the binomial) are gonum's (gonum/stat,
// gonum/stat/distuv). Their special functions use math.Exp and math.Lgamma,
// whose last bit may differ between amd64 and WebAssembly, so a summary
// computed natively and one computed in the browser agree to about 1e-15
// relative, not bit for bit; the measurements they summarise are
// bit-identical.
package stats
