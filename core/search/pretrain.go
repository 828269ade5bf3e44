package search

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/nn"
	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/dian-explorer/dian/core/supernet"
	"github.com/dian-explorer/dian/core/tensor"
)

// The warm-up recipe of the shipped snapshots. It is fixed (not the
// search's seed) so that one snapshot per dataset and op set serves every
// search, and a search from it is reproducible from its URL alone.
const (
	PretrainEpochs = 20
	PretrainSeed   = 0
	pretrainBatch  = 64
	pretrainLR     = 0.05
	pretrainBuild  = "dian-pretrain/1" // fixed, so regenerating gives the same bytes
)

// SnapshotFile is the name of the shipped snapshot for a dataset and op set
// under assets/snapshots/.
func SnapshotFile(dataset, ops string) string { return dataset + "." + ops + ".msgpack" }

// PretrainConfig is the canonical description of what a snapshot holds: the
// supernet's shape and the warm-up recipe. A search refuses a snapshot
// whose description differs from the one it expects.
func PretrainConfig(space supernet.Space) string {
	return fmt.Sprintf("supernet{%s} warmup{epochs=%d,batch=%d,lr=%g,seed=%d,sampling=hard}",
		space.Key(), PretrainEpochs, pretrainBatch, pretrainLR, PretrainSeed)
}

// ExpectSnapshot is what a search on this dataset and op set requires of a
// snapshot.
func ExpectSnapshot(ds *data.Dataset, ops string) (snapshot.Expect, error) {
	tr := ds.Train
	space, err := supernet.NewSpace(tr.H, tr.W, tr.C, tr.Classes, ops, "tiny")
	if err != nil {
		return snapshot.Expect{}, err
	}
	return snapshot.Expect{Kind: snapshot.KindSupernet, Dataset: ds.Key, Config: PretrainConfig(space)}, nil
}

// Pretrain runs the warm-up of the shipped snapshots: weights only, on
// single paths sampled uniformly, SGD with a cosine schedule over all of
// the training set. obs receives report.PhaseWarmup events.
func Pretrain(ctx context.Context, ds *data.Dataset, ops string, obs Observer) (*snapshot.Snapshot, error) {
	if obs == nil {
		obs = func(report.Event) {}
	}
	tr := ds.Train
	space, err := supernet.NewSpace(tr.H, tr.W, tr.C, tr.Classes, ops, "tiny")
	if err != nil {
		return nil, err
	}
	net := supernet.New(space, PretrainSeed)
	rng := rand.New(rand.NewPCG(PretrainSeed, 0xa11c))
	params := net.WeightParams()
	opt := nn.NewSGD(params, pretrainLR, weightMomentum, weightDecay)
	b := data.NewBatcher(tr, pretrainBatch, PretrainSeed)
	x := tensor.New(pretrainBatch, tr.H, tr.W, tr.C)
	labels := make([]int32, pretrainBatch)
	var ce nn.SoftmaxCrossEntropy
	total := PretrainEpochs * b.BatchesPerEpoch()
	for step := range total {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		opt.LR = nn.CosineLR(pretrainLR, pretrainLR*lrFloor, step, total)
		net.SampleHard(rng, 1)
		b.Next(x.Data, labels)
		loss := nn.TrainStep(net.Net, params, &ce, opt, x, labels, gradClip)
		obs(report.Event{Phase: report.PhaseWarmup, Step: step + 1, Steps: total, Epoch: step / b.BatchesPerEpoch(), LossWeights: float64(loss)})
	}
	snap := &snapshot.Snapshot{Kind: snapshot.KindSupernet, Dataset: ds.Key, Config: PretrainConfig(space),
		Seed: PretrainSeed, Epochs: PretrainEpochs, Build: pretrainBuild}
	for _, t := range net.Tensors() {
		snap.Tensors = append(snap.Tensors, snapshot.Tensor{Name: t.Name, Shape: t.Shape, Data: t.Data})
	}
	return snap, nil
}

// loadSnapshot copies a snapshot's weights into net after checking it was
// made for net's space.
func loadSnapshot(net *supernet.Supernet, snap *snapshot.Snapshot, dataset string) error {
	want := PretrainConfig(net.Space)
	if snap.Kind != snapshot.KindSupernet || snap.Dataset != dataset || snap.Config != want {
		return fmt.Errorf("search: the snapshot is a %q for %s made as %q; this search needs a supernet snapshot for %s made as %q (regenerate it with dian pretrain)",
			snap.Kind, snap.Dataset, snap.Config, dataset, want)
	}
	return net.SetTensors(snap.Lookup)
}

// ExportONNX writes the network path derives from net, trained on ds, as
// an ONNX model whose input is ds's images as stored (see Supernet.ONNX).
func ExportONNX(net *supernet.Supernet, path supernet.Path, ds *data.Dataset) ([]byte, error) {
	return net.ONNX(path, supernet.ONNXInput{MaxValue: ds.MaxValue, Mean: ds.Mean, Std: ds.Std, Downscaled: ds.Downscaled}, "dian-"+ds.Key)
}
