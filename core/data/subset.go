package data

import (
	"bytes"
	"fmt"
	"strconv"
)

// FirstPerClass returns, in file order, the indices of the first k samples
// of each class in [0, classes): the subset rule of docs/METHOD.md §7.2.
// It fails if a label is out of range or a class has fewer than k samples.
func FirstPerClass(labels []uint8, classes, k int) ([]int, error) {
	count := make([]int, classes)
	var idx []int
	for i, l := range labels {
		if int(l) >= classes {
			return nil, fmt.Errorf("data: label %d of sample %d is outside [0, %d)", l, i, classes)
		}
		if count[l] < k {
			count[l]++
			idx = append(idx, i)
		}
	}
	for c, n := range count {
		if n < k {
			return nil, fmt.Errorf("data: class %d has %d samples, fewer than %d", c, n, k)
		}
	}
	return idx, nil
}

// Select returns the IDX made of the given first-dimension entries of x, in
// the given order.
func Select(x *IDX, idx []int) *IDX {
	per := len(x.Data) / x.Dims[0]
	out := &IDX{Dims: append([]int{len(idx)}, x.Dims[1:]...), Data: make([]uint8, 0, len(idx)*per)}
	for _, i := range idx {
		out.Data = append(out.Data, x.Data[i*per:(i+1)*per]...)
	}
	return out
}

// SubsetIDX decodes an images and a labels IDX file (gzipped or not), checks
// that they agree, and returns the encoded IDX (uncompressed) of the first k
// samples per class (every sample when k is 0). name is used in errors.
func SubsetIDX(name string, images, labels []byte, classes, k int) (img, lbl []byte, err error) {
	im, err := decodeMaybeGzip(name+" images", images)
	if err != nil {
		return nil, nil, err
	}
	lb, err := decodeMaybeGzip(name+" labels", labels)
	if err != nil {
		return nil, nil, err
	}
	if len(lb.Dims) != 1 || lb.Dims[0] != im.Dims[0] {
		return nil, nil, fmt.Errorf("data: %s: labels have dimensions %v for %d images", name, lb.Dims, im.Dims[0])
	}
	idx := seq(0, im.Dims[0])
	if k > 0 {
		if idx, err = FirstPerClass(lb.Data, classes, k); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	si, sl := Select(im, idx), Select(lb, idx)
	return EncodeIDX(si.Dims, si.Data), EncodeIDX(sl.Dims, sl.Data), nil
}

func decodeMaybeGzip(name string, b []byte) (*IDX, error) {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		var err error
		b, err = gunzip(b, maxIDXElements+64)
		if err != nil {
			return nil, fmt.Errorf("data: %s: gzip: %w", name, err)
		}
	}
	x, err := DecodeIDX(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return x, nil
}

// DigitsCSV parses scikit-learn's digits.csv (optionally gzipped): one
// sample per line, 64 integers 0..16 (an 8×8 image, row-major), then the
// label 0..9. It returns the images as an N×8×8 IDX and the labels as an N
// IDX, both encoded.
func DigitsCSV(b []byte) (img, lbl []byte, err error) {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		if b, err = gunzip(b, 64<<20); err != nil {
			return nil, nil, fmt.Errorf("data: digits csv: gzip: %w", err)
		}
	}
	var pix, labels []uint8
	line := 0
	for len(b) > 0 {
		var row []byte
		row, b, _ = bytes.Cut(b, []byte("\n"))
		line++
		row = bytes.TrimSuffix(row, []byte("\r"))
		if len(row) == 0 {
			continue
		}
		fields := bytes.Split(row, []byte(","))
		if len(fields) != 65 {
			return nil, nil, fmt.Errorf("data: digits csv line %d: %d fields, want 65 (64 pixels and a label)", line, len(fields))
		}
		for i, f := range fields {
			v, err := strconv.Atoi(string(bytes.TrimSpace(f)))
			limit := 16
			if i == 64 {
				limit = 9
			}
			if err != nil || v < 0 || v > limit {
				return nil, nil, fmt.Errorf("data: digits csv line %d field %d: %q is not an integer in [0, %d]", line, i+1, f, limit)
			}
			if i == 64 {
				labels = append(labels, uint8(v))
			} else {
				pix = append(pix, uint8(v))
			}
		}
	}
	if len(labels) == 0 {
		return nil, nil, fmt.Errorf("data: digits csv has no samples")
	}
	return EncodeIDX([]int{len(labels), 8, 8}, pix), EncodeIDX([]int{len(labels)}, labels), nil
}

// Downscale2xIDX shrinks an N×H×W uint8 IDX by 2 in height and width: each
// output pixel is the mean of a 2×2 block rounded half up, (a+b+c+d+2)/4
// (an odd last row or column is dropped). It is how the 14×14 MNIST tier
// is stored, so the page downloads a quarter of the pixels.
func Downscale2xIDX(x *IDX) (*IDX, error) {
	if len(x.Dims) != 3 || x.Dims[1] < 2 || x.Dims[2] < 2 {
		return nil, fmt.Errorf("data: downscaling wants N×H×W images of at least 2×2, got dimensions %v", x.Dims)
	}
	n, h, w := x.Dims[0], x.Dims[1], x.Dims[2]
	oh, ow := h/2, w/2
	out := &IDX{Dims: []int{n, oh, ow}, Data: make([]uint8, 0, n*oh*ow)}
	for i := range n {
		img := x.Data[i*h*w : (i+1)*h*w]
		for y := range oh {
			for xx := range ow {
				a, b := int(img[2*y*w+2*xx]), int(img[2*y*w+2*xx+1])
				c, d := int(img[(2*y+1)*w+2*xx]), int(img[(2*y+1)*w+2*xx+1])
				out.Data = append(out.Data, uint8((a+b+c+d+2)/4))
			}
		}
	}
	return out, nil
}
