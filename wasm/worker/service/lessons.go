package service

import "github.com/dian-explorer/dian/wasm/protocol"

// Lessons are the guided lessons, one per name in share.Lessons, in the
// same order.
var Lessons = []protocol.Lesson{
	{
		Name:  "dataflow",
		Title: "Where an accelerator spends its time and energy",
		Steps: []string{
			"Press Play: the search picks a network and an Eyeriss-like accelerator for the 8×8 digits, minimising energy.",
			"In the accelerator table, note the dataflow the search chose (ws, os, is or rs) and its unrolling: which loops are spread over the rows and the columns of the PE array.",
			"In the per-layer table, see where each layer's energy goes: on seed 1, DRAM takes 60–95 % of every layer's. Why does fetching data cost more than computing on it?",
			"Find the depthwise layers (dw): they have the fewest MACs, yet on seed 1 b1.dw alone takes more than half of all the cycles. Play it in the accelerator view and count the busy PEs against a 1×1 layer's: a depthwise convolution has one input channel per output channel, so the unrolling over input channels has nothing to spread.",
			"Switch the platform to the 16×16 systolic array and run again. Its model (SCALE-Sim's) gives each layer's cycles and total energy, not a breakdown by level. Look at the depthwise layers once more: SCALE-Sim runs them once per channel, and on seed 1 the three of them take about three quarters of the cycles.",
		},
		Fragment: "v=1&dataset=digits8&platform=eyeriss&objective=energy&epochs=2&finetune=1&accelsteps=50&finalsteps=500&lesson=dataflow&lock=dataset,ops,sampling",
	},
	{
		Name:  "tradeoff",
		Title: "Accuracy against FPS",
		Steps: []string{
			"This link runs the search at three values of λ, the weight of the hardware cost (held fixed: adapt is off), on five seeds each. Press Compare; the 15 searches take about half a minute.",
			"From λ = 0.01 to λ = 1, FPS about doubles on every seed (means 48k and 93k frames/s, with 95 % intervals that do not overlap), and accuracy falls by about 1.5 points on four seeds of five: the search buys speed with skipped blocks and smaller ops.",
			"From λ = 1 to λ = 10, neither changes beyond the noise: the intervals overlap, and seed by seed FPS goes up or down. Most blocks are already skipped, so there is little left to trade. One run of each would not have told you that.",
		},
		Fragment: "v=1&dataset=digits8&platform=zc706&adapt=0&lambda=0.01&epochs=3&finetune=1&accelsteps=50&finalsteps=500&seeds=1-5&lambdas=0.01,1,10&lesson=tradeoff&lock=dataset,platform,adapt,objective",
	},
	{
		Name:  "cosearch",
		Title: "Does co-search beat searching one after the other?",
		Steps: []string{
			"This link compares the co-search with the sequential baseline (a hardware-unaware network search, then the best accelerator for the network it found) on five seeds and two values of λ, every method on the same budget of training steps and accelerator evaluations.",
			"Press Compare: the searches run in parallel workers, and each method's front (accuracy against FPS, means with 95 % intervals) grows on the plot as runs finish.",
			"Read the sentence under the table: on how many seeds did the co-search do better, and is the difference larger than the noise? Add seeds (6-10) to see whether the answer holds.",
		},
		Fragment: "v=1&dataset=digits8&platform=zc706&epochs=3&finetune=1&accelsteps=50&finalsteps=500&baselines=sequential&seeds=1-5&lambdas=0.1,1&lesson=cosearch&lock=dataset,baselines",
	},
}
