package supernet

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/tensor"
)

// BenchmarkTrainStep is one weight step of the search (a sampled path,
// batch 32, SGD) on MNIST-sized inputs, with the products split over 1 and
// 2 goroutines (tensor.SetWorkers; the result is the same bits): the tiny
// layout on 14×14 inputs, as the page searches, and FBNet's on 28×28.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range []struct {
		layout string
		side   int
	}{{"tiny", 14}, {"fbnet", 28}} {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", c.layout, w), func(b *testing.B) {
				tensor.SetWorkers(w)
				defer tensor.SetWorkers(0)
				space, err := NewSpace(c.side, c.side, 1, 10, "fbnet", c.layout)
				if err != nil {
					b.Fatal(err)
				}
				s := New(space, 1)
				rng := rand.New(rand.NewPCG(1, 2))
				const batch = 32
				x := tensor.New(batch, c.side, c.side, 1)
				for i := range x.Data {
					x.Data[i] = float32(rng.NormFloat64())
				}
				labels := make([]int32, batch)
				for i := range labels {
					labels[i] = int32(i % 10)
				}
				opt := nn.NewSGD(s.WeightParams(), 0.05, 0.9, 4e-5)
				var ce nn.SoftmaxCrossEntropy
				paths := make([]Path, 8)
				for i := range paths {
					paths[i] = s.SampleHard(rng, 1)
				}
				i := 0
				for b.Loop() {
					s.SetPath(paths[i%len(paths)], nil)
					nn.TrainStep(s.Net, s.WeightParams(), &ce, opt, x, labels, 5)
					i++
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "img/s")
			})
		}
	}
}
