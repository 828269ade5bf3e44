package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dian-explorer/dian/core/data"
)

// writeIDXSource writes a fake MNIST-layout source directory: n images of
// 2×2 pixels whose value is their index, labels i mod 10.
func writeIDXSource(t *testing.T, dir, split string, n int) {
	t.Helper()
	img := make([]uint8, 4*n)
	lbl := make([]uint8, n)
	for i := range n {
		for k := range 4 {
			img[4*i+k] = uint8(i)
		}
		lbl[i] = uint8((i * 7) % 10)
	}
	if err := os.WriteFile(filepath.Join(dir, split+"-images-idx3-ubyte.gz"), data.Gzip(data.EncodeIDX([]int{n, 2, 2}, img)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, split+"-labels-idx1-ubyte.gz"), data.Gzip(data.EncodeIDX([]int{n}, lbl)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readGzIDX(t *testing.T, path string) *data.IDX {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	x, err := data.DecodeIDX(raw)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestDatasetsCommand(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeIDXSource(t, src, "train", 40)
	writeIDXSource(t, src, "t10k", 30)
	csv := filepath.Join(src, "digits.csv")
	row := strings.Repeat("1,", 64)
	if err := os.WriteFile(csv, []byte(row+"4\n"+row+"2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"datasets", "-mnist", src, "-digits", csv, "-train", "3", "-test", "2", "-train14", "2", "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("dian datasets exited %d: %s", code, stderr.String())
	}
	// Labels are (7i mod 10): class c first appears at i = 3c mod 10, then
	// every 10 samples; the first 3 per class in file order are i < 30.
	img := readGzIDX(t, filepath.Join(out, "mnist", "train-images-idx3-ubyte.gz"))
	lbl := readGzIDX(t, filepath.Join(out, "mnist", "train-labels-idx1-ubyte.gz"))
	if img.Dims[0] != 30 || lbl.Dims[0] != 30 || img.Data[4*29] != 29 || lbl.Data[1] != 7 {
		t.Errorf("train subset: dims %v, last image %d, labels %v", img.Dims, img.Data[4*29], lbl.Data)
	}
	test := readGzIDX(t, filepath.Join(out, "mnist", "test-labels-idx1-ubyte.gz"))
	if test.Dims[0] != 20 {
		t.Errorf("test subset has %d samples, want 20", test.Dims[0])
	}
	// The 14×14 tier: the first 2 per class (i < 20), each 2×2 image
	// averaged to one pixel (all four are i), and the whole test file.
	img14 := readGzIDX(t, filepath.Join(out, "mnist14", "train-images-idx3-ubyte.gz"))
	if fmt.Sprint(img14.Dims) != "[20 1 1]" || img14.Data[19] != 19 {
		t.Errorf("mnist14 train: dims %v, pixels %v; want [20 1 1] and 0..19", img14.Dims, img14.Data)
	}
	if test14 := readGzIDX(t, filepath.Join(out, "mnist14", "test-images-idx3-ubyte.gz")); test14.Dims[0] != 30 {
		t.Errorf("mnist14 test has %d images, want all 30", test14.Dims[0])
	}
	dig := readGzIDX(t, filepath.Join(out, "digits", "labels-idx1-ubyte.gz"))
	if dig.Dims[0] != 2 || dig.Data[0] != 4 {
		t.Errorf("digits labels %v", dig.Data)
	}
	if !strings.Contains(stdout.String(), "mnist/train-images-idx3-ubyte.gz") {
		t.Errorf("output does not list the files with their sha256:\n%s", stdout.String())
	}
	// The same inputs give the same bytes.
	first, _ := os.ReadFile(filepath.Join(out, "mnist", "train-images-idx3-ubyte.gz"))
	run([]string{"datasets", "-mnist", src, "-train", "3", "-test", "2", "-train14", "2", "-out", out}, io.Discard, io.Discard)
	again, _ := os.ReadFile(filepath.Join(out, "mnist", "train-images-idx3-ubyte.gz"))
	if !bytes.Equal(first, again) {
		t.Errorf("a second run wrote different bytes")
	}
}

func TestDatasetsCommandErrors(t *testing.T) {
	src := t.TempDir()
	writeIDXSource(t, src, "train", 12)
	writeIDXSource(t, src, "t10k", 30)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"datasets"}, 2, "at least one of"},
		{[]string{"datasets", "-mnist", src, "-train", "0"}, 2, "positive"},
		{[]string{"datasets", "-mnist", src, "-train", "3", "-out", t.TempDir()}, 1, "class 0 has 2 samples, fewer than 3"},
		{[]string{"datasets", "-fashion", t.TempDir()}, 1, "train-images-idx3-ubyte.gz"},
	} {
		var stderr bytes.Buffer
		if code := run(tc.args, io.Discard, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("dian %v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
