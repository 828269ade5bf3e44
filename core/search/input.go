package search

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/snapshot"
)

// LoadInput loads what a search of cfg runs on from an assets folder laid
// out as the repository's assets/ (datasets/…, snapshots/…): the dataset
// and, with pretrained=1, the shipped snapshot of its supernet. The command
// line passes os.DirFS of the folder, the worker the server's files over
// HTTP, the tests the checkout's; all three load through here.
func LoadInput(assets fs.FS, cfg share.Config) (Input, error) {
	ds, err := LoadDataset(assets, cfg.Dataset)
	if err != nil {
		return Input{}, err
	}
	in := Input{Data: ds}
	if cfg.Pretrained && cfg.Space != "tiny" {
		return Input{}, fmt.Errorf("pretrained=1: the shipped warm-up snapshots are of the tiny layout; with space=%s use pretrained=0 (the search warms the supernet up itself)", cfg.Space)
	}
	if cfg.Pretrained {
		in.Snapshot, err = LoadSnapshot(assets, ds, cfg.Ops)
	}
	return in, err
}

// LoadDataset loads the dataset with the given key from assets/datasets.
func LoadDataset(assets fs.FS, key string) (*data.Dataset, error) {
	sub, err := fs.Sub(assets, "datasets")
	if err != nil {
		return nil, err
	}
	ds, err := data.Load(sub, key)
	if err != nil {
		return nil, fmt.Errorf("loading dataset %s: %w", key, err)
	}
	return ds, nil
}

// LoadSnapshot loads the shipped warm-up snapshot of ds's supernet with op
// set ops from assets/snapshots, checking it fits the supernet (see
// ExpectSnapshot).
func LoadSnapshot(assets fs.FS, ds *data.Dataset, ops string) (*snapshot.Snapshot, error) {
	name := SnapshotFile(ds.Key, ops)
	want, err := ExpectSnapshot(ds, ops)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(assets, "snapshots/"+name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pretrained: there is no snapshot %s for dataset %s and ops %s (accepted: pretrained=0, which warms the supernet up in the search; or make one with dian pretrain -dataset %s -ops %s)", name, ds.Key, ops, ds.Key, ops)
	}
	if err != nil {
		return nil, fmt.Errorf("loading the snapshot %s: %w", name, err)
	}
	snap, err := snapshot.Decode(b, want)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", name, err)
	}
	return snap, nil
}
