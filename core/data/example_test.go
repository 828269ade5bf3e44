package data_test

import (
	"fmt"
	"os"

	"github.com/dian-explorer/dian/core/data"
)

func ExampleLoad() {
	d, err := data.Load(os.DirFS("../../assets/datasets"), "mnist14")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := d.Split(0.2, 1)
	fmt.Printf("%d×%d, weights %d, arch %d, test %d\n", d.Train.H, d.Train.W, s.Weights.N, s.Arch.N, s.Test.N)
	// Output: 14×14, weights 16000, arch 4000, test 10000
}

func ExampleDecodeIDX() {
	x, err := data.DecodeIDX([]byte{0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6})
	fmt.Println(x.Dims, x.Data, err)
	_, err = data.DecodeIDX([]byte{0, 0, 8, 1, 0, 0, 0, 9, 1})
	fmt.Println(err)
	// Output:
	// [2 3] [1 2 3 4 5 6] <nil>
	// data: invalid IDX: payload is 1 bytes, dimensions [9] need 9
}
