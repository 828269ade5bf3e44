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
	// Deferred keeps a training Forward from updating the running
	// statistics: it leaves the batch's mean and unbiased variance in
	// BatchMean and BatchVar (and Ran true) for ApplyRunning, so the
	// updates of a batch's shards can be applied in shard order whichever
	// process computed them.
	Deferred            bool
	Ran                 bool
	BatchMean, BatchVar []float32

	train          bool
	rows           int
	mean, invStd   []float32
	scale, md, mdh []float32 // backward's per-channel factors
	sum, sumSq     []float64
	xhat, y, dx    tensor.Tensor
}

// NewBatchNorm returns batch norm over c channels with Gamma 1, Beta 0,
// running mean 0 and variance 1, Eps 1e-5 and Momentum 0.1.
func NewBatchNorm(name string, c int) *BatchNorm {
	b := &BatchNorm{C: c, Eps: 1e-5, Momentum: 0.1,
		Gamma: newParam(name+".gamma", true, c), Beta: newParam(name+".beta", true, c),
		RunningMean: make([]float32, c), RunningVar: make([]float32, c),
		mean: make([]float32, c), invStd: make([]float32, c), scale: make([]float32, c), md: make([]float32, c), mdh: make([]float32, c), sum: make([]float64, c), sumSq: make([]float64, c)}
	for i := range c {
		b.Gamma.Value.Data[i] = 1
		b.RunningVar[i] = 1
	}
	return b
}

// ApplyRunning folds a batch's mean and unbiased variance into the running
// statistics: running = (1−Momentum)·running + Momentum·batch.
func (b *BatchNorm) ApplyRunning(mean, unbiasedVar []float32) {
	mom := b.Momentum
	for j := range b.C {
		b.RunningMean[j] = float32((1-mom)*b.RunningMean[j]) + float32(mom*mean[j])
		b.RunningVar[j] = float32((1-mom)*b.RunningVar[j]) + float32(mom*unbiasedVar[j])
	}
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
		channelSums(b.sum, x.Data, rows, c)
		for j := range c {
			b.mean[j] = float32(b.sum[j] / float64(rows))
		}
		channelSqDev(b.sumSq, x.Data, b.mean, rows, c)
		if b.BatchMean == nil {
			b.BatchMean, b.BatchVar = make([]float32, c), make([]float32, c)
		}
		for j := range c {
			v := b.sumSq[j] / float64(rows)
			b.invStd[j] = float32(1 / math.Sqrt(v+float64(b.Eps)))
			unbiased := v
			if rows > 1 {
				unbiased = v * float64(rows) / float64(rows-1)
			}
			b.BatchMean[j], b.BatchVar[j] = b.mean[j], float32(unbiased)
		}
		b.Ran = true
		if !b.Deferred {
			b.ApplyRunning(b.BatchMean, b.BatchVar)
		}
	} else {
		for j := range c {
			b.mean[j] = b.RunningMean[j]
			b.invStd[j] = float32(1 / math.Sqrt(float64(b.RunningVar[j])+float64(b.Eps)))
		}
	}
	b.xhat.ResizeLike(x)
	b.y.ResizeLike(x)
	gamma, beta := b.Gamma.Value.Data[:c], b.Beta.Value.Data[:c]
	mean, invStd := b.mean[:c], b.invStd[:c]
	for r := 0; r < rows; r++ {
		xr := x.Data[r*c:][:c]
		hr := b.xhat.Data[r*c:][:c]
		yr := b.y.Data[r*c:][:c]
		j := 0
		for ; j+4 <= c; j += 4 { // four per trip: wasm pays per loop iteration
			h0 := float32((xr[j] - mean[j]) * invStd[j])
			h1 := float32((xr[j+1] - mean[j+1]) * invStd[j+1])
			h2 := float32((xr[j+2] - mean[j+2]) * invStd[j+2])
			h3 := float32((xr[j+3] - mean[j+3]) * invStd[j+3])
			hr[j], hr[j+1], hr[j+2], hr[j+3] = h0, h1, h2, h3
			yr[j] = float32(gamma[j]*h0) + beta[j]
			yr[j+1] = float32(gamma[j+1]*h1) + beta[j+1]
			yr[j+2] = float32(gamma[j+2]*h2) + beta[j+2]
			yr[j+3] = float32(gamma[j+3]*h3) + beta[j+3]
		}
		for ; j < c; j++ {
			h := float32((xr[j] - mean[j]) * invStd[j])
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
	channelSums(b.sum, dy.Data, rows, c)
	channelDot(b.sumSq, dy.Data, b.xhat.Data, rows, c)
	gamma := b.Gamma.Value.Data
	dg, dbeta := b.Gamma.Grad.Data, b.Beta.Grad.Data
	for j := range c {
		dbeta[j] += float32(b.sum[j])
		dg[j] += float32(b.sumSq[j])
	}
	b.dx.ResizeLike(dy)
	// Per-channel factors once, then one pass over the elements.
	inv := 1 / float64(rows)
	scale, md, mdh := b.scale[:c], b.md[:c], b.mdh[:c]
	for j := range c {
		scale[j] = float32(gamma[j] * b.invStd[j])
		md[j] = float32(b.sum[j] * inv)
		mdh[j] = float32(b.sumSq[j] * inv)
	}
	for r := 0; r < rows; r++ {
		hr := b.xhat.Data[r*c:][:c]
		dxr := b.dx.Data[r*c:][:c]
		dyr := dy.Data[r*c:][:c]
		if !b.train {
			for j, d := range dyr {
				dxr[j] = float32(scale[j] * d)
			}
			continue
		}
		j := 0
		for ; j+4 <= c; j += 4 {
			dxr[j] = float32(scale[j] * (dyr[j] - md[j] - float32(hr[j]*mdh[j])))
			dxr[j+1] = float32(scale[j+1] * (dyr[j+1] - md[j+1] - float32(hr[j+1]*mdh[j+1])))
			dxr[j+2] = float32(scale[j+2] * (dyr[j+2] - md[j+2] - float32(hr[j+2]*mdh[j+2])))
			dxr[j+3] = float32(scale[j+3] * (dyr[j+3] - md[j+3] - float32(hr[j+3]*mdh[j+3])))
		}
		for ; j < c; j++ {
			dxr[j] = float32(scale[j] * (dyr[j] - md[j] - float32(hr[j]*mdh[j])))
		}
	}
	return &b.dx
}

// Params returns Gamma and Beta.
func (b *BatchNorm) Params() []*Param { return []*Param{b.Gamma, b.Beta} }
