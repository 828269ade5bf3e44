package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
)

// fileSpec is one bundled IDX file: its path in the dataset tree, its
// dimensions and the sha256 of its decompressed bytes.
type fileSpec struct {
	Path   string
	Dims   []int
	SHA256 string
}

// source is one bundled dataset as stored.
type source struct {
	trainImages, trainLabels fileSpec
	testImages, testLabels   fileSpec // empty Path: carve the test set from the end of train
	testTail                 int      // with no test files, the last testTail samples are the test set
	maxValue                 float32  // largest pixel value (255, or 16 for digits)
	classes                  int
}

var (
	mnistSource = source{
		trainImages: fileSpec{"mnist/train-images-idx3-ubyte.gz", []int{5000, 28, 28}, "36cb395b94762f0009909e61c7df0bc6d23da1b3e0251f38b10b10501b652034"},
		trainLabels: fileSpec{"mnist/train-labels-idx1-ubyte.gz", []int{5000}, "6bf07e4d2b09bd66291b74f06f4d0e8c9f34e62ddcb50269a3126f861d1e7d68"},
		testImages:  fileSpec{"mnist/test-images-idx3-ubyte.gz", []int{1000, 28, 28}, "b97c8bfeb834d8e7999eaa2d69239abe06653dc09c1e5d7eb0c974c5965bc6a9"},
		testLabels:  fileSpec{"mnist/test-labels-idx1-ubyte.gz", []int{1000}, "41cf2f530031915ba9fbb241407c369dba1acd7515053edff48cebeee8b260f4"},
		maxValue:    255, classes: 10,
	}
	// mnist14Source is the 14×14 tier: four times the training images of
	// the 28×28 subset at the same download, and MNIST's whole test set.
	mnist14Source = source{
		trainImages: fileSpec{"mnist14/train-images-idx3-ubyte.gz", []int{20000, 14, 14}, "6365719b7e75950dd79e85239d6967dd610572bedaad42ee4a07618bad9c39de"},
		trainLabels: fileSpec{"mnist14/train-labels-idx1-ubyte.gz", []int{20000}, "b689a013ba6be79342b854f9ea60abd1ecd3af85ca69af8d33ea1c96726568ea"},
		testImages:  fileSpec{"mnist14/test-images-idx3-ubyte.gz", []int{10000, 14, 14}, "f1e85dc87443c8549e3d0af21b42e1ff96f1c395b9d6f4ca521e1b5811f9e863"},
		testLabels:  fileSpec{"mnist14/test-labels-idx1-ubyte.gz", []int{10000}, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
		maxValue:    255, classes: 10,
	}
	fashionSource = source{
		trainImages: fileSpec{"fashion/train-images-idx3-ubyte.gz", []int{5000, 28, 28}, "444ed5f7ce17397f236f5eba17dd507d3f6912f04edd3e4f1701cdf82f2cc0c5"},
		trainLabels: fileSpec{"fashion/train-labels-idx1-ubyte.gz", []int{5000}, "35d691216f65485d010cc635af5574a9dc04aa5060de9be64ab6e5cb5ead38e9"},
		testImages:  fileSpec{"fashion/test-images-idx3-ubyte.gz", []int{1000, 28, 28}, "7cee33c3c6414b1b86c25e665a6c4f41584269de3b7cc9768b1d351922845eef"},
		testLabels:  fileSpec{"fashion/test-labels-idx1-ubyte.gz", []int{1000}, "3128d790775889812b73c4f13923559c8b9e281d112c6ea7862acf60a206a909"},
		maxValue:    255, classes: 10,
	}
	digitsSource = source{
		trainImages: fileSpec{"digits/images-idx3-ubyte.gz", []int{1797, 8, 8}, "359cd13f0f514122884198b78a131df597421cbf5e93a76678fa96fc548f0d96"},
		trainLabels: fileSpec{"digits/labels-idx1-ubyte.gz", []int{1797}, "ce71631c1f31ce56fa54f31d1d498fafacff59b001e6c30c4a5e29508aa277ad"},
		testTail:    360, maxValue: 16, classes: 10,
	}
)

// keys maps each dataset key to its source and whether it is downscaled.
var keys = map[string]struct {
	src       *source
	downscale bool
}{
	"mnist28":   {&mnistSource, false},
	"mnist14":   {&mnist14Source, false},
	"fashion28": {&fashionSource, false},
	"fashion14": {&fashionSource, true},
	"digits8":   {&digitsSource, false},
}

// Keys lists the dataset keys Load accepts, in the order the page and the
// URL's documentation list them, the default (mnist14) first.
func Keys() []string { return []string{"mnist14", "fashion14", "digits8", "mnist28", "fashion28"} }

// Set is a labelled set of normalised images, NHWC with C = 1: image i is
// Images[i*H*W*C : (i+1)*H*W*C].
type Set struct {
	Images     []float32
	Labels     []int32
	N, H, W, C int
	Classes    int
}

// ImageSize is H·W·C, the number of floats per image.
func (s *Set) ImageSize() int { return s.H * s.W * s.C }

// Subset returns a new set of the given samples, in the given order.
func (s *Set) Subset(idx []int) *Set {
	sz := s.ImageSize()
	out := &Set{Images: make([]float32, len(idx)*sz), Labels: make([]int32, len(idx)),
		N: len(idx), H: s.H, W: s.W, C: s.C, Classes: s.Classes}
	for k, i := range idx {
		copy(out.Images[k*sz:(k+1)*sz], s.Images[i*sz:(i+1)*sz])
		out.Labels[k] = s.Labels[i]
	}
	return out
}

// Dataset is a loaded dataset: its training and test sets, normalised by the
// training images' mean and standard deviation (one value for all pixels).
type Dataset struct {
	Key         string
	Train, Test *Set
	Mean, Std   float32 // of the training pixels scaled to [0, 1], before normalisation
	// How a stored pixel v became an input: v/MaxValue, then (when
	// Downscaled) the mean of each 2×2 block, then (x−Mean)·(1/Std).
	MaxValue   float32
	Downscaled bool
}

// Load reads and checks the dataset with the given key from fsys (laid out
// as assets/datasets) and returns it with pixels scaled to [0, 1], 2×2
// mean-downscaled for the 14×14 keys, then standardised. digits8 has no test
// file: its last 360 samples in file order are the test set.
func Load(fsys fs.FS, key string) (*Dataset, error) {
	k, ok := keys[key]
	if !ok {
		return nil, fmt.Errorf("data: unknown dataset %q (want one of %v)", key, Keys())
	}
	src := k.src
	train, err := loadSet(fsys, src, src.trainImages, src.trainLabels)
	if err != nil {
		return nil, err
	}
	var test *Set
	if src.testImages.Path != "" {
		if test, err = loadSet(fsys, src, src.testImages, src.testLabels); err != nil {
			return nil, err
		}
	} else {
		n := train.N - src.testTail
		test = train.Subset(seq(n, train.N))
		train = train.Subset(seq(0, n))
	}
	if k.downscale {
		train, test = Downscale2x(train), Downscale2x(test)
	}
	mean, std := meanStd(train.Images)
	normalise(train.Images, mean, std)
	normalise(test.Images, mean, std)
	return &Dataset{Key: key, Train: train, Test: test, Mean: mean, Std: std, MaxValue: src.maxValue, Downscaled: k.downscale}, nil
}

func seq(from, to int) []int {
	s := make([]int, to-from)
	for i := range s {
		s[i] = from + i
	}
	return s
}

// loadSet reads an images and a labels file and scales pixels to [0, 1].
func loadSet(fsys fs.FS, src *source, imf, lbf fileSpec) (*Set, error) {
	im, err := readIDX(fsys, imf)
	if err != nil {
		return nil, err
	}
	lb, err := readIDX(fsys, lbf)
	if err != nil {
		return nil, err
	}
	s := &Set{N: im.Dims[0], H: im.Dims[1], W: im.Dims[2], C: 1, Classes: src.classes,
		Images: make([]float32, len(im.Data)), Labels: make([]int32, len(lb.Data))}
	for i, v := range im.Data {
		if float32(v) > src.maxValue {
			return nil, fmt.Errorf("data: %s: pixel %d is %d, want at most %v", imf.Path, i, v, src.maxValue)
		}
		s.Images[i] = float32(v) / src.maxValue
	}
	for i, v := range lb.Data {
		if int(v) >= src.classes {
			return nil, fmt.Errorf("data: %s: label %d of sample %d is outside [0, %d)", lbf.Path, v, i, src.classes)
		}
		s.Labels[i] = int32(v)
	}
	return s, nil
}

// readIDX reads one bundled file, gunzips it, checks its IDX format and
// dimensions against spec, then its sha256.
func readIDX(fsys fs.FS, spec fileSpec) (*IDX, error) {
	b, err := fs.ReadFile(fsys, spec.Path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	want := 4 + 4*len(spec.Dims)
	n := 1
	for _, d := range spec.Dims {
		n *= d
	}
	want += n
	raw, err := gunzip(b, want)
	if err != nil {
		return nil, fmt.Errorf("data: %s: gzip: %w (want a gzipped IDX file of %d bytes; truncated or altered?)", spec.Path, err, want)
	}
	x, err := DecodeIDX(raw)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.File = spec.Path
		}
		if ue, ok := err.(*UnsupportedError); ok {
			ue.File = spec.Path
		}
		return nil, err
	}
	if fmt.Sprint(x.Dims) != fmt.Sprint(spec.Dims) {
		return nil, fmt.Errorf("data: %s: dimensions %v, want %v", spec.Path, x.Dims, spec.Dims)
	}
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != spec.SHA256 {
		return nil, fmt.Errorf("data: %s: sha256 of the decompressed file is %s, want %s (file altered?)", spec.Path, got, spec.SHA256)
	}
	return x, nil
}

// Downscale2x returns s with every image shrunk by 2 in height and width,
// each output pixel the mean of a 2×2 block (an odd last row or column is
// dropped).
func Downscale2x(s *Set) *Set {
	h, w := s.H/2, s.W/2
	out := &Set{N: s.N, H: h, W: w, C: s.C, Classes: s.Classes, Labels: s.Labels,
		Images: make([]float32, s.N*h*w*s.C)}
	for n := 0; n < s.N; n++ {
		in := s.Images[n*s.ImageSize():]
		o := out.Images[n*h*w*s.C:]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				for c := 0; c < s.C; c++ {
					at := func(yy, xx int) float32 { return in[(yy*s.W+xx)*s.C+c] }
					sum := at(2*y, 2*x) + at(2*y, 2*x+1) + at(2*y+1, 2*x) + at(2*y+1, 2*x+1)
					o[(y*w+x)*s.C+c] = sum / 4
				}
			}
		}
	}
	return out
}

// meanStd returns the mean and (population) standard deviation of v, summed
// in float64 in index order.
func meanStd(v []float32) (mean, std float32) {
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	m := s / float64(len(v))
	var q float64
	for _, x := range v {
		d := float64(x) - m
		q += float64(d * d)
	}
	return float32(m), float32(math.Sqrt(q / float64(len(v))))
}

// normalise maps v to (v − mean)/std in place.
func normalise(v []float32, mean, std float32) {
	inv := 1 / std
	for i, x := range v {
		v[i] = float32((x - mean) * inv)
	}
}

// StoredTest returns the test set of the dataset with the given key as
// its files store it: one uint8 per pixel, images of h×w one after the
// other, and the labels. It is what a model exported with its input
// scaling (supernet.ONNX) reads.
func StoredTest(fsys fs.FS, key string) (pixels, labels []uint8, h, w int, err error) {
	k, ok := keys[key]
	if !ok {
		return nil, nil, 0, 0, fmt.Errorf("data: unknown dataset %q (want one of %v)", key, Keys())
	}
	src := k.src
	imf, lbf := src.testImages, src.testLabels
	if imf.Path == "" {
		imf, lbf = src.trainImages, src.trainLabels
	}
	im, err := readIDX(fsys, imf)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	lb, err := readIDX(fsys, lbf)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	n, h, w := im.Dims[0], im.Dims[1], im.Dims[2]
	pixels, labels = im.Data, lb.Data
	if src.testImages.Path == "" {
		from := n - src.testTail
		pixels, labels = pixels[from*h*w:], labels[from:]
	}
	return pixels, labels, h, w, nil
}
