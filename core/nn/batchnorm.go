package nn

import (
	"fmt"
	"math"

	"github.com/dian-explorer/dian/core/tensor"
)

// BatchNorm normalises each channel (the last dimension) of its input. In
// training it uses the batch's mean and biased variance over all other
// dimensions and updates the running statistics,
// running = (1−Momentum)·running + Momentum·batch (the variance unbiased, as
// in PyTorch); in evaluation it uses the running statistics.
// y = Gamma·(x−mean)/√(var+Eps) + Beta.
type BatchNorm struct {
	C                       int
	Eps, Momentum           float32
	Gamma, Beta             *Param
	RunningMean, RunningVar []float32

	train        bool
	rows         int
	mean, invStd []float32
	sum, sumSq   []float64
	xhat, y, dx  tensor.Tensor
}

// NewBatchNorm returns batch norm over c channels with Gamma 1, Beta 0,
// running mean 0 and variance 1, Eps 1e-5 and Momentum 0.1.
func NewBatchNorm(name string, c int) *BatchNorm {
	b := &BatchNorm{C: c, Eps: 1e-5, Momentum: 0.1,
		Gamma: newParam(name+".gamma", true, c), Beta: newParam(name+".beta", true, c),
		RunningMean: make([]float32, c), RunningVar: make([]float32, c),
		mean: make([]float32, c), invStd: make([]float32, c), sum: make([]float64, c), sumSq: make([]float64, c)}
	for i := range c {
		b.Gamma.Value.Data[i] = 1
		b.RunningVar[i] = 1
	}
	return b
}

// Forward normalises x.
func (b *BatchNorm) Forward(x *tensor.Tensor, train bool) *tensor.Tensor {
	c := b.C
	if x.Shape[len(x.Shape)-1] != c {
		panic(fmt.Sprintf("nn: %s expects %d channels, got shape %v", b.Gamma.Name, c, x.Shape))
	}
	rows := len(x.Data) / c
	b.rows, b.train = rows, train
	if train {
		clear(b.sum)
		clear(b.sumSq)
		for r := 0; r < rows; r++ {
			for j, v := range x.Data[r*c:][:c] {
				b.sum[j] += float64(v)
			}
		}
		for j := range c {
			b.mean[j] = float32(b.sum[j] / float64(rows))
		}
		for r := 0; r < rows; r++ {
			for j, v := range x.Data[r*c:][:c] {
				d := float64(v - b.mean[j])
				b.sumSq[j] += float64(d * d)
			}
		}
		mom := b.Momentum
		for j := range c {
			v := b.sumSq[j] / float64(rows)
			b.invStd[j] = float32(1 / math.Sqrt(v+float64(b.Eps)))
			unbiased := v
			if rows > 1 {
				unbiased = v * float64(rows) / float64(rows-1)
			}
			b.RunningMean[j] = float32((1-mom)*b.RunningMean[j]) + float32(mom*b.mean[j])
			b.RunningVar[j] = float32((1-mom)*b.RunningVar[j]) + float32(mom*float32(unbiased))
		}
	} else {
		for j := range c {
			b.mean[j] = b.RunningMean[j]
			b.invStd[j] = float32(1 / math.Sqrt(float64(b.RunningVar[j])+float64(b.Eps)))
		}
	}
	b.xhat.ResizeLike(x)
	b.y.ResizeLike(x)
	gamma, beta := b.Gamma.Value.Data, b.Beta.Value.Data
	for r := 0; r < rows; r++ {
		xr := x.Data[r*c:][:c]
		hr := b.xhat.Data[r*c:][:c]
		yr := b.y.Data[r*c:][:c]
		for j, v := range xr {
			h := float32((v - b.mean[j]) * b.invStd[j])
			hr[j] = h
			yr[j] = float32(gamma[j]*h) + beta[j]
		}
	}
	return &b.y
}

// Backward: dβ = Σ dy, dγ = Σ dy·x̂; in training
// dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)), in evaluation
// dx = γ·invStd·dy.
func (b *BatchNorm) Backward(dy *tensor.Tensor) *tensor.Tensor {
	c, rows := b.C, b.rows
	clear(b.sum)
	clear(b.sumSq)
	for r := 0; r < rows; r++ {
		hr := b.xhat.Data[r*c:][:c]
		for j, d := range dy.Data[r*c:][:c] {
			b.sum[j] += float64(d)
			b.sumSq[j] += float64(float64(d) * float64(hr[j])) // exact: float32·float32 fits in float64
		}
	}
	gamma := b.Gamma.Value.Data
	dg, dbeta := b.Gamma.Grad.Data, b.Beta.Grad.Data
	for j := range c {
		dbeta[j] += float32(b.sum[j])
		dg[j] += float32(b.sumSq[j])
	}
	b.dx.ResizeLike(dy)
	inv := 1 / float64(rows)
	for r := 0; r < rows; r++ {
		hr := b.xhat.Data[r*c:][:c]
		dxr := b.dx.Data[r*c:][:c]
		for j, d := range dy.Data[r*c:][:c] {
			s := float32(gamma[j] * b.invStd[j])
			if b.train {
				md := float32(b.sum[j] * inv)
				mdh := float32(b.sumSq[j] * inv)
				dxr[j] = float32(s * (d - md - float32(hr[j]*mdh)))
			} else {
				dxr[j] = float32(s * d)
			}
		}
	}
	return &b.dx
}

// Params returns Gamma and Beta.
func (b *BatchNorm) Params() []*Param { return []*Param{b.Gamma, b.Beta} }
