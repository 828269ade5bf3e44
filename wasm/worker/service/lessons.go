package service

import "github.com/dian-explorer/dian/wasm/protocol"

// Lessons are the guided lessons, one per name in share.Lessons, in the
// same order.
var Lessons = []protocol.Lesson{
	{
		Name:  "dataflow",
		Title: "What a dataflow changes",
		Steps: []string{
			"Press Play: the search picks a network and an Eyeriss-like accelerator for the 8×8 digits.",
			"In the accelerator design, note each chunk's dataflow (ws, os, is or rs) and its tiles.",
			"In the per-layer table, compare where the energy goes: DRAM, the global buffer or the PE registers.",
			"Switch the platform to the 16×16 systolic array and run again: which dataflow wins now, and why does the DRAM share change?",
		},
		Fragment: "v=1&dataset=digits8&platform=eyeriss&objective=energy&epochs=2&finetune=1&accelsteps=50&finalsteps=500&lesson=dataflow&lock=dataset,ops,sampling",
	},
	{
		Name:  "tradeoff",
		Title: "Accuracy against FPS",
		Steps: []string{
			"This link fixes λ, the weight of the hardware cost, at a small value and turns its adaptation off. Press Play and note the accuracy and the FPS.",
			"Raise λ to 1 and run again with the same seed: the search now prefers cheaper ops.",
			"Raise it to 10. Where does accuracy start to fall faster than FPS rises?",
		},
		Fragment: "v=1&dataset=digits8&platform=zc706&adapt=0&lambda=0.01&epochs=3&finetune=1&accelsteps=50&finalsteps=500&lesson=tradeoff&lock=dataset,platform,adapt,objective",
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
