package nn

import (
	"fmt"

	"github.com/dian-explorer/dian/core/detmath"
	"github.com/dian-explorer/dian/core/tensor"
)

// SoftmaxCrossEntropy is the mean over a batch of −log softmax(logits)[label].
// It is computed in float64 with the pure-Go Exp and the max subtracted, so it
// neither overflows nor differs between platforms.
type SoftmaxCrossEntropy struct {
	// Denom, when set, divides the loss and its gradient instead of the
	// batch's rows: a shard of a batch (see core/supernet's shards) is
	// scored as its share of the whole batch's mean.
	Denom int

	probs, dlogits tensor.Tensor
	labels         []int32
	n, k           int
}

// Forward returns the mean loss of logits ([N, K]) against labels (N values
// in [0, K)). It panics on a label out of range: labels come from a loader
// that has already validated them.
func (l *SoftmaxCrossEntropy) Forward(logits *tensor.Tensor, labels []int32) float32 {
	n, k := logits.Rows()
	if len(labels) != n {
		panic(fmt.Sprintf("nn: %d labels for %d rows of logits", len(labels), n))
	}
	l.n, l.k, l.labels = n, k, labels
	l.probs.Resize(n, k)
	var total float64
	for i := 0; i < n; i++ {
		row := logits.Data[i*k:][:k]
		pr := l.probs.Data[i*k:][:k]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var s float64
		for j, v := range row {
			e := detmath.Exp(float64(v - m))
			s += e
			pr[j] = float32(e)
		}
		inv := 1 / s
		for j := range pr {
			pr[j] = float32(float64(pr[j]) * inv)
		}
		y := labels[i]
		if y < 0 || int(y) >= k {
			panic(fmt.Sprintf("nn: label %d outside [0, %d)", y, k))
		}
		total += detmath.Log(s) - float64(row[y]-m)
	}
	return float32(total / float64(l.denom()))
}

// denom is what the loss is divided by: Denom, or the batch's rows.
func (l *SoftmaxCrossEntropy) denom() int {
	if l.Denom > 0 {
		return l.Denom
	}
	return l.n
}

// Backward returns d(mean loss)/d logits = (softmax − onehot)/N.
func (l *SoftmaxCrossEntropy) Backward() *tensor.Tensor {
	l.dlogits.ResizeLike(&l.probs)
	inv := 1 / float32(l.denom())
	for i := 0; i < l.n; i++ {
		pr := l.probs.Data[i*l.k:][:l.k]
		dr := l.dlogits.Data[i*l.k:][:l.k]
		for j, p := range pr {
			if int32(j) == l.labels[i] {
				p--
			}
			dr[j] = float32(p * inv)
		}
	}
	return &l.dlogits
}

// Probs returns the softmax of the last Forward's logits ([N, K]).
func (l *SoftmaxCrossEntropy) Probs() *tensor.Tensor { return &l.probs }

// Correct counts the rows of the last Forward whose largest logit (first on
// ties) is at the label.
func (l *SoftmaxCrossEntropy) Correct() int {
	c := 0
	for i := 0; i < l.n; i++ {
		if Argmax(l.probs.Data[i*l.k:][:l.k]) == int(l.labels[i]) {
			c++
		}
	}
	return c
}

// Argmax returns the index of the largest value, the first on ties.
func Argmax[T float32 | float64](v []T) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
