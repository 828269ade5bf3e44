package tensor_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/tensor"
)

func ExampleGemm() {
	// C += A·B with A 2×3 and B 3×2, all row-major.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 0, 1, 1, 1}
	c := make([]float32, 4)
	tensor.Gemm(false, false, 2, 2, 3, a, 3, b, 2, c, 2)
	fmt.Println(c)
	// Output: [4 5 10 11]
}

func ExampleIm2col() {
	// One 3×3 single-channel image, a 2×2 window, stride 1, no padding:
	// four output positions, each row a window in (kh, kw) order.
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	g := tensor.NewConvGeom(1, 3, 3, 1, 2, 2, 1, 1, 0, 0)
	col := make([]float32, g.Rows()*4)
	tensor.Im2col(col, x, &g, 0, 1)
	for r := 0; r < g.Rows(); r++ {
		fmt.Println(col[r*4 : r*4+4])
	}
	// Output:
	// [1 2 4 5]
	// [2 3 5 6]
	// [4 5 7 8]
	// [5 6 8 9]
}
