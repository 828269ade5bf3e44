package supernet

import "github.com/dian-explorer/dian/core/tensor"

func newVec(n int) *tensor.Tensor { return tensor.New(n) }
