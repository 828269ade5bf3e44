package data

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// assets is the bundled dataset tree, as the native programs open it.
var assets = os.DirFS("../../assets/datasets")

func TestLoadEveryKey(t *testing.T) {
	for _, tc := range []struct {
		key          string
		train, test  int
		h            int
		testPerClass []int // nil: not checked
		firstLabel   int32
	}{
		{"mnist28", 5000, 1000, 28, balanced(100), 5}, // MNIST train[0] is a 5
		// The whole MNIST test set, with its published class counts.
		{"mnist14", 20000, 10000, 14, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, 5},
		{"fashion28", 5000, 1000, 28, balanced(100), 9}, // Fashion train[0] is an ankle boot
		{"fashion14", 5000, 1000, 14, balanced(100), 9},
		{"digits8", 1437, 360, 8, nil, 0}, // sklearn digits[0] is a 0
	} {
		d, err := Load(assets, tc.key)
		if err != nil {
			t.Fatalf("Load(%q): %v", tc.key, err)
		}
		if d.Train.N != tc.train || d.Test.N != tc.test || d.Train.H != tc.h || d.Train.W != tc.h || d.Train.C != 1 {
			t.Errorf("Load(%q): train %d, test %d, %d×%d×%d; want %d, %d, %d×%d×1", tc.key,
				d.Train.N, d.Test.N, d.Train.H, d.Train.W, d.Train.C, tc.train, tc.test, tc.h, tc.h)
		}
		if len(d.Train.Images) != d.Train.N*d.Train.ImageSize() || len(d.Test.Labels) != d.Test.N {
			t.Errorf("Load(%q): %d floats for %d images", tc.key, len(d.Train.Images), d.Train.N)
		}
		if d.Train.Labels[0] != tc.firstLabel {
			t.Errorf("Load(%q): first training label %d, want %d", tc.key, d.Train.Labels[0], tc.firstLabel)
		}
		if tc.testPerClass != nil {
			count := make([]int, 10)
			for _, l := range d.Test.Labels {
				count[l]++
			}
			if fmt.Sprint(count) != fmt.Sprint(tc.testPerClass) {
				t.Errorf("Load(%q): test images per class %v, want %v", tc.key, count, tc.testPerClass)
			}
		}
		// Normalised by the training set: mean 0 and deviation 1 there.
		m, s := meanStd(d.Train.Images)
		if math.Abs(float64(m)) > 1e-4 || math.Abs(float64(s)-1) > 1e-4 {
			t.Errorf("Load(%q): normalised training pixels have mean %v, deviation %v", tc.key, m, s)
		}
	}
	if _, err := Load(assets, "cifar10"); err == nil || !strings.Contains(err.Error(), "mnist14") {
		t.Errorf("Load(cifar10) error = %v, want one listing the keys", err)
	}
}

func TestDownscale2xIsTheBlockMean(t *testing.T) {
	s := &Set{N: 1, H: 2, W: 4, C: 1, Images: []float32{1, 2, 10, 20, 3, 6, 30, 40}, Labels: []int32{3}}
	d := Downscale2x(s)
	if d.H != 1 || d.W != 2 || d.Images[0] != 3 || d.Images[1] != 25 || d.Labels[0] != 3 {
		t.Errorf("Downscale2x = %d×%d %v, want 1×2 [3 25]", d.H, d.W, d.Images)
	}
}

func TestDownscale2xIDXRoundsHalfUp(t *testing.T) {
	x := &IDX{Dims: []int{1, 2, 6}, Data: []uint8{1, 2, 0, 0, 255, 255, 3, 6, 0, 2, 255, 255}}
	d, err := Downscale2xIDX(x)
	if err != nil || fmt.Sprint(d.Dims, d.Data) != "[1 1 3] [3 1 255]" { // 12/4 = 3, 2/4 rounds up to 1
		t.Errorf("Downscale2xIDX = %v %v, %v; want [1 1 3] [3 1 255]", d.Dims, d.Data, err)
	}
	if _, err := Downscale2xIDX(&IDX{Dims: []int{4}, Data: make([]uint8, 4)}); err == nil {
		t.Error("Downscale2xIDX accepted labels")
	}
	// The shipped 14×14 tier is the 28×28 files downscaled: MNIST's first
	// training image is the first of both.
	d28, _ := Load(assets, "mnist28")
	d14, _ := Load(assets, "mnist14")
	for _, p := range [][2]int{{5, 5}, {7, 3}, {10, 9}} {
		sum := 0.0
		for y := range 2 {
			for x := range 2 {
				sum += 255 * float64(d28.Train.Images[(2*p[0]+y)*28+2*p[1]+x]*d28.Std+d28.Mean)
			}
		}
		want := math.Floor((math.Round(sum) + 2) / 4)
		got := 255 * float64(d14.Train.Images[p[0]*14+p[1]]*d14.Std+d14.Mean)
		if math.Abs(got-want) > 1e-3 {
			t.Errorf("mnist14 pixel %v = %v/255, want (block sum %v + 2)/4 = %v", p, got, sum, want)
		}
	}
}

func balanced(n int) []int {
	c := make([]int, 10)
	for i := range c {
		c[i] = n
	}
	return c
}

// corrupted returns a copy of the asset tree with one file replaced.
func corrupted(t *testing.T, path string, data []byte) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "test-images-idx3-ubyte.gz", "test-labels-idx1-ubyte.gz"} {
		b, err := fs.ReadFile(assets, "mnist/"+f)
		if err != nil {
			t.Fatal(err)
		}
		m["mnist/"+f] = &fstest.MapFile{Data: b}
	}
	if data == nil {
		delete(m, path)
	} else {
		m[path] = &fstest.MapFile{Data: data}
	}
	return m
}

func TestLoadRejectsBadFiles(t *testing.T) {
	const lbl = "mnist/test-labels-idx1-ubyte.gz"
	good, err := fs.ReadFile(assets, lbl)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := gunzip(good, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	altered := bytes.Clone(raw)
	altered[100] = (altered[100] + 1) % 10
	wrongDims := EncodeIDX([]int{999}, raw[8:8+999])
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"missing", nil, []string{lbl, "not exist"}},
		{"truncated", good[:len(good)/2], []string{lbl, "gzip", "truncated"}},
		{"not gzip", raw, []string{lbl, "gzip"}},
		{"altered", Gzip(altered), []string{lbl, "sha256", "41cf2f53"}},
		{"wrong dimensions", Gzip(wrongDims), []string{lbl, "dimensions [999]", "want [1000]"}},
		{"short payload", Gzip(raw[:500]), []string{lbl, "payload is 492 bytes", "need 1000"}},
		{"float IDX", Gzip(append([]byte{0, 0, 0x0d, 1}, raw[4:]...)), []string{lbl, "unsupported", "0x0d"}},
	} {
		_, err := Load(corrupted(t, lbl, tc.data), "mnist28")
		if err == nil {
			t.Errorf("%s: Load succeeded", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

var idxTests = []struct {
	name string
	in   []byte
	dims []int
	err  string
}{
	{"vector", []byte{0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9}, []int{3}, ""},
	{"matrix", []byte{0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 5, 6}, []int{1, 2}, ""},
	{"empty", nil, nil, "shorter than the 4-byte magic"},
	{"bad magic", []byte{1, 0, 8, 1, 0, 0, 0, 1, 0}, nil, "magic starts 01 00"},
	{"int32 type", []byte{0, 0, 0x0c, 1, 0, 0, 0, 1, 0, 0, 0, 0}, nil, "unsupported IDX element type 0x0c"},
	{"no dims", []byte{0, 0, 8, 0}, nil, "0 dimensions"},
	{"5 dims", []byte{0, 0, 8, 5}, nil, "5 dimensions"},
	{"cut header", []byte{0, 0, 8, 2, 0, 0, 0, 1}, nil, "shorter than the 12-byte header"},
	{"zero dim", []byte{0, 0, 8, 1, 0, 0, 0, 0}, nil, "dimension 0 is 0"},
	{"huge", []byte{0, 0, 8, 2, 0x10, 0, 0, 0, 0x10, 0, 0, 0}, nil, "exceed"},
	{"long payload", []byte{0, 0, 8, 1, 0, 0, 0, 1, 1, 2}, nil, "payload is 2 bytes, dimensions [1] need 1"},
}

func TestDecodeIDX(t *testing.T) {
	for _, tc := range idxTests {
		x, err := DecodeIDX(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("DecodeIDX(%s) error = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("DecodeIDX(%s): %v", tc.name, err)
			continue
		}
		if !bytes.Equal(EncodeIDX(x.Dims, x.Data), tc.in) {
			t.Errorf("EncodeIDX(DecodeIDX(%s)) does not round-trip", tc.name)
		}
	}
	var fe *FormatError
	if _, err := DecodeIDX([]byte{9}); !errors.As(err, &fe) {
		t.Errorf("DecodeIDX of garbage returned %T, want *FormatError", err)
	}
}

func FuzzDecodeIDX(f *testing.F) {
	for _, tc := range idxTests {
		f.Add(tc.in)
	}
	for _, p := range []string{"digits/labels-idx1-ubyte.gz", "mnist/test-labels-idx1-ubyte.gz"} {
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			f.Fatal(err)
		}
		raw, err := gunzip(b, 1<<20)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := DecodeIDX(b)
		if err != nil {
			return
		}
		if !bytes.Equal(EncodeIDX(x.Dims, x.Data), b) {
			t.Errorf("EncodeIDX(DecodeIDX(%x)) differs", b)
		}
	})
}

func TestFirstPerClass(t *testing.T) {
	idx, err := FirstPerClass([]uint8{2, 0, 0, 1, 2, 0, 1, 2}, 3, 2)
	if err != nil || len(idx) != 6 || idx[0] != 0 || idx[1] != 1 || idx[2] != 2 || idx[3] != 3 || idx[4] != 4 || idx[5] != 6 {
		t.Errorf("FirstPerClass = %v, %v; want [0 1 2 3 4 6]", idx, err)
	}
	if _, err := FirstPerClass([]uint8{0, 1, 1}, 2, 2); err == nil || !strings.Contains(err.Error(), "class 0 has 1") {
		t.Errorf("FirstPerClass with a short class: error %v", err)
	}
	if _, err := FirstPerClass([]uint8{0, 7}, 2, 1); err == nil || !strings.Contains(err.Error(), "label 7 of sample 1") {
		t.Errorf("FirstPerClass with a bad label: error %v", err)
	}
}

func TestDigitsCSV(t *testing.T) {
	row := strings.Repeat("16,", 64)
	img, lbl, err := DigitsCSV([]byte(row + "3\n" + strings.Repeat("0,", 64) + "9\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	im, _ := DecodeIDX(img)
	lb, _ := DecodeIDX(lbl)
	if im.Dims[0] != 2 || im.Data[63] != 16 || im.Data[64] != 0 || lb.Data[0] != 3 || lb.Data[1] != 9 {
		t.Errorf("DigitsCSV: dims %v, labels %v", im.Dims, lb.Data)
	}
	for _, tc := range []struct{ in, want string }{
		{row + "3\n1,2\n", "line 2: 2 fields"},
		{strings.Repeat("0,", 10) + "17," + strings.Repeat("0,", 53) + "1\n", "line 1 field 11: \"17\""},
		{row + "10\n", "field 65"},
		{"", "no samples"},
	} {
		if _, _, err := DigitsCSV([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DigitsCSV error = %v, want %q", err, tc.want)
		}
	}
}

func TestSplitAndBatcherAreDeterministic(t *testing.T) {
	d, err := Load(assets, "digits8")
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Split(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := d.Split(0.2, 7)
	c, _ := d.Split(0.2, 8)
	if a.Weights.N != 1150 || a.Arch.N != 287 || a.Test.N != 360 {
		t.Errorf("Split(0.2): %d/%d/%d, want 1150/287/360", a.Weights.N, a.Arch.N, a.Test.N)
	}
	if !equalF(a.Arch.Images, b.Arch.Images) || equalF(a.Arch.Images, c.Arch.Images) {
		t.Errorf("Split is not a function of the seed alone")
	}
	if _, err := d.Split(1, 0); err == nil {
		t.Errorf("Split(1) succeeded")
	}
	// A search's sample: the first n of the same shuffle, split the same way.
	sub, err := d.SplitSubset(500, 0.2, 7)
	if err != nil || sub.Weights.N != 400 || sub.Arch.N != 100 || sub.Test.N != 360 {
		t.Fatalf("SplitSubset(500, 0.2): %d/%d/%d (%v), want 400/100/360", sub.Weights.N, sub.Arch.N, sub.Test.N, err)
	}
	if !equalF(sub.Weights.Images, a.Weights.Images[:len(sub.Weights.Images)]) {
		t.Errorf("SplitSubset's weights are not the first images of Split's shuffle")
	}
	if all, _ := d.SplitSubset(1_000_000, 0.2, 7); !equalF(all.Arch.Images, a.Arch.Images) {
		t.Errorf("SplitSubset(n ≥ N) differs from Split")
	}
	if _, err := d.SplitSubset(1, 0.5, 7); err == nil {
		t.Errorf("SplitSubset(1) succeeded")
	}
	p := Permutation(100, 3)
	seen := make([]bool, 100)
	for _, v := range p {
		seen[v] = true
	}
	for i, s := range seen {
		if !s {
			t.Fatalf("Permutation(100) misses %d", i)
		}
	}
	// Two batchers with one seed deal the same batches; one epoch never
	// repeats a sample.
	const size = 64
	b1, b2 := NewBatcher(a.Weights, size, 5), NewBatcher(a.Weights, size, 5)
	x1, x2 := make([]float32, size*64), make([]float32, size*64)
	l1, l2 := make([]int32, size), make([]int32, size)
	for i := 0; i < b1.BatchesPerEpoch()+3; i++ {
		b1.Next(x1, l1)
		b2.Next(x2, l2)
		if !equalF(x1, x2) {
			t.Fatalf("batch %d differs between batchers with one seed", i)
		}
	}
	if b1.Epoch != 1 {
		t.Errorf("after %d batches of %d from %d samples, Epoch = %d, want 1", b1.BatchesPerEpoch()+3, size, a.Weights.N, b1.Epoch)
	}
	if allocs := testing.AllocsPerRun(10, func() { b1.Next(x1, l1) }); allocs != 0 {
		t.Errorf("Batcher.Next allocates %v times", allocs)
	}
}

func TestBatcherCoversAnEpochOnce(t *testing.T) {
	s := &Set{N: 10, H: 1, W: 1, C: 1, Images: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Labels: make([]int32, 10)}
	b := NewBatcher(s, 3, 1)
	x, l := make([]float32, 3), make([]int32, 3)
	seen := map[float32]bool{}
	for range 3 {
		b.Next(x, l)
		for _, v := range x {
			if seen[v] {
				t.Fatalf("sample %v dealt twice in one epoch", v)
			}
			seen[v] = true
		}
	}
	if len(seen) != 9 || b.Epoch != 0 {
		t.Errorf("3 batches of 3 from 10 dealt %d samples, epoch %d", len(seen), b.Epoch)
	}
}

func equalF(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
