package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/dian-explorer/dian/core/data"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/snapshot"
)

func init() {
	register(command{name: "pretrain", summary: "warm up a dataset's supernet and write its snapshot", run: runPretrain})
}

func runPretrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("pretrain", stderr)
	dataset := fs.String("dataset", "mnist14", "dataset key: "+fmt.Sprint(data.Keys()))
	ops := fs.String("ops", "fbnet", "candidate op set: fbnet or fbnet-g2")
	assets := fs.String("assets", "assets", "the assets folder (reads datasets/, writes snapshots/)")
	out := fs.String("out", "", "output file (default ASSETS/snapshots/DATASET.OPS.msgpack)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ds, err := search.LoadDataset(os.DirFS(*assets), *dataset)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*assets, "snapshots", search.SnapshotFile(*dataset, *ops))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(stderr, *quiet)
	snap, err := search.Pretrain(ctx, ds, *ops, bar.observe)
	bar.finish()
	if err != nil {
		return err
	}
	b, err := snapshot.Encode(snap)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, %d tensors, %d warm-up epochs)\n", *out, len(b), len(snap.Tensors), snap.Epochs)
	return nil
}
