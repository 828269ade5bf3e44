package tensor

import (
	"errors"
	"fmt"
)

// ErrShape is the panic value (wrapped) for shape misuse by the caller's own
// code: mismatched dimensions or a buffer that is too short.
var ErrShape = errors.New("tensor: shape mismatch")

// shapePanic panics with ErrShape wrapped in a message saying what was wrong.
func shapePanic(format string, args ...any) {
	panic(fmt.Errorf("%w: %s", ErrShape, fmt.Sprintf(format, args...)))
}

// Tensor is a dense, row-major float32 array. Element (i0, i1, ..., ik) is at
// Data[((i0*Shape[1]+i1)*Shape[2]+...)*Shape[k]+ik]; for images the shape is
// [N, H, W, C] (see the package doc). len(Data) equals the product of Shape.
type Tensor struct {
	Data  []float32
	Shape []int
}

// New returns a zeroed tensor of the given shape.
func New(shape ...int) *Tensor {
	t := &Tensor{}
	t.Resize(shape...)
	return t
}

// Len returns the number of elements, the product of Shape.
func (t *Tensor) Len() int { return len(t.Data) }

// Resize sets the shape and makes Data exactly that long, reusing the backing
// array when its capacity suffices (the contents are then unspecified, not
// zeroed); it allocates only when the tensor grows.
func (t *Tensor) Resize(shape ...int) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			shapePanic("negative dimension %d", d)
		}
		n *= d
	}
	if cap(t.Shape) >= len(shape) {
		t.Shape = t.Shape[:len(shape)]
	} else {
		t.Shape = make([]int, len(shape))
	}
	copy(t.Shape, shape)
	if cap(t.Data) >= n {
		t.Data = t.Data[:n]
	} else {
		t.Data = make([]float32, n)
	}
}

// ResizeLike resizes t to the shape of u.
func (t *Tensor) ResizeLike(u *Tensor) {
	n := len(u.Data)
	if cap(t.Shape) >= len(u.Shape) {
		t.Shape = t.Shape[:len(u.Shape)]
	} else {
		t.Shape = make([]int, len(u.Shape))
	}
	copy(t.Shape, u.Shape)
	if cap(t.Data) >= n {
		t.Data = t.Data[:n]
	} else {
		t.Data = make([]float32, n)
	}
}

// Dims4 returns the four dimensions of an NHWC tensor; it panics with
// ErrShape if the tensor is not four-dimensional.
func (t *Tensor) Dims4() (n, h, w, c int) {
	if len(t.Shape) != 4 {
		shapePanic("want a 4-d NHWC tensor, have shape %v", t.Shape)
	}
	return t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
}

// Rows returns the tensor viewed as a matrix: the first dimension and the
// product of the rest.
func (t *Tensor) Rows() (rows, cols int) {
	if len(t.Shape) == 0 {
		return 1, len(t.Data)
	}
	rows = t.Shape[0]
	if rows == 0 {
		return 0, 0
	}
	return rows, len(t.Data) / rows
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.Data) }

// SameShape reports whether t and u have equal shapes.
func (t *Tensor) SameShape(u *Tensor) bool {
	if len(t.Shape) != len(u.Shape) {
		return false
	}
	for i := range t.Shape {
		if t.Shape[i] != u.Shape[i] {
			return false
		}
	}
	return true
}
