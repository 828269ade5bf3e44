package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Splits is the three-way split of a co-search: Weights trains the network
// weights, Arch the architecture (and accelerator) parameters, Test is held
// out for the final evaluation.
type Splits struct {
	Weights, Arch, Test *Set
}

// Split shuffles the training set with seed and gives the first
// round(N·(1−archFrac)) samples to Weights and the rest to Arch; Test is the
// dataset's test set. archFrac must be in [0, 1).
func (d *Dataset) Split(archFrac float64, seed uint64) (Splits, error) {
	return d.SplitSubset(d.Train.N, archFrac, seed)
}

// SplitSubset is Split on a sample of n training images (all of them when
// n ≥ N): the first n of the same seeded shuffle. A search runs its
// bi-level loop on such a sample, as NAS methods search on a proxy of the
// data, and trains the network it derives on the whole set.
func (d *Dataset) SplitSubset(n int, archFrac float64, seed uint64) (Splits, error) {
	if !(archFrac >= 0 && archFrac < 1) {
		return Splits{}, fmt.Errorf("data: architecture fraction %v is outside [0, 1)", archFrac)
	}
	if n < 2 {
		return Splits{}, fmt.Errorf("data: a split needs at least 2 images, asked for %d", n)
	}
	n = min(n, d.Train.N)
	perm := Permutation(d.Train.N, seed)[:n]
	nw := n - int(float64(float64(n)*archFrac)+0.5) // no FMA: same split everywhere
	return Splits{Weights: d.Train.Subset(perm[:nw]), Arch: d.Train.Subset(perm[nw:]), Test: d.Test}, nil
}

// Permutation returns a permutation of [0, n) drawn by Fisher–Yates from a
// PCG generator seeded with seed: the same on every platform.
func Permutation(n int, seed uint64) []int {
	p := seq(0, n)
	rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)).Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// Batcher deals a set out in mini-batches, reshuffled every epoch with a
// generator seeded once: batch b of epoch e is the same on every platform.
// An epoch's last samples that do not fill a batch are skipped.
type Batcher struct {
	set   *Set
	size  int
	rng   *rand.Rand
	pcg   *rand.PCG // rng's source, whose state BatcherState saves
	perm  []int
	pos   int
	Epoch int // completed epochs
}

// NewBatcher returns a batcher of batches of size (at most the set's size).
func NewBatcher(s *Set, size int, seed uint64) *Batcher {
	if size <= 0 || size > s.N {
		panic(fmt.Sprintf("data: batch size %d for a set of %d", size, s.N))
	}
	pcg := rand.NewPCG(seed, 0x5851f42d4c957f2d)
	b := &Batcher{set: s, size: size, rng: rand.New(pcg), pcg: pcg, perm: seq(0, s.N)}
	b.shuffle()
	return b
}

func (b *Batcher) shuffle() {
	b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	b.pos = 0
}

// Next copies the next batch into images (size·ImageSize floats) and labels
// (size values). It does not allocate.
func (b *Batcher) Next(images []float32, labels []int32) {
	if b.pos+b.size > len(b.perm) {
		b.Epoch++
		b.shuffle()
	}
	sz := b.set.ImageSize()
	for k, i := range b.perm[b.pos : b.pos+b.size] {
		copy(images[k*sz:(k+1)*sz], b.set.Images[i*sz:(i+1)*sz])
		labels[k] = b.set.Labels[i]
	}
	b.pos += b.size
}

// BatchesPerEpoch is the number of full batches in an epoch.
func (b *Batcher) BatchesPerEpoch() int { return b.set.N / b.size }

// BatcherState is where a Batcher is in its deal: the current epoch's
// order, the next position in it, the completed epochs and the generator's
// state (rand.PCG's binary form). Restoring it continues the same sequence
// of batches.
type BatcherState struct {
	Perm  []int
	Pos   int
	Epoch int
	RNG   []byte
}

// State returns a copy of the batcher's position.
func (b *Batcher) State() BatcherState {
	rng, _ := b.pcg.MarshalBinary() // a PCG always marshals
	return BatcherState{Perm: slices.Clone(b.perm), Pos: b.pos, Epoch: b.Epoch, RNG: rng}
}

// Restore continues from a saved position. It checks that s fits this
// batcher's set (a permutation of its indices, a position within it), so
// a damaged or foreign checkpoint is an error, not a wrong batch.
func (b *Batcher) Restore(s BatcherState) error {
	if len(s.Perm) != len(b.perm) {
		return fmt.Errorf("data: batcher state orders %d samples; this set has %d", len(s.Perm), len(b.perm))
	}
	seen := make([]bool, len(s.Perm))
	for _, i := range s.Perm {
		if i < 0 || i >= len(seen) || seen[i] {
			return fmt.Errorf("data: batcher state's order is not a permutation of 0..%d", len(seen)-1)
		}
		seen[i] = true
	}
	if s.Pos < 0 || s.Pos > len(s.Perm) || s.Epoch < 0 {
		return fmt.Errorf("data: batcher state at position %d of %d, epoch %d: out of range", s.Pos, len(s.Perm), s.Epoch)
	}
	pcg := new(rand.PCG)
	if err := pcg.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("data: batcher state's generator: %w", err)
	}
	*b.pcg = *pcg
	copy(b.perm, s.Perm)
	b.pos, b.Epoch = s.Pos, s.Epoch
	return nil
}
