package supernet

import (
	"fmt"
)

// NamedTensor is one saved array of a supernet: a weight, or a batch
// norm's running statistics.
type NamedTensor struct {
	Name  string
	Shape []int
	Data  []float32 // shares memory with the supernet
}

// Tensors lists every weight and every batch norm's running mean and
// variance, in a fixed order with unique names: what a snapshot stores.
// The architecture logits are not included (a snapshot is taken before the
// search learns them).
func (s *Supernet) Tensors() []NamedTensor {
	var out []NamedTensor
	for _, p := range s.weights {
		out = append(out, NamedTensor{Name: p.Name, Shape: append([]int(nil), p.Value.Shape...), Data: p.Value.Data})
	}
	for _, bn := range s.BatchNorms {
		name := bn.Gamma.Name[:len(bn.Gamma.Name)-len(".gamma")]
		out = append(out,
			NamedTensor{Name: name + ".running_mean", Shape: []int{bn.C}, Data: bn.RunningMean},
			NamedTensor{Name: name + ".running_var", Shape: []int{bn.C}, Data: bn.RunningVar})
	}
	return out
}

// SetTensors copies saved arrays into the supernet. lookup returns the data
// of a named tensor with the given shape, or an error when it is missing or
// shaped differently; every tensor of the supernet must be found.
func (s *Supernet) SetTensors(lookup func(name string, shape ...int) ([]float32, error)) error {
	for _, t := range s.Tensors() {
		data, err := lookup(t.Name, t.Shape...)
		if err != nil {
			return fmt.Errorf("supernet: loading %s: %w", t.Name, err)
		}
		if len(data) != len(t.Data) {
			return fmt.Errorf("supernet: loading %s: %d values, want %d", t.Name, len(data), len(t.Data))
		}
		copy(t.Data, data)
	}
	return nil
}
